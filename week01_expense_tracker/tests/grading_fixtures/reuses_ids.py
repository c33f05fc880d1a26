"""Wrong on purpose: a new id is "number of expenses + 1", so after a delete an old id comes back."""

from _common import check_fields, delete_expense, list_expenses, load, parse_amount, save, summarise  # noqa: F401


def add_expense(path, amount, category, description, date):
    expense = check_fields(amount, category, description, date)
    store = load(path)
    expense["id"] = len(store["expenses"]) + 1  # the mistake: ids are reused after a delete
    store["expenses"].append(expense)
    save(path, store)
    return expense
