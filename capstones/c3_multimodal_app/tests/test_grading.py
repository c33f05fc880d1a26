"""`roadmap grade c3`: the reference app passes every check; each deliberately wrong app fails the intended one.

The wrong apps are in grading_fixtures/: each builds the correct app of `_common.py` (written independently of the
lesson, API only, and passing every check as `right_answer.py`) with one piece replaced by a classic mistake.
Everything runs in this process on the grader's stand-in models (nothing trains; no port, no browser).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from capstones.c3_multimodal_app import grading, inference
from shared.grading.grader import grade

FIXTURES = Path(__file__).parent / "grading_fixtures"


def test_the_reference_passes_every_check_and_refuses_what_a_bare_app_serves():
    report = grade("c3", reference=True, isolate=False)  # isolation (worker, limits): tests/test_grading.py
    assert report.passed, report.to_text()
    assert report.score() == pytest.approx((100, 100))
    refused = next(m for m in report.metrics if m.name == "hostile_requests_refused")
    assert refused.reference == 1 and refused.baseline < 0.5  # the bare app answers 200 or 500 to most of them
    latency = next(m for m in report.metrics if m.name == "image_p50_latency_ms")
    assert latency.reference > 0 and latency.baseline > 0


def test_the_contracts_limits_are_the_lessons():
    assert (grading.MAX_UPLOAD_BYTES, grading.MAX_PIXELS, grading.MAX_CHARS) == (
        inference.MAX_UPLOAD_BYTES, inference.MAX_PIXELS, inference.MAX_CHARS)  # fmt: skip
    assert len(grading.oversize_png()) > inference.MAX_UPLOAD_BYTES  # so a cap is the only reason to refuse them
    assert grading.bomb_png()[:8] == b"\x89PNG\r\n\x1a\n" and len(grading.bomb_png()) < 10_000


def test_the_sharpened_stand_in_answers_differently_for_a_different_resize():
    """The image check compares probabilities to 1e-6; the grader's stand-in must move them far more than that."""
    import numpy as np
    from PIL import Image

    from week10_cnn_cifar.inference import predict

    name, data, _ = grading.uploads()[1]  # the 48×64 JPEG
    with Image.open(io.BytesIO(data)) as image:
        nearest = np.array(image.convert("RGB").resize((32, 32), Image.Resampling.NEAREST), dtype=np.uint8)
    ours = np.array([p for _, p in grading.expected_top3(data)])
    theirs = np.sort(predict(grading.models().image, nearest[None])[0])[::-1][:3]
    assert np.abs(ours - theirs).max() > 100 * 1e-6, name


def test_an_independent_right_answer_passes_every_check():
    report = grade("c3", FIXTURES / "right_answer.py", metrics=False, isolate=False)
    assert report.passed, report.to_text()


@pytest.mark.parametrize(
    ("fixture", "failed", "hint"),
    [
        ("own_resize.py", {"image_answer_is_week10s"}, "a second preprocessing path"),
        ("constant_version.py", {"answers_name_the_weights"}, "hash the model file"),
        ("no_size_limit.py", {"oversize_upload_is_413"}, "cap the upload"),
        ("pillow_errors_escape.py", {"not_an_image_is_415"}, "UnidentifiedImageError"),
        ("no_pixel_limit.py", {"decompression_bomb_is_413"}, "width × height from the header"),
        ("blank_text_accepted.py", {"bad_sentence_is_422"}, "not blank, at most 5,000 characters"),
        ("pydantic_error_list.py", {"bad_sentence_is_422"}, "not pydantic's list"),
    ],
)
def test_each_wrong_solution_fails_the_intended_check_with_its_hint(fixture, failed, hint):
    report = grade("c3", FIXTURES / fixture, metrics=False, isolate=False)  # every check: only the intended fails
    assert report.failed == failed, report.to_text()
    assert any(hint in c.hint for c in report.checks if not c.passed)
    assert f"FAIL  {sorted(failed)[0]}" in report.to_text()
