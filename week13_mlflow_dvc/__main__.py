"""`python -m week13_mlflow_dvc [run] [--fast] [--seed N]`, or `python -m week13_mlflow_dvc ui` to browse the runs."""

from shared.cli import week_main
from week13_mlflow_dvc.cli import add_commands

raise SystemExit(week_main("week13", add_commands=add_commands))
