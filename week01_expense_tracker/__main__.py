import sys

from week01_expense_tracker.expense_tracker import main

sys.exit(main())
