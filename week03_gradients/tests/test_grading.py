"""`roadmap grade week03`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/ (each differs from a right answer in one place; the framework's own
fixtures there — hangs, crashes, memory_bomb, raises, import_fails, notebooks, a package — are tested in
tests/test_grading.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week03_gradients import gradient_calc as gc
from week03_gradients import grading

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_its_metrics_beat_the_baseline():
    report = grade("week03", reference=True)
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    for metric in report.metrics:
        assert metric.learner == metric.reference  # grading the reference: "yours" is the reference
        assert metric.reference < metric.baseline / 100, metric  # central ≪ forward differences


def test_the_graders_constants_and_functions_agree_with_the_lesson():
    assert grading.GRAD_TOLERANCE == gc.GRAD_TOLERANCE
    for p in grading.grader_points(5, 3):
        assert grading.f(p) == gc.f(p) and grading.wavy(p) == gc.wavy(p)
        assert (grading.exact_gradient(p) == gc.analytic_gradient(p)).all()


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("sign_error.py", {"numerical_matches_analytic", "accurate_on_non_polynomial", "works_in_n_dimensions"},
         "swapped numerator"),
        ("h_too_large.py", {"accurate_on_non_polynomial"}, "h = 1e-2 is too large"),
        ("forward_difference.py", {"numerical_matches_analytic", "accurate_on_non_polynomial"}, "one-sided"),
        ("mutates_point.py", {"point_not_modified", "accurate_on_non_polynomial"}, "changes the caller's array"),
    ],
)  # fmt: skip
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("week03", FIXTURES / fixture, metrics=False, isolate=False)  # isolation: tests/test_grading.py
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()
