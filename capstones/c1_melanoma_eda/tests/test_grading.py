"""`roadmap grade c1`: the reference passes every check; each deliberately wrong report fails the intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from capstones.c1_melanoma_eda import grading
from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_leaks_no_patient():
    report = grade("c1", reference=True)
    assert report.passed, report.to_text()
    metrics = {m.name: m for m in report.metrics}
    assert metrics["rows_kept"].reference == 1 > metrics["rows_kept"].baseline
    assert metrics["leaked_test_images"].reference == 0 < 0.9 < metrics["leaked_test_images"].baseline


def test_the_clustered_data_widens_an_honest_interval_as_the_lesson_says():
    meta = grading.synthetic(400, 20)
    honest = grading.Reference.summarise(meta)
    widening = (honest["malignant_rate_ci_high"] - honest["malignant_rate_ci_low"]) / grading.wilson_width(meta)
    assert grading.CLUSTERED_WIDENING < widening < 5.5  # ~√20 ≈ 4.5, as the unit's own test finds


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("drops_gaps.py", {"clean_keeps_every_row"}, "instead of dropping images"),
        ("split_by_image.py", {"split_keeps_patients_apart"}, "split by patient"),
        ("images_as_independent.py", {"interval_resamples_patients"}, "bootstrap over patients"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("c1", FIXTURES / fixture, metrics=False, isolate=False, checks=sorted(failed))
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
