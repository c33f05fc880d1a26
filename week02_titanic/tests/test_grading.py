"""`roadmap grade week02`: the reference passes every check; each deliberately wrong cleaning fails the intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_fills_ages_better_than_one_median():
    report = grade("week02", reference=True)  # in a worker process, as a learner's solution is graded
    assert report.passed, report.to_text()
    (mae,) = report.metrics
    assert mae.learner == mae.reference < mae.baseline - 1  # title × class medians beat one global median by > 1 year


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("drops_rows.py", {"no_rows_dropped"}, "dropna removes the passengers"),
        ("leaks_test.py", {"no_test_leakage"}, "pd.concat([train, test])"),
        ("fills_with_zero.py", {"plausible_fill"}, "not a placeholder"),
        ("modifies_input.py", {"input_not_modified"}, "df.copy()"),
        ("counts_not_rates.py", {"survival_rates"}, "mean of Survived"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    # In process (the grader's own fixtures): the isolation itself is tested once, in tests/test_grading.py.
    report = grade("week02", FIXTURES / fixture, metrics=False, isolate=False)
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
