"""`python -m capstones.c3_multimodal_app [run] [--fast] [--seed N]` or `... serve [--host H] [--port P]`."""

from capstones.c3_multimodal_app.cli import add_commands
from shared.cli import week_main

raise SystemExit(week_main("c3", add_commands=add_commands))
