"""Wrong on purpose: each add writes a store holding only the new expense; everything before it is lost."""

from _common import check_fields, delete_expense, list_expenses, load, parse_amount, save, summarise  # noqa: F401


def add_expense(path, amount, category, description, date):
    expense = check_fields(amount, category, description, date)
    store = load(path)
    expense["id"] = store["next_id"]
    save(path, {"next_id": store["next_id"] + 1, "expenses": [expense]})  # the mistake: the old list is dropped
    return expense
