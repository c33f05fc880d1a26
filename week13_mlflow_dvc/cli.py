"""Extra code (scaffolding): `python -m week13_mlflow_dvc ui [--port N] [--out DIR]` serves the MLflow UI.

It opens the store a run wrote (outputs/week13_mlflow_dvc/mlflow.db by default, or $MLFLOW_TRACKING_URI when that
is a SQLite URI) on http://127.0.0.1:PORT until Ctrl-C, and stops the server cleanly.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from shared.errors import RoadmapError
from shared.paths import outputs_dir


def _ui(args: argparse.Namespace) -> int:
    from week13_mlflow_dvc import tracking
    from week13_mlflow_dvc.mlflow_ui import mlflow_server

    out_dir = args.out or outputs_dir("week13_mlflow_dvc")
    uri = tracking.tracking_uri(out_dir)
    if uri.startswith("http"):
        raise RoadmapError(f"MLFLOW_TRACKING_URI={uri} is already a server: open it in your browser")
    db = Path(uri.removeprefix("sqlite:///"))
    if not db.is_file():
        raise RoadmapError(f"no MLflow store at {db}: run `roadmap run week13` (or --fast with --out) first")
    with mlflow_server(uri, out_dir / "mlartifacts", log=out_dir / "mlflow-server.log", port=args.port) as url:
        print(f"MLflow UI: {url}  (click 'Model training', then the week13-wine-quality experiment; Ctrl-C stops)")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            print("stopping the MLflow server")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    ui = sub.add_parser("ui", help="serve the MLflow UI over the last run's store (Ctrl-C stops it)")
    ui.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    ui.add_argument(
        "--out", type=Path, default=None, help="the run's output folder (default outputs/week13_mlflow_dvc/)"
    )
    ui.set_defaults(func=_ui)
