"""Correct pieces the wrong solutions share, so each fixture differs from a right answer in one place only.

A deliberately small tracker: amounts in integer cents, one JSON file, validation before any write.
"""

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path


def parse_amount(text):
    text = str(text).strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text):
        raise ValueError(f"not an amount: {text!r}")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if value <= 0:
        raise ValueError("amount must be positive")
    return int(value * 100)


def check_fields(amount, category, description, date, parse=parse_amount):
    if not category.strip():
        raise ValueError("category must not be empty")
    day = dt.date.fromisoformat(date)
    if day > dt.date.today():
        raise ValueError("date in the future")
    return {"amount_cents": parse(amount), "category": category.strip().lower(), "description": description,
            "date": day.isoformat()}  # fmt: skip


def load(path):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {"next_id": 1, "expenses": []}


def save(path, store):
    Path(path).write_text(json.dumps(store))


def add_expense(path, amount, category, description, date):
    expense = check_fields(amount, category, description, date)
    store = load(path)
    expense["id"] = store["next_id"]
    store["next_id"] += 1
    store["expenses"].append(expense)
    save(path, store)
    return expense


def list_expenses(path):
    return sorted(load(path)["expenses"], key=lambda e: (e["date"], e["id"]))


def delete_expense(path, expense_id):
    store = load(path)
    for i, expense in enumerate(store["expenses"]):
        if expense["id"] == expense_id:
            removed = store["expenses"].pop(i)
            save(path, store)
            return removed
    raise KeyError(f"no expense with id {expense_id}")


def summarise(rows):
    by_category, by_month = {}, {}
    for row in rows:
        by_category[row["category"]] = by_category.get(row["category"], 0) + row["amount_cents"]
        by_month[row["date"][:7]] = by_month.get(row["date"][:7], 0) + row["amount_cents"]
    return {"total": sum(r["amount_cents"] for r in rows), "by_category": by_category, "by_month": by_month}
