"""Extra code (reporting): photograph the TensorBoard dashboard of a week 10 run for the README.

    python -m week10_cnn_cifar.tb_screenshot [--logdir outputs/week10_cnn_cifar/tensorboard]
                                             [--out week10_cnn_cifar/figures/tensorboard.png]

starts `tensorboard --logdir ...` on loopback (a free port), opens its SCALARS tab in headless Chromium, waits
until the validation-accuracy chart has drawn, saves the PNG and stops both. Offline: no TensorFlow, no network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.browser import INSTALL_HINT, find_browser, open_page
from shared.cli import friendly_errors
from shared.errors import RoadmapError
from shared.paths import outputs_dir
from shared.servers import serve

WEEK_DIR = Path(__file__).resolve().parent
DEFAULT_PNG = WEEK_DIR / "figures" / "tensorboard.png"


def server_command(logdir: Path) -> list[str]:
    """`tensorboard` on loopback; `{host}`/`{port}` are filled in by `servers.serve`. `--load_fast false`: the
    pure-Python reader, so no helper binary has to start."""
    return [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "{host}",
            "--port", "{port}", "--load_fast", "false"]  # fmt: skip


def screenshot(logdir: Path, png: Path, *, timeout_s: float = 120) -> Path:
    """Serve `logdir`, photograph the SCALARS tab (no smoothing, no outlier cropping) once its charts have
    drawn, and return `png`."""
    logdir = Path(logdir)
    if not any(logdir.glob("**/events.out.tfevents.*")):
        raise RoadmapError(f"no TensorBoard event files under {logdir}: run `python -m week10_cnn_cifar` first")
    browser = find_browser()
    if browser is None:
        raise RoadmapError(f"no Chromium found: {INSTALL_HINT}")
    log = png.with_name(f".{png.stem}.tensorboard.log")
    try:
        with serve(server_command(logdir), health="/data/logdir", timeout=timeout_s, log=log) as url:
            with open_page(width=1400, height=1140, executable=browser) as page:
                page.goto(f"{url}/#scalars&_smoothingWeight=0")
                page.get_by_text("Ignore outliers in chart scaling").click()  # show every point of each curve
                # A chart is drawn when its card shows its tag and its line (an SVG path or a canvas) exists.
                card = page.locator("tf-scalar-card, scalar-card").filter(has_text="val/accuracy").first
                card.wait_for(timeout=timeout_s * 1000)
                card.locator("canvas, svg path").first.wait_for(timeout=timeout_s * 1000)
                page.wait_for_load_state("networkidle")
                png.parent.mkdir(parents=True, exist_ok=True)
                partial = png.with_name(f".{png.stem}.part.png")  # whole picture or none: rename when complete
                page.screenshot(path=str(partial))
                partial.replace(png)
    finally:
        log.unlink(missing_ok=True)
    return png


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m week10_cnn_cifar.tb_screenshot", description="Photograph the TensorBoard dashboard of a run."
    )
    parser.add_argument("--logdir", type=Path, default=outputs_dir("week10_cnn_cifar") / "tensorboard")
    parser.add_argument("--out", type=Path, default=DEFAULT_PNG)
    args = parser.parse_args(argv)
    print(screenshot(args.logdir, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
