"""Wrong on purpose: the expense is appended first and checked afterwards, so a refused one is already saved."""

from _common import check_fields, delete_expense, list_expenses, load, parse_amount, save, summarise  # noqa: F401


def add_expense(path, amount, category, description, date):
    store = load(path)
    store["expenses"].append({"id": store["next_id"], "amount": amount, "category": category, "date": date})
    store["next_id"] += 1
    save(path, store)  # the mistake: written before the fields are checked
    expense = check_fields(amount, category, description, date)
    store["expenses"][-1] = {**expense, "id": store["next_id"] - 1}
    save(path, store)
    return expense
