"""Week 1 tests: validation, exact totals (property-based), the real CLI, concurrency and crash safety."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.errors import RoadmapError
from week01_expense_tracker import expense_tracker as et
from week01_expense_tracker.store import StoreError, read_store

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, store: Path, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "week01_expense_tracker", *args, "--store", str(store)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


# --- validation -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "cents"), [("12.50", 1250), ("0.01", 1), ("7", 700), (" 3.1 ", 310)])
def test_parse_amount_is_exact_cents(text, cents):
    assert et.parse_amount(text) == cents


@pytest.mark.parametrize("text", ["-5", "0", "0.00", "nan", "inf", "abc", "", "1.001", "1e9", "12,50"])
def test_parse_amount_rejects_bad_input(text):
    with pytest.raises(RoadmapError):
        et.parse_amount(text)


@pytest.mark.parametrize("text", ["2023-02-30", "yesterday", "2023/01/01", "9999-01-01"])
def test_parse_date_rejects_bad_or_future_dates(text):
    with pytest.raises(RoadmapError):
        et.parse_date(text)


def test_sum_matches_expected_total(tmp_path):
    """The curriculum's test: the summary equals the sum of what was added."""
    store = tmp_path / "e.json"
    for amount in ["0.10", "0.20", "19.99", "100"]:
        et.add_expense(store, amount, "food", "x", "2025-03-01")
    summary = et.summarise(et.list_expenses(store))
    assert summary["total"]["all"] == 12029  # 0.10 + 0.20 + 19.99 + 100.00, exactly
    assert summary["by_category"] == {"food": 12029}
    assert summary["by_month"] == {"2025-03": 12029}


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
            with pytest.raises(RoadmapError):
                et.delete_expense(store, op[1])
    summary = et.summarise(et.list_expenses(store))
    assert summary["total"]["all"] == sum(c for c, _ in expected.values())
    for category, cents in summary["by_category"].items():
        assert cents == sum(c for c, cat in expected.values() if cat == category)


def test_filters_and_export(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "5", "Food", "a", "2025-01-02")
    et.add_expense(store, "7", "rent", "b", "2025-02-02")
    assert [r["description"] for r in et.list_expenses(store, month="2025-02")] == ["b"]
    assert [r["description"] for r in et.list_expenses(store, category="FOOD")] == ["a"]
    out = et.export_csv(et.list_expenses(store), tmp_path / "out.csv")
    assert out.read_text().splitlines() == ["id,date,category,amount,description", "1,2025-01-02,food,5.00,a",
                                            "2,2025-02-02,rent,7.00,b"]  # fmt: skip


def test_rejected_input_never_touches_the_store(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "5", "food", "a", "2025-01-02")
    before = store.read_bytes()
    with pytest.raises(RoadmapError):
        et.add_expense(store, "-1", "food", "a")
    assert store.read_bytes() == before


# --- the real CLI ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "-5", "food", "x"], "must be positive"),
        (["add", "abc", "food", "x"], "must be a number"),
        (["add", "nan", "food", "x"], "finite"),
        (["add", "99999999", "food", "x"], "typo"),
        (["add", "5", "food", "  "], "description must not be empty"),
        (["add", "5", "food", "x", "--date", "2023-02-30"], "real date"),
        (["delete", "42"], "no expense with id 42"),
        (["list", "--month", "Nov"], "month must look like"),
    ],
)
def test_cli_bad_input_gives_message_not_traceback(tmp_path, args, message):
    result = cli(*args, store=tmp_path / "e.json")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_round_trip(tmp_path):
    store = tmp_path / "e.json"
    assert cli("add", "12.50", "food", "lunch", "--date", "2025-05-01", store=store).returncode == 0
    assert cli("add", "7.25", "bus", "ride", "--date", "2025-05-02", store=store).returncode == 0
    summary = cli("summary", store=store)
    assert summary.returncode == 0 and "19.75" in summary.stdout
    assert cli("delete", "1", store=store).returncode == 0
    assert "lunch" not in cli("list", store=store).stdout


def test_corrupted_store_is_reported_and_left_untouched(tmp_path):
    store = tmp_path / "e.json"
    store.write_text('{"expenses": [ broken')
    result = cli("add", "5", "food", "x", store=store)
    assert result.returncode == 2 and "not a valid expense store" in result.stderr
    assert store.read_text() == '{"expenses": [ broken'


def test_interactive_menu(tmp_path):
    store = tmp_path / "e.json"
    keys = "1\n4.20\nfood\nsnack\n2025-06-01\n1\n-3\nfood\nbad\n\n3\nzz\nq\n"
    result = cli("menu", store=store, stdin=keys)
    assert result.returncode == 0
    assert "added #1" in result.stdout and "error: amount must be positive" in result.stdout
    assert "4.20" in result.stdout and "unknown choice 'zz'" in result.stdout
    assert len(read_store(store)["expenses"]) == 1


def test_encryption_at_rest(tmp_path):
    store = tmp_path / "e.json"
    env = {"EXPENSES_PASSPHRASE": "correct horse"}
    assert cli("add", "9.99", "health", "pharmacy visit", store=store, env=env).returncode == 0
    raw = store.read_text()
    assert "pharmacy" not in raw and json.loads(raw)["encrypted"] is True
    assert "pharmacy visit" in cli("list", store=store, env=env).stdout
    wrong = cli("list", store=store, env={"EXPENSES_PASSPHRASE": "wrong"})
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr
    with pytest.raises(StoreError, match="encrypted"):
        read_store(store)


# --- concurrency and crash safety -----------------------------------------------------------------
ADD_LOOP = """
import sys
from week01_expense_tracker.expense_tracker import add_expense
for i in range(int(sys.argv[2])):
    add_expense(sys.argv[1], "1.00", "food", f"worker {i}", "2025-01-01")
"""


def test_concurrent_writers_lose_nothing(tmp_path):
    store = tmp_path / "e.json"
    procs = [subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(store), "15"], cwd=REPO) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    rows = read_store(store)["expenses"]
    assert len(rows) == 60
    assert len({r["id"] for r in rows}) == 60


def test_kill_mid_write_leaves_store_intact(tmp_path):
    store = tmp_path / "e.json"
    for delay in (0.4, 0.7, 1.0):
        proc = subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(store), "100000"], cwd=REPO)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        doc = read_store(store)  # raises if the file were half-written
        ids = [r["id"] for r in doc["expenses"]]
        assert ids == sorted(set(ids)) and doc["next_id"] > max(ids, default=0)


def test_run_fast_writes_metrics_and_figures(tmp_path):
    metrics = et.run(tmp_path, fast=True, seed=1)
    assert metrics["totals_match"] == 1 and metrics["n_expenses"] == 60
    assert (tmp_path / "spending_by_category.png").stat().st_size > 5000
    assert et.run(tmp_path, fast=True, seed=1) == metrics
