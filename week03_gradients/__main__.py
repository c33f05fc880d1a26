"""`python -m week03_gradients [run] [--fast] [--seed N]` and `python -m week03_gradients grad X Y`."""

from shared.cli import week_main
from week03_gradients.cli import add_commands

raise SystemExit(week_main("week03", add_commands=add_commands))
