"""`python -m week07_titanic_tuned [run] [--fast] [--seed N]` or `... predict test.csv --output submission.csv`."""

from shared.cli import week_main
from week07_titanic_tuned.cli import add_commands

raise SystemExit(week_main("week07", add_commands=add_commands))
