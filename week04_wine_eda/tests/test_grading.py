"""`roadmap grade week04`: the reference passes every check; each deliberately wrong EDA fails the intended one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check():
    report = grade("week04", reference=True)  # in a worker process, as a learner's solution is graded
    assert report.passed, report.to_text()


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        # the real data holds two red/white twins, so merging types also gets the duplicate count wrong
        ("merges_types.py", {"types_not_merged", "duplicates_dropped"}, "are two wines"),
        ("keeps_duplicates.py", {"duplicates_dropped", "types_not_merged"}, "df.drop_duplicates()"),
        ("spearman.py", {"correlations_correct"}, "not Spearman's"),
        ("student_t.py", {"welch_correct"}, "equal_var=False"),
        ("pooled_d.py", {"cohens_d_correct"}, "ddof=1"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    # In process (the grader's own fixtures): the isolation itself is tested once, in tests/test_grading.py.
    report = grade("week04", FIXTURES / fixture, metrics=False, isolate=False)
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
