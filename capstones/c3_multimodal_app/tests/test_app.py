"""The JSON API (through an HTTP client), the model-source rule and the scoring of a run.

The models are untrained stand-ins (conftest.py), so these tests check what the app must do whatever the weights:
answer exactly as the weeks' own `predict` does, name the weights behind every answer, and refuse each bad input
with one clear message and the right status.
"""

from __future__ import annotations

import io
import json

import httpx
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from capstones.c3_multimodal_app import models as model_rule
from capstones.c3_multimodal_app.app import Settings, create_app
from capstones.c3_multimodal_app.inference import weights_version
from capstones.c3_multimodal_app.multimodal_app import (
    TARGETS,
    api_answers,
    direct_answers,
    png_bytes,
    sample_rows,
    score,
)
from shared.data.cifar10 import CLASSES
from shared.errors import RoadmapError


def upload(client, data: bytes, name: str = "image.png", kind: str = "image/png"):
    return client.post("/v1/image", files={"file": (name, data, kind)})


# ---------------------------------------------------------------- answers
def test_image_answer_is_the_top3_of_week10s_predict_with_the_weights_version(client, cifar_png, sources):
    from week10_cnn_cifar.inference import load_image, load_model, predict

    response = upload(client, cifar_png.read_bytes())
    assert response.status_code == 200
    body = response.json()
    proba = predict(load_model(sources["image"].path), load_image(cifar_png)[None])[0]
    expected = [CLASSES[i] for i in np.argsort(proba)[::-1][:3]]
    assert [p["label"] for p in body["predictions"]] == expected
    assert [p["probability"] for p in body["predictions"]] == pytest.approx(np.sort(proba)[::-1][:3], abs=1e-6)
    assert body["model"]["version"] == weights_version("week10", sources["image"].path)
    assert body["model"]["mode"] == "stand-in"


def test_any_image_size_is_resized_as_week10_resizes_it(client, sources, tmp_path):
    from week10_cnn_cifar.inference import load_image, load_model, predict

    rng = np.random.default_rng(0)
    path = tmp_path / "photo.jpg"
    Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(path, quality=90)
    top = upload(client, path.read_bytes(), "photo.jpg", "image/jpeg").json()["predictions"][0]
    proba = predict(load_model(sources["image"].path), load_image(path)[None])[0]
    assert top["label"] == CLASSES[int(proba.argmax())] and top["probability"] == pytest.approx(proba.max(), abs=1e-6)


def test_text_answer_is_week12s_predict_with_the_weights_version(client, sources):
    from week12_transformer_sst2.inference import load_model, predict

    sentence = "A gripping, funny film."
    body = client.post("/v1/text", json={"text": sentence}).json()
    [(label, probability)] = predict(load_model(sources["text"].path), [sentence])
    assert (body["label"], body["probability"]) == (label, pytest.approx(probability, abs=1e-6))
    assert body["model"]["version"] == weights_version("week12", sources["text"].path / "model.safetensors")


def test_healthz_names_both_models(client):
    models = client.get("/healthz").json()["models"]
    assert {role: m["week"] for role, m in models.items()} == {"image": "week10", "text": "week12"}
    assert models["image"]["version"].startswith("week10-") and len(models["image"]["version"]) == 19


def test_api_over_http_agrees_with_the_models_on_every_row(live_url, sources, cifar_test):
    """The run's consistency check on 20 real test images and 4 sentences: same answers, zero gap."""
    images, labels = cifar_test
    sentences = ["Wonderful.", "Dull and far too long.", "It is a film.", "I laughed, I cried."]
    direct_images, direct_texts, classes, _ = direct_answers(sources, images, sentences)
    with httpx.Client(base_url=live_url) as http:
        api_images, api_texts = api_answers(http, images, sentences)
    assert api_images["api"].tolist() == direct_images and api_texts["api"].tolist() == direct_texts
    frame = api_images.assign(truth=[classes[i] for i in labels], direct=direct_images)
    metrics = score("image", frame)
    assert metrics["image_accuracy_gap_pp"] == 0 and metrics["image_agreement"] == 1
    assert (api_images["latency_s"] > 0).all()


# ---------------------------------------------------------------- bad input: one clear message, the right status
def test_a_file_that_is_not_an_image_is_415_with_a_message(client):
    response = upload(client, b"name,age\nAda,36\n", "people.csv", "text/csv")
    assert response.status_code == 415 and "not an image" in response.json()["detail"]
    assert upload(client, b"").status_code == 415


def test_a_truncated_png_is_415_not_a_500(client, cifar_png):
    response = upload(client, cifar_png.read_bytes()[:80])
    assert response.status_code == 415 and "PNG or JPEG" in response.json()["detail"]


