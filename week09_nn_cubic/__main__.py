"""`python -m week09_nn_cubic [run] [--fast] [--seed N]`."""

from shared.cli import week_main

raise SystemExit(week_main("week09"))
