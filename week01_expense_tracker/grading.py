"""How `roadmap grade week01 PATH` checks a learner's expense tracker (see shared/grading).

The contract is the reference's own API in expense_tracker.py. The grader owns the store: it passes each call a
path in a fresh temporary folder, and the checks replay the properties the reference's tests assert: money to
the cent, bad input refused before anything is written, nothing lost between add and list, delete removes one.
"""

from __future__ import annotations

import functools
import random
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

from shared.grading import Check, Function, Rubric, SelfCheck, expect, fail

CONTRACT = [
    Function("parse_amount", "parse_amount(text: str) -> int",
             "'12.50' → 1250 (cents, exact); raise an exception for anything that is not a positive amount with at "
             "most two decimals"),
    Function("add_expense", "add_expense(path, amount: str, category: str, description: str, date: str) -> dict",
             "check every field, then append the expense to the store at `path` (a JSON file the grader gives; "
             "the format is yours); bad input raises and writes nothing"),
    Function("list_expenses", "list_expenses(path) -> list[dict]",
             "every stored expense, oldest first, each with `id`, `date`, `category`, `description`, `amount_cents`"),
    Function("delete_expense", "delete_expense(path, expense_id: int) -> dict", "remove one expense by its id"),
    Function("summarise", "summarise(rows: list[dict]) -> dict",
             "totals in cents: `total`, `by_category` {category: cents}, `by_month` {'2025-03': cents}"),
]  # fmt: skip
REFERENCE = "week01_expense_tracker.expense_tracker"  # satisfies the contract as it is
SEED = 2026
CATEGORIES = ("food", "transport", "rent", "fun")
TRICKY_AMOUNTS = [
    "0.10",
    "0.20",
    "0.29",
    "0.57",
    "1.15",
    "4.35",
    "19.99",
    "0.01",
    "1234.56",
    "99.90",
]  # not exact in binary
BAD_AMOUNTS = ["-5", "-0.01", "0", "0.00", "abc", "", "1e3", "nan", "inf", "12.345", "1,000"]


def amounts(n: int) -> list[str]:
    """`n` amounts: the tricky ones first, then random cents, as the text a user types."""
    rng = random.Random(SEED)
    return [*TRICKY_AMOUNTS, *(f"{rng.randint(1, 50_000) / 100:.2f}" for _ in range(n - len(TRICKY_AMOUNTS)))]


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


@functools.cache
def _stores() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="grade-week01-")  # removed when the process ends


def fresh_store() -> Path:
    """A path where no store exists yet, in a new folder of the grader's temporary directory."""
    return Path(tempfile.mkdtemp(dir=_stores().name)) / "expenses.json"


