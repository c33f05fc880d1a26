"""Week 1: a personal expense tracker. Add, list, summarise, delete and export expenses kept in one JSON file.

Read top-down: the rules for money, dates and text; the five operations; then `run()`, which replays a year of
spending through the real store and checks every total to the cent. Two ideas carry the whole week:

- money is *exact*: "12.50" becomes the whole number 1250 (cents), parsed with Decimal, never with float;
- input is *checked before anything is written*: a bad amount never touches the file.

Saving the file safely (a lock, atomic writes, a schema, encryption) is in going_further.py. Here it is enough to
know that `read_store(path)` returns the store as a dict, and that `with locked_store(path) as store:` saves
whatever the block changes. The store looks like this:

    {"version": 1, "next_id": 3, "expenses": [
        {"id": 1, "date": "2026-11-02", "category": "food", "description": "lunch", "amount_cents": 1250}, ...]}

The command line (`python -m week01_expense_tracker add 12.50 food "lunch with Sam"`) is wired up in cli.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.atomic import atomic_write_text
from shared.errors import RoadmapError
from week01_expense_tracker.going_further import check_export_path, locked_store, read_store

if TYPE_CHECKING:  # pandas and matplotlib are imported inside run() and its helpers, where they are used:
    import pandas as pd  # the command line never needs them (pandas alone takes about a second to import)

    from shared.result import Result

TARGETS = []  # no published bar: run() raises if any total is off by a cent, and the tests check that it can
HEADLINE = ("checks_passed", "add_median_s")


@dataclass(frozen=True, kw_only=True)
class Config:
    """The simulated year that run() replays through the real store. Fixed sizes: nothing depends on a timing."""

    n_expenses: int = 600  # a year of everyday spending (each add rewrites the whole file)
    n_encrypted_adds: int = 20  # timed apart: two scrypt key derivations make every encrypted add slow on purpose
    year: int = 2025  # all simulated dates fall in this (past) year
    categories: tuple[str, ...] = ("food", "transport", "rent", "fun", "health")
    max_cents: int = 20_000  # each simulated expense costs between 1.00 and 200.00


FAST = Config(n_expenses=60, n_encrypted_adds=3)  # tests and the notebook: about a second


# --- Money, dates and text: parse and check every input ---------------------------------------------------
MAX_CENTS = 100_000_000  # 1,000,000.00: anything larger is almost certainly a typo
AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")  # ASCII digits with an optional point: 7, 12.5, 12.50
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # 2026-11-30
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")  # 2026-11


def parse_amount(text: str) -> int:
    """'12.50' -> 1250 cents. Decimal, not float: in floating point 0.1 + 0.2 != 0.3, and a ledger must add up.

    Accepted: digits 0-9 with an optional point and at most two decimals (7, 12.5, 12.50); spaces around are ignored.
    Refused: signs, exponents (1e3), separators (1,000 and 1_000), other digit scripts (١٢, １２), nan, inf.
    """
    text = str(text).strip()
    if text.startswith("-") and AMOUNT.fullmatch(text[1:]):
        raise RoadmapError(f"amount must be positive, got {text!r} (record a refund as a note, not a negative)")
    if not AMOUNT.fullmatch(text):
        raise RoadmapError(f"amount must be a plain number like 12.50 (digits 0-9 and a point), got {text!r}")
    value = Decimal(text)
    if value == 0:
        raise RoadmapError(f"amount must be positive, got {text!r}")
    if value > Decimal(MAX_CENTS) / 100:
        raise RoadmapError(f"amount {text} is over {MAX_CENTS // 100:,}; is it a typo?")
    if value != value.quantize(Decimal("0.01")):
        raise RoadmapError(f"amount has more than two decimal places: {text!r}")
    return int(value * 100)


def parse_date(text: str | None, today: dt.date | None = None) -> dt.date:
    """'2026-11-30' -> date(2026, 11, 30); blank means today. Only YYYY-MM-DD: not 20261130, not 2026-W48-1."""
    today = today or dt.date.today()
    text = (text or "").strip()
    if not text:
        return today
    if not DATE.fullmatch(text):
        raise RoadmapError(f"date must look like 2026-11-30 (YYYY-MM-DD, digits 0-9), got {text!r}")
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise RoadmapError(f"{text!r} is not a real date (check the month and the day)") from None
    if date > today:
        raise RoadmapError(f"date {date} is in the future")
    return date


def parse_month(text: str) -> str:
    """'2026-11' -> '2026-11' (for filtering); anything else is an error."""
    text = text.strip()
    if not (MONTH.fullmatch(text) and 1 <= int(text[5:]) <= 12):
        raise RoadmapError(f"month must look like 2026-11, got {text!r}")
    return text


def parse_id(text: str) -> int:
    """'7' -> 7: the id `list` shows, digits 0-9 only."""
    text = str(text).strip()
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise RoadmapError(f"id must be a whole number like 7, got {text!r}")
    return int(text)


def clean_text(text: str, field: str, max_len: int) -> str:
    """Collapse runs of spaces, tabs and newlines into one space; refuse empty or overlong text."""
    text = " ".join(str(text).split())
    if not text:
        raise RoadmapError(f"{field} must not be empty")
    if len(text) > max_len:
        raise RoadmapError(f"{field} is longer than {max_len} characters")
    return text


def format_cents(cents: int) -> str:
    """1234550 -> '12,345.50'."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def printable(text: str) -> str:
    """Show control characters as escapes (ESC as \\x1b, a right-to-left override as \\u202e): a description
    must not be able to recolour the terminal, move the cursor or reverse the text on screen."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


# --- The operations -------------------------------------------------------------------------------------
def new_expense(amount: str, category: str, description: str, date: str | None = None) -> dict[str, Any]:
    """Check every field and return the expense, ready to store (it gets its id when it is added)."""
    return {
        "amount_cents": parse_amount(amount),
        "category": clean_text(category, "category", 40).lower(),
        "description": clean_text(description, "description", 200),
        "date": parse_date(date).isoformat(),
    }


def add_expense(
    path: Path, amount: str, category: str, description: str, date: str | None = None, passphrase: str | None = None
) -> dict[str, Any]:
    """Validate first, then write: a rejected expense never opens the file."""
    expense = new_expense(amount, category, description, date)
    with locked_store(path, passphrase) as store:
        expense = {"id": store["next_id"], **expense}
        store["next_id"] += 1  # ids are never reused, even after a delete
        store["expenses"].append(expense)
    return expense


def delete_expense(path: Path, expense_id: int, passphrase: str | None = None) -> dict[str, Any]:
    with locked_store(path, passphrase) as store:
        for i, expense in enumerate(store["expenses"]):
            if expense["id"] == expense_id:
                return store["expenses"].pop(i)
        raise RoadmapError(f"no expense with id {expense_id}; `list` shows the ids")  # raising saves nothing


def list_expenses(
    path: Path, month: str | None = None, category: str | None = None, passphrase: str | None = None
) -> list[dict[str, Any]]:
    """The expenses, oldest first, optionally only one month ('2026-11') and/or one category."""
    month = parse_month(month) if month else None  # check before reading, so bad input fails even on an empty store
    rows = read_store(path, passphrase)["expenses"]
    if month:
        rows = [r for r in rows if r["date"].startswith(month)]
    if category:
        rows = [r for r in rows if r["category"] == category.strip().lower()]
    return sorted(rows, key=lambda r: (r["date"], r["id"]))


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals in cents by category, by month ('2026-11'), and overall. Integers, so the sums are exact."""
    by_category: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    for row in rows:
        by_category[row["category"]] += row["amount_cents"]
        by_month[row["date"][:7]] += row["amount_cents"]
    return {
        "by_category": dict(sorted(by_category.items())),
        "by_month": dict(sorted(by_month.items())),
        "total": sum(r["amount_cents"] for r in rows),
    }


