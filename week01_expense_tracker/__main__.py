"""Extra code (scaffolding): `python -m week01_expense_tracker ...` runs the command line in cli.py."""

import sys

from week01_expense_tracker.cli import main

sys.exit(main())
