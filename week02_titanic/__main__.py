"""Extra code (scaffolding): `python -m week02_titanic [run] [--fast] [--seed N] [--out DIR]`, wired by shared.cli."""

from shared.cli import week_main

raise SystemExit(week_main("week02"))
