"""`roadmap grade week14`: the reference passes every check; each deliberately wrong app fails the intended one.

The wrong solutions are in grading_fixtures/ (each differs from the small right answer in `_common.py` in one
place). The grader's model is pure Python, so these tests need no trained model and no torch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.errors import RoadmapError
from shared.grading.grader import grade
from week14_fastapi_docker import grading, main, serving

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_answers_hostile_input_better_than_a_bare_app():
    report = grade("week14", reference=True, isolate=False)  # isolation itself: tests/test_grading.py
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    hostile = next(m for m in report.metrics if m.name == "hostile_requests_4xx")
    assert hostile.learner == hostile.reference == 1.0
    assert hostile.baseline < 0.9, hostile  # blank texts reach the bare app's model: 500s
    latency = next(m for m in report.metrics if m.name == "p50_latency_ms")
    assert latency.reference > 0 and latency.baseline > 0, latency


def test_the_graders_limits_and_model_agree_with_the_lesson():
    assert grading.MAX_CHARS == serving.MAX_CHARS and grading.MAX_TEXTS == main.MAX_TEXTS
    model = grading.GraderModel()
    answers = model.predict(grading.TEXTS)
    assert [label for label, _ in answers[:2]] == ["positive", "negative"]  # the lexicon points the right way
    assert len({p for _, p in answers}) == len(grading.TEXTS) and all(0.5 <= p <= 1 for _, p in answers)
    for bad in ([""], ["x" * (grading.MAX_CHARS + 1)]):  # as strict as week 12's predict
        with pytest.raises(RoadmapError):
            model.predict(bad)


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("default_422_echoes_input.py", {"errors_do_not_echo_input"}, "repeats the input"),
        ("no_length_limits.py", {"bad_texts_get_4xx"}, "declare the limits in the pydantic schema"),
        ("loads_model_in_create_app.py", {"alive_without_model"}, "restart loop"),
        ("app_version_not_models.py", {"names_model_version"}, "the app's own version"),
        ("reads_json_by_hand.py", {"malformed_json_gets_422"}, "await request.json()"),
        ("batcher_wrong_slice.py", {"concurrent_requests_get_their_own_answers"}, "own slice"),
    ],
)  # fmt: skip
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("week14", FIXTURES / fixture, metrics=False, isolate=False)  # isolation: tests/test_grading.py
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()
