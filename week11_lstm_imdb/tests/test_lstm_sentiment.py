"""Fast-mode run through the runner: artefacts, held-out accuracy, choices made on validation, the saved model's
behaviour (direction, batch independence), reproducibility, and clean errors for bad input and damaged files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from shared.errors import DataError, RoadmapError
from shared.runner import run_week
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.threads import torch_threads
from shared.weeks import find_week
from week11_lstm_imdb import lstm_sentiment
from week11_lstm_imdb.inference import load_model, predict, predict_proba_texts
from week11_lstm_imdb.model import AttentionLSTM, ModelConfig

WEEK = find_week("week11")
POSITIVE = "A wonderful, moving film with superb acting. I loved every minute and would watch it again."
NEGATIVE = "Boring, predictable and far too long. The acting was awful and the plot made no sense at all."


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("week11")
    summary = run_week(WEEK, fast=True, seed=0, out_dir=out_dir)
    return out_dir, summary["metrics"]


@pytest.fixture(scope="module")
def model(fast_run):
    return load_model(fast_run[0] / "model")


def _table(out_dir, name) -> pd.DataFrame:
    return pd.read_csv(out_dir / "tables" / f"{name}.csv")


def test_fast_run_writes_figures_tables_model_and_card(fast_run):
    out_dir, _ = fast_run
    for name in ("embeddings_comparison.png", "ensemble_weight.png", "confusion_matrix.png", "attention.png",
                 "MODEL_CARD.md", "metrics.json", "model/model.safetensors", "model/model.json",
                 "tables/history.csv", "tables/models.csv", "tables/probes.csv"):  # fmt: skip
        assert (out_dir / name).is_file(), name
    assert "{{" not in (out_dir / "MODEL_CARD.md").read_text()


def test_fast_run_is_well_above_chance_on_held_out_reviews(fast_run):
    _, m = fast_run
    # 1,000 balanced test reviews: chance is 0.50 ± 0.03; a model that learnt nothing fails every line here.
    assert m["test_accuracy"] >= 0.75
    assert m["lstm_test_accuracy"] >= 0.62 and m["ngram_test_accuracy"] >= 0.75 and m["baseline_test_accuracy"] >= 0.75
    assert m["test_accuracy_ci_low"] < m["test_accuracy"] < m["test_accuracy_ci_high"]
    assert m["test_accuracy_ci_high"] - m["test_accuracy_ci_low"] < 0.07  # n = 1,000, not a degenerate interval


def test_every_choice_is_the_best_on_validation(fast_run):
    out_dir, m = fast_run
    history = _table(out_dir, "history")
    best = history.loc[history["val accuracy"].idxmax()]
    assert m["lstm_val_accuracy"] == best["val accuracy"]
    kept = history[history["start"] == m["chosen_start"]]
    assert kept.loc[kept["val accuracy"].idxmax(), "epoch"] == m["best_epoch"]
    weights = _table(out_dir, "ensemble_weights")
    assert m["val_accuracy"] == pytest.approx(weights["val accuracy"].max())
    assert m["ngram_C"] == _table(out_dir, "ngram_search").sort_values("val accuracy").iloc[-1]["C"]
    assert len(history) == 2 * lstm_sentiment.FAST.epochs  # fixed epochs for both starts, no early stop


def test_saved_model_reproduces_the_reported_accuracy_on_held_out_reviews(fast_run, model):
    """Predicting the test reviews through inference.py gives the accuracy the run published."""
    from shared.data import load_imdb
    from week11_lstm_imdb.data import subsample

    _, m = fast_run
    test = subsample(load_imdb("test"), lstm_sentiment.FAST.test_size, 0 + 1)
    probs = predict_proba_texts(model, test["review"].tolist())
    assert float(((probs > 0.5) == test["label"].to_numpy()).mean()) == pytest.approx(m["test_accuracy"], abs=1e-9)


def test_direction_a_clearly_positive_review_scores_above_a_clearly_negative_one(model):
    p_pos, p_neg = predict_proba_texts(model, [POSITIVE, NEGATIVE])
    assert p_pos > 0.5 > p_neg
    assert [label for label, _ in predict(model, [POSITIVE, NEGATIVE])] == ["positive", "negative"]


def test_a_prediction_does_not_depend_on_the_rest_of_the_batch(model):
    texts = [POSITIVE, "Meh.", NEGATIVE, "Not the worst thing I have seen, but close to it, honestly."]
    together = predict_proba_texts(model, texts)
    alone = np.array([predict_proba_texts(model, text)[0] for text in texts])
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_probability_is_that_of_the_predicted_label(model):
    (label, prob), = predict(model, NEGATIVE)  # fmt: skip
    assert label == "negative" and prob == pytest.approx(1 - predict_proba_texts(model, NEGATIVE)[0])


@pytest.mark.parametrize(
    ("texts", "message"),
    [([""], "text 1 is empty"), (["fine", "   "], "text 2 is empty"), ([], "no texts"), ([42], "text 1 is a int"),
     (None, "expected a text"), (["x" * 60_000], "the limit is")],
)  # fmt: skip
def test_predict_rejects_bad_input_by_number(model, texts, message):
    with pytest.raises(DataError, match=message):
        predict(model, texts)


def test_results_template_renders_from_the_fast_result(fast_run):
    out_dir, m = fast_run
    record = json.loads((out_dir / "metrics.json").read_text())
    tables = {p.stem: pd.read_csv(p) for p in (out_dir / "tables").glob("*.csv")}
    text = render(WEEK.folder / "templates" / "results.md", m=m, tables=tables, run={"hardware": "test", **record})
    assert "{{" not in text and "TF-IDF" in text and f"{m['n_test']} official test reviews" in text


def test_lstm_training_is_reproducible_with_the_same_seed():
    rng = np.random.default_rng(0)
    ids = [rng.integers(2, 50, size=rng.integers(3, 20)).tolist() for _ in range(64)]
    labels = np.array([int(sum(seq) % 2) for seq in ids])
    histories = []
    with torch_threads(1):
        for _ in range(2):
            torch.manual_seed(3)
            model = AttentionLSTM(ModelConfig(vocab_size=50, embed_dim=8, hidden=4))
            histories.append(lstm_sentiment.train_lstm(model, (ids, labels), (ids, labels), lstm_sentiment.FAST, 3))
    pd.testing.assert_frame_equal(histories[0], histories[1])


def test_same_seed_gives_identical_metrics(tmp_path):
    """The whole pipeline twice with one seed (a config smaller than FAST, to stay quick): timings aside, identical."""
    import dataclasses

    tiny = dataclasses.replace(lstm_sentiment.FAST, train_size=600, test_size=300, epochs=1, w2v_epochs=1,
                               embed_dim=16, hidden=8, hash_features=2**16)  # fmt: skip
    with torch_threads(1):  # as run() does
        first, second = (lstm_sentiment.steps(tmp_path / name, tiny, seed=5).metrics for name in ("a", "b"))
    assert {k: v for k, v in first.items() if not k.endswith("_s")} == {
        k: v for k, v in second.items() if not k.endswith("_s")
    }


# --- the command line, through shared.testing -------------------------------------------------------------------
def test_predict_cli_from_a_fresh_process(fast_run):
    out_dir, _ = fast_run
    ok = run_cli("week11_lstm_imdb", "predict", POSITIVE, NEGATIVE, "--model", str(out_dir / "model"))
    assert ok.returncode == 0, ok.stderr
    lines = [line.split("\t") for line in ok.stdout.strip().splitlines()]
    assert [line[0] for line in lines] == ["positive", "negative"] and all(float(p) >= 0.5 for _, p, _ in lines)
    assert_user_error(run_cli("week11_lstm_imdb", "predict", "fine", "  ", "--model", str(out_dir / "model")),
                      "text 2 is empty")  # fmt: skip


def test_predict_cli_without_a_model_says_how_to_train_one(tmp_path):
    assert_user_error(run_cli("week11_lstm_imdb", "predict", "fine", "--model", str(tmp_path)), "roadmap run week11")


def _copy_model(fast_run, tmp_path):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(fast_run[0] / "model", folder)
    return folder


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncate", "not a readable safetensors file"),
        ("garbage", "not a readable safetensors file"),
        ("sidecar_not_json", "not valid JSON"),
        ("sidecar_missing", "sidecar"),
        ("wrong_config", "do not match"),
        ("no_vocab", "vocabulary"),
    ],
)
def test_damaged_model_files_give_a_clear_error(fast_run, tmp_path, damage, message):
    folder = _copy_model(fast_run, tmp_path)
    weights, sidecar = folder / "model.safetensors", folder / "model.json"
    record = json.loads(sidecar.read_text())
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    elif damage == "garbage":
        weights.write_bytes(b"\x00" * 64)
    elif damage == "sidecar_not_json":
        sidecar.write_text("{not json")
    elif damage == "sidecar_missing":
        sidecar.unlink()
    elif damage == "wrong_config":
        record["config"]["lstm"]["hidden"] += 1
        sidecar.write_text(json.dumps(record))
    elif damage == "no_vocab":
        del record["vocab"]
        sidecar.write_text(json.dumps(record))
    with pytest.raises(RoadmapError, match=message):
        load_model(folder)
    if damage in ("truncate", "wrong_config"):  # and the same through the CLI: exit 2, no traceback
        assert_user_error(run_cli("week11_lstm_imdb", "predict", "fine", "--model", str(folder)), message)
