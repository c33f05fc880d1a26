"""`python -m week12_transformer_sst2 [run] [--fast] [--seed N]`, `predict "text" ...` and `train --model NAME`."""

from shared.cli import week_main
from week12_transformer_sst2.cli import add_commands

raise SystemExit(week_main("week12", add_commands=add_commands))
