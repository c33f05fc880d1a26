"""Wrong on purpose: a minus sign is accepted, so "-5" is stored as an expense of −5.00."""

import re
from decimal import Decimal

from _common import add_expense, delete_expense, list_expenses, summarise  # noqa: F401 - the contract


def parse_amount(text):
    text = str(text).strip()
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", text):  # the mistake: an optional minus sign
        raise ValueError(f"not an amount: {text!r}")
    if Decimal(text) == 0:
        raise ValueError("amount must not be zero")
    return int(Decimal(text) * 100)
