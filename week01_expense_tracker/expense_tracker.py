"""Personal expense tracker: add, list, summarise, delete and export expenses from the command line.

Read in this order: parsing and validation (money is integer cents, never float), the operations on
the store, the command line, the interactive menu, and `run()` which the course runner uses to
reproduce this week's numbers. Storage (atomic, locked, optionally encrypted) lives in `store.py`.

    python -m week01_expense_tracker add 12.50 food "lunch with Sam" --date 2026-11-02
    python -m week01_expense_tracker list --month 2026-11
    python -m week01_expense_tracker summary
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shared.errors import RoadmapError
from shared.results import atomic_write_text
from shared.targets import Target
from week01_expense_tracker.store import KEY_ENV, locked_store, read_store

MAX_CENTS = 100_000_000  # 1,000,000.00: anything larger is almost certainly a typo
STORE_ENV = "EXPENSES_FILE"
TARGETS = [Target("totals_match", ">=", 1, "curriculum: assert sum matches expected total")]
HEADLINE = "totals_match"


# --- Parsing and validation -------------------------------------------------------------------
def parse_amount(text: str) -> int:
    """'12.5' -> 1250 cents. Decimal, not float: 0.1 + 0.2 must equal 0.3 in a ledger."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise RoadmapError(f"amount must be a number like 12.50, got {text!r}") from None
    if not value.is_finite():
        raise RoadmapError(f"amount must be a finite number, got {text!r}")
    if value <= 0:
        raise RoadmapError(f"amount must be positive, got {text!r} (record refunds as a note, not a negative)")
    if value != value.quantize(Decimal("0.01")):
        raise RoadmapError(f"amount has more than two decimal places: {text!r}")
    cents = int(value * 100)
    if cents > MAX_CENTS:
        raise RoadmapError(f"amount {text!r} is over {MAX_CENTS // 100:,}; is it a typo?")
    return cents


def parse_date(text: str | None, today: dt.date | None = None) -> dt.date:
    """ISO date (YYYY-MM-DD), default today; future dates are rejected as likely typos."""
    today = today or dt.date.today()
    if text is None or text == "":
        return today
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RoadmapError(f"date must be a real date in the form YYYY-MM-DD, got {text!r}") from None
    if date > today:
        raise RoadmapError(f"date {date} is in the future")
    return date


def parse_month(text: str) -> str:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").strftime("%Y-%m")
    except ValueError:
        raise RoadmapError(f"month must look like 2026-11, got {text!r}") from None


def clean_text(text: str, field: str, max_len: int) -> str:
    text = " ".join(str(text).split())
    if not text:
        raise RoadmapError(f"{field} must not be empty")
    if len(text) > max_len:
        raise RoadmapError(f"{field} is longer than {max_len} characters")
    return text