def format_rows(rows: list[dict[str, Any]]) -> list[str]:
    """One line per expense, for the terminal (user text shown escaped)."""
    return [
        f"{r['id']:>5}  {r['date']}  {printable(r['category']):<14} {format_cents(r['amount_cents']):>12}  "
        f"{printable(r['description'])}"
        for r in rows
    ]


def format_summary(summary: dict[str, Any]) -> list[str]:
    lines = []
    for title, key in (("By category", "by_category"), ("By month", "by_month")):
        lines.append(title)
        lines += [f"  {printable(name):<14} {format_cents(cents):>12}" for name, cents in summary[key].items()]
    return [*lines, f"Total {format_cents(summary['total']):>21}"]


def export_csv(rows: list[dict[str, Any]], out: Path, *, store: Path | None = None, force: bool = False) -> Path:
    """Write the rows as a spreadsheet-friendly CSV (amount as 12.50), the whole file or nothing.

    `check_export_path` refuses the store itself, folders and devices, and an existing file unless `force`.
    Text a spreadsheet would run as a formula (it starts with =, +, - or @) gets a quote in front (`neutralise`).
    """
    from shared.csv_safe import neutralise

    out = check_export_path(out, store=store, force=force)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "date", "category", "amount", "description"])
    for r in rows:
        amount = format_cents(r["amount_cents"])  # ours, never negative: only the user's text is neutralised
        writer.writerow([r["id"], r["date"], neutralise(r["category"]), amount, neutralise(r["description"])])
    return atomic_write_text(out, buffer.getvalue())


