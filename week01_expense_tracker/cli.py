"""Extra code (scaffolding): the command line for week 1's tracker (argparse wiring, printing, the menu).

The lesson is in expense_tracker.py; this file only turns `python -m week01_expense_tracker add 12.50 food lunch`
into a call of `add_expense(...)` and prints what came back. Errors (RoadmapError, file-system errors) become one
`error: ...` line and exit code 2 in shared.cli.

    python -m week01_expense_tracker add 12.50 food "lunch with Sam" --date 2026-11-02
    python -m week01_expense_tracker list --month 2026-11
    python -m week01_expense_tracker summary
    python -m week01_expense_tracker export november.csv --month 2026-11
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from shared.cli import describe_os_error
from shared.errors import RoadmapError
from week01_expense_tracker import expense_tracker as et
from week01_expense_tracker.going_further import get_passphrase

STORE_ENV = "EXPENSES_FILE"


def default_store() -> Path:
    """--store, else $EXPENSES_FILE, else expenses.json in the user data folder (e.g. ~/.local/share/ml-roadmap/)."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ml-roadmap")) / "expenses.json"


def _store(args: argparse.Namespace) -> tuple[Path, str | None]:
    path = args.store or default_store()
    return path, get_passphrase(path, ask=args.ask_passphrase)


def _print_lines(lines: list[str], empty: str = "no expenses") -> None:
    print("\n".join(lines) if lines else empty)


def _cmd_add(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    expense = et.add_expense(path, args.amount, args.category, args.description, args.date, passphrase)
    print(f"added #{expense['id']}: {et.format_cents(expense['amount_cents'])} {et.printable(expense['category'])}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    _print_lines(et.format_rows(et.list_expenses(path, args.month, args.category, passphrase)))
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    _print_lines(et.format_summary(et.summarise(et.list_expenses(path, args.month, passphrase=passphrase))))
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    expense_id = et.parse_id(args.id)
    path, passphrase = _store(args)
    print(f"deleted #{et.delete_expense(path, expense_id, passphrase)['id']}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    path, passphrase = _store(args)
    rows = et.list_expenses(path, args.month, passphrase=passphrase)
    print(f"wrote {et.export_csv(rows, args.out, store=path, force=args.force)} ({len(rows)} expenses)")
    return 0


def _cmd_menu(args: argparse.Namespace) -> int:
    return menu(*_store(args))


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The tracker's commands, added to the week's CLI (`python -m week01_expense_tracker ...`)."""

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--store", type=Path, default=None, help=f"store file (default ${STORE_ENV} or user data dir)")
        p.add_argument("--ask-passphrase", action="store_true", help="prompt for the passphrase (encrypted store)")
        p.set_defaults(func=func)
        return p

    p = command("add", _cmd_add, "add an expense")
    p.add_argument("amount", help="positive, digits and a point, at most two decimals, e.g. 12.50")
    p.add_argument("category")
    p.add_argument("description")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p = command("list", _cmd_list, "list expenses")
    p.add_argument("--month", help="YYYY-MM")
    p.add_argument("--category")
    command("summary", _cmd_summary, "totals by category and month").add_argument("--month", help="YYYY-MM")
    command("delete", _cmd_delete, "delete an expense by id").add_argument("id", help="the id `list` shows")
    p = command("export", _cmd_export, "export to CSV")
    p.add_argument("out", type=Path, help="a new .csv file")
    p.add_argument("--month", help="YYYY-MM")
    p.add_argument("--force", action="store_true", help="replace the file if it exists (never the store itself)")
    command("menu", _cmd_menu, "interactive menu")


def menu(path: Path, passphrase: str | None = None, ask: Callable[[str], str] = input) -> int:
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
                print(f"added #{et.add_expense(path, *fields, passphrase=passphrase)['id']}")
            elif choice == "2":
                _print_lines(et.format_rows(et.list_expenses(path, passphrase=passphrase)))
            elif choice == "3":
                _print_lines(et.format_summary(et.summarise(et.list_expenses(path, passphrase=passphrase))))
            elif choice == "4":
                expense_id = et.parse_id(ask("id: "))
                print(f"deleted #{et.delete_expense(path, expense_id, passphrase)['id']}")
            elif choice == "5":
                out = Path(ask("CSV path: ").strip())
                print(f"wrote {et.export_csv(et.list_expenses(path, passphrase=passphrase), out, store=path)}")
            else:
                print(f"unknown choice {choice!r}")
        except RoadmapError as exc:
            print(f"error: {exc}")
        except OSError as exc:
            print(f"error: {describe_os_error(exc)}")
        except EOFError:
            return 0


def main(argv: list[str] | None = None) -> int:
    from shared.cli import week_main

    return week_main("week01", argv, add_commands=add_commands)


if __name__ == "__main__":
    sys.exit(main())
