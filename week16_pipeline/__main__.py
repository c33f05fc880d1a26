"""`python -m week16_pipeline [run] [--fast] [--seed N]`, plus the commands in cli.py."""

from shared.cli import week_main
from week16_pipeline.cli import add_commands

raise SystemExit(week_main("week16", add_commands=add_commands))
