"""Week 1, the lesson: parsing rules, exact totals (property-based), filters, export, display, and the run."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.errors import RoadmapError
from week01_expense_tracker import expense_tracker as et


# --- what is accepted (issue 13 items 7 and 15) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "cents"), [("12.50", 1250), ("0.01", 1), ("7", 700), (" 3.1 ", 310), ("007.5", 750), ("1000000", 10**8)]
)
def test_parse_amount_is_exact_cents(text, cents):
    assert et.parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "must be positive"),
        ("0", "must be positive"),
        ("0.00", "must be positive"),
        ("1.001", "more than two decimal places"),
        ("1000000.01", "typo"),
        ("100000000000000000000000000", "typo"),  # >= 1e26 used to crash with decimal.InvalidOperation
        ("9" * 60 + ".5", "typo"),
        ("1e26", "plain number"),
        ("1e9", "plain number"),
        ("nan", "plain number"),
        ("inf", "plain number"),
        ("abc", "plain number"),
        ("", "plain number"),
        ("12,50", "plain number"),
        ("1,000", "plain number"),
        ("1_000", "plain number"),  # Decimal("1_000") is 1000
        ("+5", "plain number"),
        (".5", "plain number"),
        ("5.", "plain number"),
        ("١٢", "plain number"),  # Arabic-Indic digits: Decimal accepts them
        ("１２", "plain number"),  # full-width digits: Decimal accepts them
        ("12\n", None),  # stripped: accepted
    ],
)
def test_parse_amount_refuses_anything_but_plain_ascii_decimals(text, message):
    if message is None:
        assert et.parse_amount(text) == 1200
        return
    with pytest.raises(RoadmapError, match=message):
        et.parse_amount(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "not a real date"),
        ("9999-01-01", "in the future"),
        ("yesterday", "YYYY-MM-DD"),
        ("2023/01/01", "YYYY-MM-DD"),
        ("20261130", "YYYY-MM-DD"),  # date.fromisoformat accepts it on Python 3.11+
        ("2026-W48-1", "YYYY-MM-DD"),  # an ISO week date: fromisoformat accepts it too
        ("2026-11-30T10:00", "YYYY-MM-DD"),
        ("٢٠٢٥-٠١-٠١", "YYYY-MM-DD"),
        ("２０２５-０１-０１", "YYYY-MM-DD"),
    ],
)
def test_parse_date_accepts_only_iso_calendar_dates(text, message):
    with pytest.raises(RoadmapError, match=message):
        et.parse_date(text, today=dt.date(2026, 12, 1))


def test_parse_date_defaults_to_today_and_accepts_today():
    today = dt.date(2026, 12, 1)
    assert et.parse_date(None, today=today) == et.parse_date("  ", today=today) == today
    assert et.parse_date("2026-12-01", today=today) == today


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "Nov", "2026-1", "202611", "２０２６-１１"])
def test_parse_month_rejects_bad_months(text):
    with pytest.raises(RoadmapError, match="month must look like"):
        et.parse_month(text)


@pytest.mark.parametrize("text", ["-1", "1.0", "١", "1_0", "9" * 19, ""])
def test_parse_id_accepts_plain_whole_numbers_only(text):
    with pytest.raises(RoadmapError, match="id must be a whole number"):
        et.parse_id(text)
    assert et.parse_id(" 42 ") == 42


def test_format_cents():
    assert [et.format_cents(c) for c in (1, 100, 1234550)] == ["0.01", "1.00", "12,345.50"]


# --- exact totals: the curriculum's "assert sum matches expected total" -----------------------------------------
def test_sum_matches_expected_total(tmp_path):
    store = tmp_path / "e.json"
    for amount in ["0.10", "0.20", "19.99", "100"]:
        et.add_expense(store, amount, "food", "x", "2025-03-01")
    summary = et.summarise(et.list_expenses(store))
    assert 0.10 + 0.20 != 0.30  # why floats are not money
    assert summary == {"by_category": {"food": 12029}, "by_month": {"2025-03": 12029}, "total": 12029}


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
ops = st.lists(st.one_of(st.tuples(st.just("add"), amounts, st.sampled_from(["food", "rent", "fun"])),
                         st.tuples(st.just("delete"), st.integers(0, 30))), max_size=25)  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=ops)
def test_totals_equal_sum_of_surviving_adds(tmp_path_factory, operations):
    store = tmp_path_factory.mktemp("prop") / "e.json"
    expected: dict[int, tuple[int, str]] = {}
    for op in operations:
        if op[0] == "add":
            row = et.add_expense(store, str(op[1]), op[2], "d", "2025-01-15")
            expected[row["id"]] = (int(op[1] * 100), op[2])
        elif op[1] in expected:
            et.delete_expense(store, op[1])
            del expected[op[1]]
        else:
            with pytest.raises(RoadmapError, match="no expense with id"):
                et.delete_expense(store, op[1])
    summary = et.summarise(et.list_expenses(store))
    assert summary["total"] == sum(c for c, _ in expected.values())
    for category, cents in summary["by_category"].items():
        assert cents == sum(c for c, cat in expected.values() if cat == category)


def test_ids_are_never_reused(tmp_path):
    store = tmp_path / "e.json"
    first = et.add_expense(store, "1", "food", "a", "2025-01-01")
    et.delete_expense(store, first["id"])
    assert et.add_expense(store, "1", "food", "b", "2025-01-01")["id"] == first["id"] + 1


def test_filters(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "5", "Food", "a", "2025-01-02")
    et.add_expense(store, "7", "rent", "b", "2025-02-02")
    assert [r["description"] for r in et.list_expenses(store, month="2025-02")] == ["b"]
    assert [r["description"] for r in et.list_expenses(store, category="FOOD")] == ["a"]
    with pytest.raises(RoadmapError, match="month"):
        et.list_expenses(tmp_path / "missing.json", month="Feb")


def test_rejected_input_never_touches_the_store(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "5", "food", "a", "2025-01-02")
    before = store.read_bytes()
    for bad in [("-1", "food", "a"), ("5", " ", "a"), ("5", "food", "x" * 201)]:
        with pytest.raises(RoadmapError):
            et.add_expense(store, *bad)
    assert store.read_bytes() == before


# --- export and display of user text (issue 13 items 9 and 10) ---------------------------------------------------
def test_export_writes_exact_amounts(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "5", "Food", "a", "2025-01-02")
    et.add_expense(store, "1234.5", "rent", "b, with a comma", "2025-02-02")
    out = et.export_csv(et.list_expenses(store), tmp_path / "out.csv", store=store)
    assert out.read_text().splitlines() == ["id,date,category,amount,description", "1,2025-01-02,food,5.00,a",
                                            '2,2025-02-02,rent,"1,234.50","b, with a comma"']  # fmt: skip


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x")']


def test_export_neutralises_formulas_in_text_but_not_in_numbers(tmp_path):
    store = tmp_path / "e.json"
    for i, text in enumerate(FORMULAS):
        et.add_expense(store, f"{i + 1}.25", text, text, "2025-01-02")
    with open(et.export_csv(et.list_expenses(store), tmp_path / "out.csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["description"] for r in rows] == ["'" + t for t in FORMULAS]
    assert [r["category"] for r in rows] == ["'" + t.lower() for t in FORMULAS]
    assert [r["amount"] for r in rows] == [f"{i + 1}.25" for i in range(len(FORMULAS))]


def test_list_shows_terminal_escapes_escaped():
    rows = [{"id": 1, "date": "2025-01-01", "category": "fo\x1bod", "amount_cents": 100,
             "description": "\x1b[31mred\x1b[0m \u202eevil \x07bell"}]  # fmt: skip
    (line,) = et.format_rows(rows)
    assert "\x1b" not in line and "\u202e" not in line and "\x07" not in line
    assert "\\x1b[31mred\\x1b[0m \\u202eevil \\x07bell" in line and "fo\\x1bod" in line
    assert "\x1b" not in "".join(et.format_summary(et.summarise(rows)))
    assert et.printable("café 12€ 日本") == "café 12€ 日本"  # ordinary text is untouched


# --- the reproducible run ---------------------------------------------------------------------------------------
def test_run_fast_checks_every_total_exactly(tmp_path):
    result = et.run(tmp_path, fast=True, seed=1)
    checks = result.tables["checks"]
    assert checks["exact"].all() and result.metrics["checks_passed"] == len(checks)
    assert len(checks) >= len(et.FAST.categories) + 2  # every category, the months, overall, the CSV
    assert result.metrics["n_expenses"] == et.FAST.n_expenses == len(et.list_expenses(tmp_path / "demo_expenses.json"))
    expected = sum(int(Decimal(a) * 100) for a, _, _ in et.simulate(et.FAST, 1))
    assert result.metrics["total"] == et.format_cents(expected)
    assert 0 < result.metrics["add_median_s"] < result.metrics["encrypted_add_median_s"]  # scrypt is slow on purpose
    assert b"demo" not in (tmp_path / "demo_encrypted.json").read_bytes()
    assert all(p.stat().st_size > 5000 for p in result.figures)


def test_run_fails_loudly_when_a_total_is_off_by_one_cent(tmp_path, monkeypatch):
    real = et.summarise

    def off_by_one(rows):
        summary = real(rows)
        return {**summary, "total": summary["total"] + 1}

    monkeypatch.setattr(et, "summarise", off_by_one)
    with pytest.raises(RuntimeError, match="totals do not match"):
        et.run(tmp_path, fast=True, seed=1)