def add_many(sol, path: Path, n: int) -> list[dict]:
    """Add `n` expenses through the learner's add_expense; return what the grader added (its own record)."""
    rng = random.Random(SEED)
    added = []
    for i, amount in enumerate(amounts(n)):
        row = {"amount": amount, "category": CATEGORIES[i % len(CATEGORIES)], "description": f"item {i}",
               "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}  # fmt: skip
        sol.add_expense(path, row["amount"], row["category"], row["description"], row["date"])
        added.append(row)
    return added


def _raises(call, *args) -> bool:
    try:
        call(*args)
    except Exception:  # any exception counts as refusing: the contract does not fix its type
        return True
    return False


# --- checks -----------------------------------------------------------------------------------------------


def check_exact_amounts(sol) -> None:
    wrong = {a: sol.parse_amount(a) for a in amounts(200) if sol.parse_amount(a) != cents(a)}
    expect(not wrong, f"{len(wrong)} of 200 amounts parsed wrongly, e.g. " +
           ", ".join(f"{a!r} → {c!r} (expected {cents(a)})" for a, c in list(wrong.items())[:3]))  # fmt: skip


def check_rejects_bad_amounts(sol) -> None:
    accepted = [a for a in BAD_AMOUNTS if not _raises(sol.parse_amount, a)]
    expect(not accepted, f"parse_amount accepted {accepted}: each should raise an exception")


def check_round_trip(sol) -> None:
    path = fresh_store()
    added = add_many(sol, path, 60)
    rows = sol.list_expenses(path)
    expect(len(rows) == len(added), f"added {len(added)} expenses, list_expenses returned {len(rows)}")
    expect(len({r["id"] for r in rows}) == len(rows), "two expenses share an id")
    got = Counter((r["date"], r["category"], r["amount_cents"]) for r in rows)
    want = Counter((a["date"], a["category"], cents(a["amount"])) for a in added)
    expect(got == want, f"the listed expenses differ from the added ones: {sum((want - got).values())} missing "
           f"or changed, e.g. {list((want - got).elements())[:2]}")  # fmt: skip
    dates = [r["date"] for r in rows]
    expect(dates == sorted(dates), "list_expenses is not oldest first")


def check_totals(sol) -> None:
    path = fresh_store()
    added = add_many(sol, path, 60)
    summary = sol.summarise(sol.list_expenses(path))
    total = sum(cents(a["amount"]) for a in added)
    kind = " (a float: sums of floats drift)" if isinstance(summary["total"], float) else ""
    expect(summary["total"] == total and isinstance(summary["total"], int),
           f"total is {summary['total']!r}{kind}, expected exactly {total} cents as an int")  # fmt: skip
    by_category = Counter()
    by_month = Counter()
    for a in added:
        by_category[a["category"]] += cents(a["amount"])
        by_month[a["date"][:7]] += cents(a["amount"])
    expect(dict(summary["by_category"]) == dict(by_category),
           f"by_category is {dict(summary['by_category'])}, expected {dict(by_category)}")  # fmt: skip
    expect(dict(summary["by_month"]) == dict(by_month), "by_month differs from the sum of each month's expenses")


def check_delete(sol) -> None:
    path = fresh_store()
    add_many(sol, path, 12)
    rows = sol.list_expenses(path)
    victim = rows[5]
    sol.delete_expense(path, victim["id"])
    after = sol.list_expenses(path)
    expect(len(after) == len(rows) - 1, f"delete_expense removed {len(rows) - len(after)} expenses, not 1")
    expect(victim["id"] not in {r["id"] for r in after}, "the deleted id is still listed")
    sol.add_expense(path, "3.00", "food", "after the delete", "2025-06-01")
    new_id = next(r["id"] for r in sol.list_expenses(path) if r["description"] == "after the delete")
    expect(new_id not in {r["id"] for r in rows}, f"the new expense reused id {new_id}: ids must never be reused")
    if not _raises(sol.delete_expense, path, 10**9):
        fail("delete_expense of an id that does not exist did not raise")


def check_bad_input_writes_nothing(sol) -> None:
    path = fresh_store()
    add_many(sol, path, 3)
    before = path.read_bytes()
    for bad in (("-5", "food", "refund", "2025-01-02"), ("12.50", "", "no category", "2025-01-02"),
                ("12.50", "food", "bad date", "2025-13-45"), ("12.50", "food", "future", "2999-01-01")):  # fmt: skip
        expect(_raises(sol.add_expense, path, *bad), f"add_expense{bad} was accepted")
        expect(path.read_bytes() == before, f"add_expense{bad} raised but changed the store")


CHECKS = [
    Check("amounts_exact", "money", check_exact_amounts,
          "parse with Decimal (or split at the point) into whole cents: int(float('0.29') * 100) is 28"),
    Check("totals_exact", "money", check_totals,
          "keep amounts as integer cents and add integers; a float sum drifts by fractions of a cent"),
    Check("bad_amounts_refused", "validation", check_rejects_bad_amounts,
          "refuse negative, zero, non-numeric, nan/inf, exponent and >2-decimal amounts: raise, do not store"),
    Check("bad_input_writes_nothing", "validation", check_bad_input_writes_nothing,
          "check every field (amount, category, date: real, not in the future) before opening the file"),
    Check("nothing_lost", "storage", check_round_trip,
          "read the existing store, append, write it all back: writing only the new expense loses the others"),
    Check("delete_removes_one", "storage", check_delete,
          "delete by id exactly one expense; keep a next_id counter so ids are never reused"),
]  # fmt: skip
METRICS = []  # a ledger has no held-out score: it is right to the cent or wrong

RUBRIC = Rubric.equal(
    "money",
    "validation",
    "storage",
    self_assessment=[
        SelfCheck("Does your README explain the design choices (cents, one JSON file, validation first) and the "
                  "limits (one user, no concurrency beyond a lock)?",
                  "week01_expense_tracker/README.md#write-up-design-choices-and-limitations"),
        SelfCheck("Does your ethics section cover the privacy of financial data (where it is stored, who can read "
                  "it)?", "week01_expense_tracker/README.md#ethics"),
    ],
)  # fmt: skip
