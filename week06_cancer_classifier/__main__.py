"""`python -m week06_cancer_classifier [run] [--fast] [--seed N]` or `... predict FILE.csv`."""

from shared.cli import week_main
from week06_cancer_classifier.cli import add_commands

raise SystemExit(week_main("week06", add_commands=add_commands))
