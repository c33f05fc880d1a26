"""`roadmap grade week01`: the reference passes every check; each deliberately wrong tracker fails the intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check():
    report = grade("week01", reference=True)  # in a worker process, as a learner's solution is graded
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        # float money also accepts "1e3" and stores the wrong cents, so four checks fail; the first names it
        ("float_money.py", {"amounts_exact", "totals_exact", "bad_amounts_refused", "nothing_lost"},
         "int(float('0.29') * 100) is 28"),
        ("negative_accepted.py", {"bad_amounts_refused"}, "refuse negative"),
        ("loses_entries.py", {"nothing_lost", "totals_exact", "delete_removes_one"}, "writing only the new expense"),
        ("reuses_ids.py", {"delete_removes_one"}, "never reused"),
        ("writes_before_checking.py", {"bad_input_writes_nothing"}, "before opening the file"),
    ],
)  # fmt: skip
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    # In process (the grader's own fixtures): the isolation itself is tested once, in tests/test_grading.py.
    report = grade("week01", FIXTURES / fixture, metrics=False, isolate=False)
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
