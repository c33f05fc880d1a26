"""`python -m week08_mall_clustering [run] [--fast] [--seed N]` or `... predict customers.csv [--output FILE]`."""

from shared.cli import week_main
from week08_mall_clustering.cli import add_commands

raise SystemExit(week_main("week08", add_commands=add_commands))
