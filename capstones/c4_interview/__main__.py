"""`python -m capstones.c4_interview [run] [--fast] [--seed N]`."""

from shared.cli import week_main

raise SystemExit(week_main("c4"))
