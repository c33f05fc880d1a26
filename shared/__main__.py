"""`python -m shared` is the `roadmap` command (useful before the console script is on PATH)."""

import sys

from shared.cli import main

sys.exit(main())
