"""Extra code (scaffolding): `python -m capstones.c1_melanoma_eda [run] [--fast] [--seed N] [--out DIR]`."""

from shared.cli import week_main

raise SystemExit(week_main("c1"))
