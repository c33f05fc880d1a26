"""`roadmap grade week15`: the reference passes every check; each deliberately wrong solution fails the intended one.

The detector checks run the learner's KS tests on many windows of 500 wines (~0.1 s each on a busy 2-core CPU), so
the fast tests shrink the grader's window counts (the same checks, the same bars) and grade in this process; the
reference's grade in the worker at the grader's own sizes is `@pytest.mark.slow`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shared.grading.grader import grade
from week15_monitoring_ci import drift, grading, monitoring

FIXTURES = Path(__file__).parent / "grading_fixtures"
DETECTOR_CHECKS = {"calibrated_threshold_holds_its_rate", "few_false_alarms", "detects_a_shifted_sensor",
                   "names_the_drifted_column"}  # fmt: skip
ALL_CHECKS = {c.name for c in grading.CHECKS}


@pytest.fixture
def fewer_windows(monkeypatch):
    """30 quiet and 10 shifted windows instead of 80 and 20: still far apart for right and wrong detectors."""
    monkeypatch.setattr(grading, "QUIET_WINDOWS", 30)
    monkeypatch.setattr(grading, "SHIFTED_WINDOWS", 10)


def assert_beats_the_baselines(metrics) -> None:
    metrics = {m.name: m for m in metrics}
    assert metrics["false_alarm_rate"].reference <= 0.05 < 0.1 < metrics["false_alarm_rate"].baseline
    assert metrics["detection_rate_0_1sd"].reference >= 0.5 > metrics["detection_rate_0_1sd"].baseline
    assert metrics["detection_delay_windows"].reference + 5 < metrics["detection_delay_windows"].baseline


@pytest.mark.usefixtures("fewer_windows")
def test_the_reference_passes_every_check_and_beats_each_baseline():
    report = grade("week15", reference=True, isolate=False)
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    assert_beats_the_baselines(report.metrics)


@pytest.mark.slow  # ~10–20 s on a busy 2-core CPU: hundreds of KS tests on 3,248 × 500 rows
def test_the_reference_in_the_worker_at_the_graders_own_sizes():
    report = grade("week15", reference=True)
    assert report.passed, report.to_text()
    assert_beats_the_baselines(report.metrics)


def test_the_graders_formulas_and_detector_are_the_lessons():
    rng = np.random.default_rng(0)
    reference, current = rng.normal(size=800), rng.normal(0.3, 1.2, size=300)
    assert grading.formula_psi(reference, current) == pytest.approx(drift.psi(reference, current), rel=1e-12)
    assert monitoring.CHOSEN == "any column, KS Bonferroni" and drift.ALPHA == 0.05  # what the adapter implements
    assert grading.WINDOW == monitoring.Config().window


@pytest.mark.usefixtures("fewer_windows")
@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("uncorrected_ks.py", {"few_false_alarms"}, "Bonferroni"),
        ("half_the_columns.py", {"detects_a_shifted_sensor", "names_the_drifted_column"}, "half the columns"),
        ("psi_without_epsilon.py", {"psi_finite_on_empty_bins"}, "small ε"),
        ("equal_width_bins.py", {"psi_matches_formula", "psi_uses_reference_quantile_bins"}, "equal widths"),
        ("threshold_wrong_quantile.py", {"calibrated_threshold_holds_its_rate"}, "1 − false_alarm"),
        ("errors_include_4xx.py", {"log_summary_counts"}, "a 422 or 429 is the client's"),
        ("no_interpolation.py", {"histogram_quantile_like_promql"}, "interpolate linearly"),
    ],
)  # fmt: skip
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    """Every cheap check runs, and the expensive detector checks a fixture is meant to fail."""
    checks = sorted((ALL_CHECKS - DETECTOR_CHECKS) | failed)
    report = grade("week15", FIXTURES / fixture, metrics=False, isolate=False, checks=checks)
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()
