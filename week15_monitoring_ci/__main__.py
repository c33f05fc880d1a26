"""`python -m week15_monitoring_ci [run] [--fast] [--seed N]`, plus `retrain`, `gate` and `logs` (cli.py)."""

from shared.cli import week_main
from week15_monitoring_ci.cli import add_commands

raise SystemExit(week_main("week15", add_commands=add_commands))
