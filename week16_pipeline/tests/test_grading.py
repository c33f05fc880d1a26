"""`roadmap grade week16`: the reference passes every check; each deliberately wrong solution fails the intended one.

A wrong solution is graded on the checks of the rubric part its mistake belongs to (the data contract, the scraper,
or the model choice and the model), so the model is not fitted again for a contract mistake; the reference runs
every check.
Grades that fit models run in the grader's worker: it starts with one BLAS thread, where a test process whose
pools were limited afterwards (threadpoolctl) fitted the same logistic regressions ~5× slower on a busy 2-core CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week16_pipeline import contract, grading, inference

FIXTURES = Path(__file__).parent / "grading_fixtures"
CONTRACT_CHECKS = sorted(c.name for c in grading.CHECKS if c.part == "data contract")
MODEL_CHECKS = sorted(c.name for c in grading.CHECKS if c.part in ("model selection", "model"))
SCRAPER_CHECKS = sorted(c.name for c in grading.CHECKS if c.part == "scraper")


def test_the_reference_passes_every_check_and_beats_each_baseline():
    report = grade("week16", reference=True)
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    metrics = {m.name: m for m in report.metrics}
    assert metrics["misjudged_rows"].reference == 0 < metrics["misjudged_rows"].baseline == 8
    assert metrics["test_accuracy"].reference >= grading.ACCURACY_BAR > 0.3 > metrics["test_accuracy"].baseline


def test_the_graders_rules_are_the_lessons():
    assert grading.LABELS == contract.LABELS == tuple(inference.LABELS)
    _, expected = grading.batch()
    clean, quarantined = contract.validate(grading.batch()[0])
    assert set(quarantined.index) == set(expected) and len(clean) == 10


@pytest.mark.parametrize(
    ("fixture", "checks", "failed", "hint"),
    [
        ("dropna_drops_rows.py", CONTRACT_CHECKS, {"nothing_dropped", "faulty_rows_quarantined"}, "dropna()"),
        ("dedupe_on_title.py", CONTRACT_CHECKS, {"faulty_rows_quarantined", "duplicates_caught"},
         "same title AND description"),
        ("first_reason_only.py", CONTRACT_CHECKS, {"every_reason_listed"}, "lazy=True"),
        ("ignores_robots.py", SCRAPER_CHECKS, {"robots_txt_honoured"}, "a link is not a permission"),
        ("keeps_duplicates.py", SCRAPER_CHECKS, {"every_article_once"}, "canonical URL"),
        ("choose_on_training_accuracy.py", MODEL_CHECKS, {"choice_on_validation"}, "VALIDATION accuracy"),
        pytest.param("loads_all_of_ag_news.py", MODEL_CHECKS, {"reads_only_its_arguments"}, "leakage",
                     marks=pytest.mark.slow),  # over ~10 s on a busy 2-core CPU: `make test-slow`
        pytest.param("labels_as_strings.py", MODEL_CHECKS,
                     {"choice_on_validation", "accuracy_above_bar", "every_class_recognised"}, "sort alphabetically",
                     marks=pytest.mark.slow),
    ],
)  # fmt: skip
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, checks, failed, hint):
    isolate = checks == MODEL_CHECKS  # the contract's fixtures fit nothing: graded here, in a fraction of a second
    report = grade("week16", FIXTURES / fixture, metrics=False, isolate=isolate, checks=checks)
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()
