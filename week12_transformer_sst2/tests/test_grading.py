"""`roadmap grade week12`: the reference passes every check; each deliberately wrong solution fails the intended one.

The wrong solutions are in grading_fixtures/: each stands in for a fine-tuned transformer with a word-score model
(instant, nothing to download) and makes one mistake people make with the real thing. They are graded in this
process (`isolate=False`) on the intended check. The reference needs a trained model (a fast run takes minutes
on a CPU), so its full grade is in the slow tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.grading.grader import grade
from shared.paths import outputs_dir
from week12_transformer_sst2 import grading

FIXTURES = Path(__file__).parent / "grading_fixtures"


@pytest.fixture(autouse=True)
def fresh_cache():
    grading._loaded.clear()
    yield
    grading._loaded.clear()


@pytest.mark.slow  # scores 300 dev sentences with the saved transformer; needs `roadmap run week12 --fast` first
def test_the_reference_passes_every_check_and_beats_the_majority_class():
    if not any((outputs_dir("week12_transformer_sst2", fast=f) / "model").is_dir() for f in (False, True)):
        pytest.skip("no trained week 12 model: run `roadmap run week12 --fast` first")
    report = grade("week12", reference=True, isolate=False)
    assert report.passed, report.to_text()
    accuracy = next(m for m in report.metrics if m.name == "dev_accuracy")
    assert accuracy.reference >= accuracy.baseline + 0.2, accuracy


def test_the_graders_probes_are_the_lessons_own():
    lesson_tests = (Path(__file__).parent / "test_bert_sentiment.py").read_text()
    for sentence in grading.POSITIVE + grading.NEGATIVE + [s for pair in grading.NEGATIONS for s in pair]:
        assert sentence in lesson_tests, sentence
    sentences, labels = grading.dev()
    assert len(sentences) == grading.N_DEV and 0.4 < labels.mean() < 0.6


@pytest.mark.parametrize(
    ("fixture", "check", "hint"),
    [
        ("label_probability.py", "not_one_class", "not the probability of the predicted label"),
        ("logits.py", "outputs_are_probabilities", "not the raw logits"),
        ("no_attention_mask.py", "batch_independent", "attention_mask"),
        ("labels_swapped.py", "positive_above_negative", "id2label"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, check, hint):
    report = grade("week12", FIXTURES / fixture, metrics=False, checks=[check], isolate=False)
    assert report.failed == {check}, report.to_text()
    assert hint in report.checks[-1].hint


def test_a_right_word_score_model_passes_the_checks_the_fixtures_fail(tmp_path):
    """labels_swapped.py with its labels the right way round: no false alarm on the fixtures' checks."""
    source = (FIXTURES / "labels_swapped.py").read_text()
    right = source.replace("np.exp(8 * means))  # BUG: P(negative)", "np.exp(-8 * means))")
    assert right != source
    path = tmp_path / "right.py"
    path.write_text(right)
    report = grade("week12", path, metrics=False, isolate=False,
                   checks=["outputs_are_probabilities", "batch_independent", "positive_above_negative",
                           "not_one_class"])  # fmt: skip
    assert report.passed, report.to_text()
