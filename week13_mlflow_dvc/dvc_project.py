"""Drive the week's DVC project with the real `dvc` and `git` commands, the way a learner types them.

`roadmap run week13` and the tests never run DVC in the learner's own checkout: `make_workspace` copies the DVC
project (dvc.yaml, params.yaml, .dvc/config and the stage code) into a fresh git repository under the run's output
folder, and every command runs there. In your checkout the same commands work as they are: `cd week13_mlflow_dvc`,
then `dvc repro`, `dvc push`, `dvc exp run -S train.max_depth=3`, `dvc exp show`.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from shared.atomic import atomic_write_text
from shared.errors import RoadmapError
from week13_mlflow_dvc.params import Params, to_yaml

WEEK_DIR = Path(__file__).resolve().parent
PROJECT_FILES = [
    "dvc.yaml",
    "params.yaml",
    ".dvcignore",
    ".gitignore",
    "stages.py",
    "model.py",
    ".dvc/config",
    ".dvc/.gitignore",
]
REMOTE = "local"  # the remote's name in .dvc/config


def command_env() -> dict[str, str]:
    """The environment for dvc/git: `python` in a stage command is this interpreter; no analytics, no prompts."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "DVC_NO_ANALYTICS": "1",
        "GIT_TERMINAL_PROMPT": "0",
    }


def sh(project: Path, *args: str, timeout: float = 900) -> str:
    """Run `dvc ...` or `git ...` in `project`; a failure becomes a RoadmapError with the command's own message."""
    env = command_env()
    program = shutil.which(args[0], path=env["PATH"])  # this venv's dvc first
    if program is None:
        raise RoadmapError(f"`{args[0]}` is not installed: install the mlops extra (pip install -e '.[mlops]') and git")
    result = subprocess.run([program, *args[1:]], cwd=project, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        output = (result.stderr.strip() or result.stdout.strip())[-3000:]
        raise RoadmapError(f"`{' '.join(args)}` failed in {project} (exit {result.returncode}):\n{output}")
    return result.stdout


def make_workspace(project: Path, params: Params, remote: Path) -> Path:
    """A fresh git repository holding a copy of the DVC project, with `params` written to its params.yaml."""
    if project.exists():
        shutil.rmtree(project)
    for name in PROJECT_FILES:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(WEEK_DIR / name, project / name)
    atomic_write_text(project / "params.yaml", to_yaml(params))
    # The remote's path is machine-specific, so it goes to .dvc/config.local (git-ignored), as `dvc remote
    # modify --local` would write it.
    atomic_write_text(project / ".dvc" / "config.local", f"['remote \"{REMOTE}\"']\n    url = {remote.resolve()}\n")
    sh(project, "git", "init", "-q")
    for key, value in [("user.name", "week13"), ("user.email", "week13@localhost"), ("commit.gpgsign", "false")]:
        sh(project, "git", "config", key, value)
    commit(project, "week 13 DVC project")
    return project


def commit(project: Path, message: str) -> None:
    sh(project, "git", "add", "-A")
    sh(project, "git", "commit", "-q", "--allow-empty", "-m", message)


def repro(project: Path) -> str:
    """`dvc repro`: run the stages whose inputs changed; returns DVC's log ("Running stage ...", "skipping")."""
    return sh(project, "dvc", "repro")


def exp_run(project: Path, name: str, *settings: str) -> str:
    """`dvc exp run -n NAME -S key=value ...`: the pipeline with changed params, kept as an experiment."""
    args = [arg for setting in settings for arg in ("-S", setting)]
    return sh(project, "dvc", "exp", "run", "-n", name, *args)


def exp_show(project: Path) -> pd.DataFrame:
    """`dvc exp show --csv` as a table: one row per experiment with its params and validation metrics."""
    frame = pd.read_csv(io.StringIO(sh(project, "dvc", "exp", "show", "--csv")))
    keep = ["Experiment", "rev"] + [c for c in frame.columns if c.startswith(("val_", "baseline_", "train."))]
    return frame[[c for c in keep if c in frame.columns]].fillna("")


def metrics_diff(project: Path) -> pd.DataFrame:
    """`dvc metrics diff`: HEAD (the committed baseline) against the workspace (the last experiment applied)."""
    diff = json.loads(sh(project, "dvc", "metrics", "diff", "--json", "--all") or "{}")
    rows = [
        {"path": path, "metric": name, **values} for path, metrics in diff.items() for name, values in metrics.items()
    ]
    return pd.DataFrame(rows, columns=["path", "metric", "old", "new", "diff"])