# --- The reproducible run: `roadmap run week01` -----------------------------------------------------------
def simulate(config: Config, seed: int) -> list[tuple[str, str, str]]:
    """A seeded year of spending: (amount, category, date) as a user would type them."""
    rng = random.Random(seed)
    start = dt.date(config.year, 1, 1)
    expenses = []
    for _ in range(config.n_expenses):
        cents = rng.randint(100, config.max_cents)
        category = rng.choice(config.categories)
        date = start + dt.timedelta(days=rng.randrange(365))
        expenses.append((f"{cents // 100}.{cents % 100:02d}", category, date.isoformat()))
    return expenses


def check_totals(expenses: list[tuple[str, str, str]], summary: dict[str, Any], csv_path: Path) -> pd.DataFrame:
    """Compare the store's totals with an independent tally of what was typed in: every one must be exact."""
    import pandas as pd

    by_category: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    for amount, category, date in expenses:
        by_category[category] += int(Decimal(amount) * 100)
        by_month[date[:7]] += int(Decimal(amount) * 100)
    with open(csv_path, newline="", encoding="utf-8") as fh:
        csv_total = sum(int(Decimal(row["amount"].replace(",", "")) * 100) for row in csv.DictReader(fh))
    tally = sum(by_category.values())
    rows = [(f"category {k}", v, summary["by_category"].get(k, 0)) for k, v in sorted(by_category.items())]
    rows += [(f"month {k}", v, summary["by_month"].get(k, 0)) for k, v in sorted(by_month.items())]
    rows += [("overall total", tally, summary["total"]), ("CSV export total", tally, csv_total)]
    checks = pd.DataFrame(rows, columns=["check", "expected_cents", "store_cents"])
    checks["exact"] = checks["expected_cents"] == checks["store_cents"]
    checks["expected"] = checks["expected_cents"].map(format_cents)
    checks["store"] = checks["store_cents"].map(format_cents)
    return checks


def plot_spending(summary: dict[str, Any]):
    """Two bar charts: spending by category and by month."""
    from shared.plotting import subplots

    fig, (left, right) = subplots(1, 2, figsize=(11, 4))
    left.bar(list(summary["by_category"]), [c / 100 for c in summary["by_category"].values()])
    left.set(title="Spending by category", ylabel="total")
    right.bar([m[5:] for m in summary["by_month"]], [c / 100 for c in summary["by_month"].values()])
    right.set(title="Spending by month", xlabel="month", ylabel="total")
    return fig


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Replay a simulated year through the real store, check every total to the cent, and time the adds."""
    from shared.plotting import save_figure
    from shared.result import Result

    config = FAST if fast else Config()
    out_dir = Path(out_dir)
    store = out_dir / "demo_expenses.json"
    store.unlink(missing_ok=True)
    expenses = simulate(config, seed)
    add_s = []
    for amount, category, date in expenses:
        start = time.perf_counter()
        add_expense(store, amount, category, f"demo {category}", date)
        add_s.append(time.perf_counter() - start)
    summary = summarise(list_expenses(store))
    csv_path = export_csv(list_expenses(store), out_dir / "expenses.csv", store=store, force=True)
    checks = check_totals(expenses, summary, csv_path)
    if not checks["exact"].all():
        raise RuntimeError(f"totals do not match:\n{checks[~checks['exact']]}")  # a bug, never a user error

    secret = out_dir / "demo_encrypted.json"  # the same adds, encrypted: what does scrypt cost per add?
    secret.unlink(missing_ok=True)
    encrypted_s = []
    for amount, category, date in expenses[: config.n_encrypted_adds]:
        start = time.perf_counter()
        add_expense(secret, amount, category, f"demo {category}", date, passphrase="demo passphrase, not secret")
        encrypted_s.append(time.perf_counter() - start)

    figure = save_figure(plot_spending(summary), out_dir, "spending")
    return Result(
        metrics={
            "n_expenses": len(expenses),
            "total": format_cents(summary["total"]),
            "checks_passed": int(checks["exact"].sum()),
            "add_median_s": statistics.median(add_s),
            "n_encrypted_adds": len(encrypted_s),
            "encrypted_add_median_s": statistics.median(encrypted_s),
        },
        tables={"checks": checks},
        figures=[figure],
    )
