"""`roadmap grade week08`: the reference passes every check; each deliberately wrong segmentation fails the
intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from week08_mall_clustering import clustering as cl
from week08_mall_clustering import grading

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_separates_better_than_a_median_split():
    report = grade("week08", reference=True)
    assert report.passed, report.to_text()
    metrics = {m.name: m for m in report.metrics}
    assert metrics["silhouette"].reference >= grading.SILHOUETTE_BAR > metrics["silhouette"].baseline
    assert metrics["known_groups_ari"].reference > 0.95 > metrics["known_groups_ari"].baseline


def test_the_graders_features_are_the_lessons():
    assert grading.FEATURES == cl.FEATURES and grading.SILHOUETTE_BAR == cl.TARGETS[0].value


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("unscaled.py", {"same_clusters_in_other_units"}, "standardise the features"),
        ("always_five.py", {"finds_known_groups"}, "not be fixed in the code"),
        ("unseeded.py", {"same_seed_same_clusters"}, "fixed `random_state`"),
        ("one_cluster.py", {"more_than_one_cluster"}, "choose k ≥ 2"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("week08", FIXTURES / fixture, metrics=False, isolate=False, checks=sorted(failed))
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
