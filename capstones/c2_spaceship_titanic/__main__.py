"""`python -m capstones.c2_spaceship_titanic [run] [--fast] [--seed N]`, or `... predict test.csv`."""

from capstones.c2_spaceship_titanic.cli import add_commands
from shared.cli import week_main

raise SystemExit(week_main("c2", add_commands=add_commands))
