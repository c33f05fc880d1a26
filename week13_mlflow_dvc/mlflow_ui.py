"""Extra code (scaffolding): serve the MLflow UI over a tracking store, and photograph its runs table.

`python -m week13_mlflow_dvc ui` serves the store of the last full run until Ctrl-C; `roadmap run week13` uses
`screenshot_runs` for the README's picture. MLflow 3 opens in its GenAI view; the picture needs the model-training
view, which the code switches to the way a person would: by clicking "Model training".
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.browser import find_browser, open_page
from shared.servers import serve


def server_command(backend_uri: str, artifact_root: Path) -> list[str]:
    """`mlflow server` on loopback over a store; `{host}`/`{port}` are filled in by `servers.serve`."""
    return [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        backend_uri,
        "--default-artifact-root",
        Path(artifact_root).resolve().as_uri(),
        "--host",
        "{host}",
        "--port",
        "{port}",
        "--workers",
        "1",
    ]


@contextmanager
def mlflow_server(backend_uri: str, artifact_root: Path, log: Path, port: int | None = None) -> Iterator[str]:
    """A running `mlflow server` (its base URL), stopped with all its workers when the block ends."""
    env = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
    with serve(
        server_command(backend_uri, artifact_root), health="/health", timeout=240, env=env, log=log, port=port
    ) as url:
        yield url


def screenshot_runs(base_url: str, experiment_id: str, png: Path, wait_for_run: str = "sweep") -> Path:
    """Open the experiment's runs table in the model-training view, the parent run expanded, and save a PNG."""
    with open_page(width=1600, height=900, executable=find_browser()) as page:
        page.goto(f"{base_url}/#/experiments/{experiment_id}/runs")
        page.get_by_text("Model training", exact=True).click()  # MLflow 3 starts in the GenAI view
        page.goto(f"{base_url}/#/experiments/{experiment_id}/runs")
        page.get_by_text(wait_for_run, exact=True).first.wait_for(timeout=60_000)
        close = page.get_by_role("button", name="Close")  # the "MLflow Assistant" side panel, if it opened
        if close.count():
            close.first.click()
        # The parent run's expander (the [+] before its name) shows its child runs under it.
        name_cell = page.locator('[role="gridcell"][col-id^="attributes"]').filter(has_text=wait_for_run).first
        expander = name_cell.get_by_role("button")
        if expander.count():
            expander.first.click()
            page.get_by_role("row").nth(2).wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        png.parent.mkdir(parents=True, exist_ok=True)
        partial = png.with_name(f".{png.stem}.part.png")  # whole picture or none: rename when complete
        page.screenshot(path=str(partial))
        partial.replace(png)
    return png
