"""`python -m week09_nn_cubic [run] [--fast] [--seed N]` or `python -m week09_nn_cubic predict 0.5 -1.2`."""

from shared.cli import week_main
from week09_nn_cubic.cli import add_commands

raise SystemExit(week_main("week09", add_commands=add_commands))