def test_a_decompression_bomb_is_refused_before_decoding(client):
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG")  # a few kB claiming 25 million pixels
    response = upload(client, buffer.getvalue())
    assert response.status_code == 413 and "5000x5000" in response.json()["detail"]


@pytest.fixture(scope="module")
def small_cap_client(settings):
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings.model_copy(update={"max_upload_bytes": 2_048}))) as client:
        yield client


def test_uploads_over_the_cap_are_413_from_the_header_and_from_the_body(small_cap_client):
    noise = png_bytes(np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))  # ~12 kB
    response = upload(small_cap_client, noise)  # over the cap, within the envelope allowance: read and refused
    assert response.status_code == 413 and "limit is 2,048" in response.json()["detail"]
    response = upload(small_cap_client, b"\0" * 200_000)  # refused from Content-Length alone
    assert response.status_code == 413 and "limit is 2,048" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [({"text": ""}, "empty"), ({"text": " \n\t "}, "empty"), ({}, "text: Field required"),
     ({"text": "x" * 5_001}, "5,001 characters"), ({"text": 5}, "valid string"), ({"texts": ["a"]}, "Field required")],
)  # fmt: skip
def test_bad_sentences_are_422_with_one_readable_message(client, body, message):
    response = client.post("/v1/text", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and message in detail


def test_a_missing_upload_field_is_422(client):
    response = client.post("/v1/image", files={"picture": ("a.png", b"x", "image/png")})
    assert response.status_code == 422 and "file: Field required" in response.json()["detail"]


def test_missing_model_files_are_a_clear_error(tmp_path):
    with pytest.raises(RoadmapError, match="no week10 model at"):
        create_app(Settings(image_model=tmp_path / "nope.safetensors", text_model=tmp_path / "model"))


# ---------------------------------------------------------------- where the models come from
def fake_run(folder, week, mode, accuracy):
    _, model, metric = model_rule.WEEKS[week]
    weights = folder / model if model.endswith(".safetensors") else folder / model / "model.safetensors"
    weights.parent.mkdir(parents=True, exist_ok=True)
    weights.write_bytes(b"weights")
    (folder / "metrics.json").write_text(json.dumps({"mode": mode, "seed": 42, "metrics": {metric: accuracy}}))


def test_the_full_run_wins_over_the_fast_run_and_nothing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_OUTPUT_DIR", str(tmp_path))
    assert model_rule.find_model("week10") is None
    with pytest.raises(RoadmapError, match="roadmap run week10"):
        model_rule.resolve_models(train_missing=False)
    fake_run(tmp_path / "week10_cnn_cifar-fast", "week10", "fast", 0.61)
    assert model_rule.find_model("week10").mode == "fast"
    fake_run(tmp_path / "week10_cnn_cifar", "week10", "full", 0.9)
    found = model_rule.find_model("week10")
    assert (found.mode, found.accuracy, found.path.parent.name) == ("full", 0.9, "week10_cnn_cifar")
    fake_run(tmp_path / "week12_transformer_sst2-fast", "week12", "fast", 0.75)
    sources = model_rule.resolve_models(train_missing=False)
    assert sources["text"].describe() == "week12 (fast model, dev_accuracy 75.0%)"


# ---------------------------------------------------------------- the run's pure steps
def test_rows_are_seeded_distinct_and_sorted():
    rows = sample_rows(10_000, 500, seed=3)
    assert len(set(rows)) == 500 and (np.diff(rows) > 0).all()
    assert (rows == sample_rows(10_000, 500, seed=3)).all() and not (rows == sample_rows(10_000, 500, seed=4)).all()
    assert (sample_rows(872, None, seed=3) == np.arange(872)).all()


def test_a_serving_bug_shows_up_as_a_gap_and_misses_the_target():
    truth = ["cat"] * 100
    direct = ["cat"] * 90 + ["dog"] * 10
    api = ["dog"] + direct[1:]  # the API gets one row wrong that the model got right
    frame = pd.DataFrame({"truth": truth, "direct": direct, "api": api, "latency_s": np.linspace(0.01, 0.1, 100)})
    metrics = score("image", frame)
    assert metrics["image_direct_accuracy"] == 0.9 and metrics["image_api_accuracy"] == 0.89
    assert metrics["image_accuracy_gap_pp"] == pytest.approx(1.0) and metrics["image_agreement"] == 0.99
    assert metrics["image_accuracy_gap_pp_ci_low"] <= 1.0 <= metrics["image_accuracy_gap_pp_ci_high"]
    assert not next(t for t in TARGETS if t.metric == "image_accuracy_gap_pp").met(metrics)
    assert metrics["image_latency_p50_s"] == pytest.approx(0.055, abs=1e-3)
