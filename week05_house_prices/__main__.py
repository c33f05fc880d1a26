"""`python -m week05_house_prices [run] [--fast] [--seed N]` or `python -m week05_house_prices predict FILE.csv`."""

from shared.cli import week_main
from week05_house_prices.cli import add_commands

raise SystemExit(week_main("week05", add_commands=add_commands))
