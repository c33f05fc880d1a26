"""Extra code (scaffolding): find a Chromium for Playwright and open pages with it, headless and offline.

Playwright normally downloads its own browser; offline it cannot, so we drive an installed one (Debian's
`chromium` package, `apt install chromium`) through `executable_path`. `find_browser()` returns None when there is
none, and callers say so instead of failing. Nothing here is specific to one week.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV_VAR = "ROADMAP_BROWSER"  # path of a Chromium/Chrome binary, when it is not on PATH
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = "install Chromium (Debian/Ubuntu: `sudo apt install chromium`) or set ROADMAP_BROWSER=/path/to/chrome"

# Without the background-networking flags Chromium keeps trying to reach Google's update and sync services and,
# on a closed network, stalls before rendering anything.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def find_browser() -> Path | None:
    """$ROADMAP_BROWSER, else the first Chromium-like binary on PATH, else Playwright's own download, else None."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env) if Path(env).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = Path(p.chromium.executable_path)
        return path if path.is_file() else None
    except Exception:  # noqa: BLE001 - Playwright missing or without a downloaded browser: no browser
        return None


@contextmanager
def open_page(width: int = 1440, height: int = 900, executable: Path | None = None) -> Iterator[object]:
    """A Playwright `Page` in a headless Chromium with a fresh profile, closed (with the browser) afterwards."""
    from playwright.sync_api import sync_playwright

    executable = executable or find_browser()
    if executable is None:
        raise FileNotFoundError(f"no Chromium found: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as p:
        # A persistent context is how Playwright takes a --user-data-dir: a fresh, throw-away profile.
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(executable),
            args=ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
