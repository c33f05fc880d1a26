"""Fast-mode smoke and metric-band tests, the saved model's `predict`, and the CLI's error handling."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from shared.seed import seed_everything
from week11_lstm_imdb import lstm_sentiment
from week11_lstm_imdb.inference import load_model, predict
from week11_lstm_imdb.model import AttentionLSTM, ModelConfig


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("week11")
    seed_everything(0)
    return out_dir, lstm_sentiment.run(out_dir, fast=True, seed=0)


def test_fast_run_writes_figures_model_and_card(fast_run):
    out_dir, metrics = fast_run
    for name in (
        "embeddings_comparison.png",
        "confusion_matrix.png",
        "attention.png",
        "MODEL_CARD.md",
        "examples.json",
        "model/vocab.json",
        "model/model.safetensors",
        "model/config.json",
    ):
        assert (out_dir / name).is_file(), name  # fmt: skip
    assert all(math.isfinite(v) for v in metrics.values() if isinstance(v, float))
    assert metrics["chosen_start"] in ("Word2Vec start", "random start")


def test_fast_run_clearly_beats_chance(fast_run):
    _, metrics = fast_run
    assert metrics["test_accuracy"] >= 0.65  # 1,000 balanced reviews: chance is 0.50 ± 0.03
    assert metrics["baseline_test_accuracy"] >= 0.75
    assert metrics["val_accuracy"] >= 0.65


def test_saved_model_predicts_like_the_training_run(fast_run):
    out_dir, _ = fast_run
    results = predict(["A wonderful, moving film with superb acting.", "Boring, predictable and far too long."],
                      model_dir=out_dir / "model")  # fmt: skip
    assert [label for label, _ in results] == ["positive", "negative"]
    assert all(0.5 <= p <= 1.0 for _, p in results)
    assert load_model(out_dir / "model").predict("Great fun!")[0][0] in ("positive", "negative")


def test_report_names_the_verdict_and_the_baseline(fast_run):
    _, metrics = fast_run
    text = lstm_sentiment.report(metrics)
    assert "Does the LSTM beat the TF-IDF baseline?" in text and "TF-IDF" in text


def test_training_is_reproducible_with_the_same_seed():
    rng = np.random.default_rng(0)
    ids = [rng.integers(2, 50, size=rng.integers(3, 20)).tolist() for _ in range(64)]
    labels = np.array([int(sum(seq) % 2) for seq in ids])
    settings = lstm_sentiment.FAST
    histories = []
    for _ in range(2):
        torch.manual_seed(3)
        model = AttentionLSTM(ModelConfig(vocab_size=50, embed_dim=8, hidden=4))
        histories.append(lstm_sentiment.train_lstm(model, (ids, labels), (ids, labels), settings, 3, "tiny"))
    assert [(h["train_loss"], h["val_accuracy"]) for h in histories[0]] == [
        (h["train_loss"], h["val_accuracy"]) for h in histories[1]
    ]


@pytest.mark.parametrize(
    ("texts", "message"),
    [([""], "has no words"), (["   !!!  "], "has no words"), ([], "non-empty list"), ([42], "not a string")],
)
def test_predict_rejects_empty_and_non_text_input(fast_run, texts, message):
    from shared.errors import RoadmapError

    out_dir, _ = fast_run
    with pytest.raises(RoadmapError, match=message):
        predict(texts, model_dir=out_dir / "model")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "week11_lstm_imdb", *args], capture_output=True, text=True)


def test_predict_cli_from_a_fresh_process(fast_run):
    out_dir, _ = fast_run
    ok = _cli("predict", "An absolute delight from start to finish.", "--model", str(out_dir / "model"))
    assert ok.returncode == 0, ok.stderr
    label, prob, _ = ok.stdout.strip().split("\t")
    assert label in ("positive", "negative") and 0.5 <= float(prob) <= 1.0
    empty = _cli("predict", "  ", "--model", str(out_dir / "model"))
    assert empty.returncode == 2 and "has no words" in empty.stderr and "Traceback" not in empty.stderr


def test_predict_cli_without_a_model_says_how_to_train_one(tmp_path):
    result = _cli("predict", "fine", "--model", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert "roadmap run week11" in result.stderr and "Traceback" not in result.stderr


def test_time_budget_stops_training_even_mid_epoch():
    import dataclasses

    ids = [[2, 3, 4]] * 64
    labels = np.array([0, 1] * 32)
    settings = dataclasses.replace(lstm_sentiment.FAST, time_budget_s=0.0, max_epochs=5)
    model = AttentionLSTM(ModelConfig(vocab_size=5, embed_dim=4, hidden=2))
    history = lstm_sentiment.train_lstm(model, (ids, labels), (ids, labels), settings, 0, "budget")
    assert len(history) == 1


def test_same_seed_gives_identical_metrics(fast_run, tmp_path):
    _, first = fast_run
    seed_everything(0)
    second = lstm_sentiment.run(tmp_path, fast=True, seed=0)
    assert {k: v for k, v in first.items() if not k.endswith("_s")} == {
        k: v for k, v in second.items() if not k.endswith("_s")
    }