def format_cents(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


# --- Operations on the store -----------------------------------------------------------------
def add_expense(
    path: Path, amount: str, category: str, description: str, date: str | None = None, passphrase: str | None = None
) -> dict[str, Any]:
    """Validate everything first, then write: a rejected expense never touches the file."""
    expense = {
        "amount_cents": parse_amount(amount),
        "category": clean_text(category, "category", 40).lower(),
        "description": clean_text(description, "description", 200),
        "date": parse_date(date).isoformat(),
    }
    with locked_store(path, passphrase) as doc:
        expense = {"id": doc["next_id"], **expense}
        doc["next_id"] += 1
        doc["expenses"].append(expense)
    return expense


def delete_expense(path: Path, expense_id: int, passphrase: str | None = None) -> dict[str, Any]:
    with locked_store(path, passphrase) as doc:
        for i, expense in enumerate(doc["expenses"]):
            if expense["id"] == expense_id:
                return doc["expenses"].pop(i)
        raise RoadmapError(f"no expense with id {expense_id}; `list` shows the ids")


def list_expenses(
    path: Path, month: str | None = None, category: str | None = None, passphrase: str | None = None
) -> list[dict[str, Any]]:
    month = parse_month(month) if month else None  # validate before reading, so bad input fails even when empty
    rows = read_store(path, passphrase)["expenses"]
    if month:
        rows = [r for r in rows if r["date"].startswith(month)]
    if category:
        rows = [r for r in rows if r["category"] == category.strip().lower()]
    return sorted(rows, key=lambda r: (r["date"], r["id"]))


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Totals in cents by category, by month, and overall."""
    by_category: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for row in rows:
        by_category[row["category"]] += row["amount_cents"]
        by_month[row["date"][:7]] += row["amount_cents"]
    return {
        "by_category": dict(sorted(by_category.items())),
        "by_month": dict(sorted(by_month.items())),
        "total": {"all": sum(r["amount_cents"] for r in rows)},
    }


def export_csv(rows: list[dict[str, Any]], out: Path) -> Path:
    """Write a spreadsheet-friendly CSV (amount as 12.50) atomically: no half-written exports."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "date", "category", "amount", "description"])
    for r in rows:
        writer.writerow([r["id"], r["date"], r["category"], format_cents(r["amount_cents"]), r["description"]])
    return atomic_write_text(Path(out), buffer.getvalue())


# --- Command line ----------------------------------------------------------------------------
def default_store() -> Path:
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ml-roadmap")) / "expenses.json"


def print_rows(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no expenses")
        return
    for r in rows:
        amount = format_cents(r["amount_cents"])
        print(f"{r['id']:>5}  {r['date']}  {r['category']:<14} {amount:>12}  {r['description']}")


def print_summary(summary: dict[str, dict[str, int]]) -> None:
    for title, key in (("By category", "by_category"), ("By month", "by_month")):
        print(title)
        for name, cents in summary[key].items():
            print(f"  {name:<14} {format_cents(cents):>12}")
    print(f"Total {format_cents(summary['total']['all']):>21}")


def _store(args: argparse.Namespace) -> tuple[Path, str | None]:
    """The store path (flag, then $EXPENSES_FILE, then the user data dir) and the passphrase, if any."""
    return args.store or default_store(), os.environ.get(KEY_ENV) or None


def _cmd_add(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    expense = add_expense(path, args.amount, args.category, args.description, args.date, passphrase)
    print(f"added #{expense['id']}: {format_cents(expense['amount_cents'])} {expense['category']}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    print_rows(list_expenses(path, month=args.month, category=args.category, passphrase=passphrase))
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    print_summary(summarise(list_expenses(path, month=args.month, passphrase=passphrase)))
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    print(f"deleted #{delete_expense(path, args.id, passphrase)['id']}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    print(f"wrote {export_csv(list_expenses(path, month=args.month, passphrase=passphrase), args.out)}")
    return 0


def _cmd_menu(args: argparse.Namespace) -> int:
    return menu(*_store(args))


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The tracker's commands, added to the week's CLI (`python -m week01_expense_tracker ...`)."""

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--store", type=Path, default=None, help=f"store file (default ${STORE_ENV} or user data dir)")
        p.set_defaults(func=func)
        return p

    p = command("add", _cmd_add, "add an expense")
    p.add_argument("amount", help="positive, at most two decimals, e.g. 12.50")
    p.add_argument("category")
    p.add_argument("description")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p = command("list", _cmd_list, "list expenses")
    p.add_argument("--month", help="YYYY-MM")
    p.add_argument("--category")
    command("summary", _cmd_summary, "totals by category and month").add_argument("--month", help="YYYY-MM")
    command("delete", _cmd_delete, "delete an expense by id").add_argument("id", type=int)
    p = command("export", _cmd_export, "export to CSV")
    p.add_argument("out", type=Path)
    p.add_argument("--month", help="YYYY-MM")
    command("menu", _cmd_menu, "interactive menu")


def menu(path: Path, passphrase: str | None = None, ask=input) -> int:
    """An interactive loop for people who prefer prompts to flags; bad input re-prompts, never crashes."""
    actions = {"1": "add", "2": "list", "3": "summary", "4": "delete", "5": "export", "q": "quit"}
    while True:
        print("\n" + "  ".join(f"[{k}] {v}" for k, v in actions.items()))
        try:
            choice = ask("> ").strip().lower()
            if choice in ("q", "quit"):
                return 0
            if choice == "1":
                fields = [ask(f"{f}: ") for f in ("amount", "category", "description", "date (blank = today)")]
                print(f"added #{add_expense(path, *fields, passphrase=passphrase)['id']}")
            elif choice == "2":
                print_rows(list_expenses(path, passphrase=passphrase))
            elif choice == "3":
                print_summary(summarise(list_expenses(path, passphrase=passphrase)))
            elif choice == "4":
                raw = ask("id: ").strip()
                if not raw.isdigit():
                    raise RoadmapError(f"id must be a whole number, got {raw!r}")
                print(f"deleted #{delete_expense(path, int(raw), passphrase)['id']}")
            elif choice == "5":
                out = Path(ask("CSV path: ").strip())
                print(f"wrote {export_csv(list_expenses(path, passphrase=passphrase), out)}")
            else:
                print(f"unknown choice {choice!r}")
        except RoadmapError as exc:
            print(f"error: {exc}")
        except EOFError:
            return 0


# --- Reproducible run for `roadmap run week01` ---------------------------------------------------
def run(out_dir: Path, fast: bool = False, seed: int = 42) -> dict[str, Any]:
    """Simulate a year of spending through the real store and check every total to the cent."""
    import numpy as np

    from shared.plotting import save_figure, subplots

    rng = np.random.default_rng(seed)
    store = Path(out_dir) / "demo_expenses.json"
    store.unlink(missing_ok=True)
    categories = ["food", "transport", "rent", "fun", "health"]
    n = 60 if fast else 600
    expected: dict[str, int] = defaultdict(int)
    start = dt.date(2025, 1, 1)
    for _ in range(n):
        category = str(rng.choice(categories))
        cents = int(rng.integers(100, 20_000))
        date = start + dt.timedelta(days=int(rng.integers(0, 365)))
        add_expense(store, f"{cents / 100:.2f}", category, f"demo {category}", date.isoformat())
        expected[category] += cents
    summary = summarise(list_expenses(store))
    totals_match = summary["by_category"] == dict(sorted(expected.items())) and summary["total"]["all"] == sum(
        expected.values()
    )

    fig, ax = subplots()
    ax.bar(list(summary["by_category"]), [c / 100 for c in summary["by_category"].values()], color="#4C72B0")
    ax.set(title="Spending by category (simulated year)", ylabel="total")
    save_figure(fig, out_dir, "spending_by_category")
    fig, ax = subplots(figsize=(8, 4))
    months = list(summary["by_month"])
    ax.plot(months, [c / 100 for c in summary["by_month"].values()], marker="o")
    ax.set(title="Spending by month", ylabel="total")
    ax.tick_params(axis="x", rotation=45)
    save_figure(fig, out_dir, "spending_by_month")
    export_csv(list_expenses(store), Path(out_dir) / "expenses.csv")
    return {
        "n_expenses": n,
        "total": format_cents(summary["total"]["all"]),
        "n_categories": len(summary["by_category"]),
        "totals_match": int(totals_match),
    }


def main(argv: list[str] | None = None) -> int:
    from shared.cli import week_main

    return week_main("week01", argv, add_commands=add_commands)


if __name__ == "__main__":
    sys.exit(main())
