"""Wrong on purpose: amounts go through float, so 0.29 becomes 28 cents and the totals drift."""

import _common
from _common import delete_expense, list_expenses, load, save, summarise  # noqa: F401 - the contract


def parse_amount(text):
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"not a positive amount: {text!r}")
    if round(value, 2) != value:
        raise ValueError("more than two decimals")
    return int(value * 100)  # the mistake: 0.29 * 100 = 28.999999999999996 → 28


def add_expense(path, amount, category, description, date):
    expense = _common.check_fields(amount, category, description, date, parse=parse_amount)
    store = load(path)
    expense["id"] = store["next_id"]
    store["next_id"] += 1
    store["expenses"].append(expense)
    save(path, store)
    return expense
