"""`python -m week08_mall_clustering [run] [--fast] [--seed N]`."""

from shared.cli import week_main

raise SystemExit(week_main("week08"))
