"""Week 12 tests: one shared fast run (the expensive part, ~40 s), then checks on what it wrote.

Tiers: unit (tokeniser round trip, model resolution, input checks, the bias probe on a tiny random
model), smoke (artefacts of the fast run), metric band and behaviour (negation lowers the positive
score) on the fast model, and the `predict` CLI from a fresh process.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from shared.errors import RoadmapError
from shared.results import REPO_ROOT
from week12_transformer_sst2 import bert_sentiment, bias_probe
from week12_transformer_sst2.inference import check_texts, load_model, predict
from week12_transformer_sst2.pretrained import DEFAULT_MODEL, load_tokenizer, resolve


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory) -> tuple[Path, dict]:
    from shared.seed import seed_everything

    out = tmp_path_factory.mktemp("week12")
    seed_everything(0)
    return out, bert_sentiment.run(out, fast=True, seed=0)


@pytest.fixture(scope="module")
def fast_model(fast_run):
    return load_model(fast_run[0] / "model")


# ---------------------------------------------------------------- unit
def test_default_model_resolves_to_packaged_folder_read_offline():
    source, local_only = resolve(DEFAULT_MODEL)
    assert local_only and (Path(source) / "config.json").is_file()
    assert resolve("distilbert-base-uncased") == ("distilbert-base-uncased", False)  # hub names pass through


def test_tokeniser_round_trip():
    tokenizer = load_tokenizer()
    text = "a gripping, funny and unpretentious film."
    ids = tokenizer(text)["input_ids"]
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == text  # uncased model: lower-case text survives


@pytest.mark.parametrize("bad", ["", "   ", [], [None], ["ok", ""], "x" * 6000])
def test_bad_texts_are_rejected_with_a_message(bad):
    with pytest.raises(RoadmapError):
        check_texts(bad)


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RoadmapError, match="no trained model"):
        load_model(tmp_path)


def test_counterfactual_probe_runs_on_a_tiny_random_model(tmp_path):
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer = load_tokenizer()
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, num_labels=2, id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
    )  # fmt: skip
    BertForSequenceClassification(config).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    result = bias_probe.counterfactual_probe(load_model(tmp_path).positive_proba)
    assert result["n_sentences"] == sum(len(t) * len(bias_probe.GROUPS[g]) for g, t in bias_probe.TEMPLATES.items())
    assert 0 < result["mean_spread"] <= result["max_spread"] <= 1  # a random model is not exactly invariant
    assert set(result["groups"]) == set(bias_probe.TEMPLATES)


def test_fill_capitalises_only_at_sentence_start():
    assert bias_probe.fill("{x} directed this film.", ["she"]) == ["She directed this film."]
    assert bias_probe.fill("The director is {x}.", ["atheist"]) == ["The director is atheist."]


# ---------------------------------------------------------------- smoke + metric band (fast run)
def test_fast_run_writes_artefacts(fast_run):
    out, metrics = fast_run
    for name in ("training_curve.png", "attention_heatmap.png", "MODEL_CARD.md", "bias_probe.json"):
        assert (out / name).is_file(), name
    assert (out / "model" / "model.safetensors").is_file()
    info = json.loads((out / "model" / "training_info.json").read_text())
    assert info["seed"] == 0 and set(info["data_sha256"]) == {"sst2_train", "sst2_dev"}
    assert all(math.isfinite(v) for v in metrics.values() if isinstance(v, float))
    card = (out / "MODEL_CARD.md").read_text()
    assert "Counterfactual probe" in card and "cannot show" in card


def test_fast_run_clearly_beats_chance_and_the_zero_shot_baseline(fast_run):
    _, metrics = fast_run
    assert metrics["dev_accuracy"] >= 0.75  # chance is 0.51; measured ~0.8x in fast mode
    assert metrics["linear_probe_accuracy"] >= 0.70
    assert metrics["dev_accuracy_ci_low"] < metrics["dev_accuracy"] < metrics["dev_accuracy_ci_high"]
    assert metrics["int8_dev_accuracy"] >= metrics["dev_accuracy"] - 0.05


def test_report_renders_from_metrics(fast_run):
    text = bert_sentiment.report(fast_run[1])
    assert "linear probe" in text and "INT8" in text and "%" in text


# ---------------------------------------------------------------- behaviour + inference on the saved model
def test_inference_on_a_new_sentence(fast_run):
    ((label, probability),) = predict(
        "An utterly charming film with a wonderful cast.", model_dir=fast_run[0] / "model"
    )
    assert label == "positive" and 0.5 <= probability <= 1


def test_strong_negation_lowers_the_positive_score(fast_model):
    pairs = [
        ("The film is wonderful.", "The film is not wonderful at all; it is a dull mess."),
        ("A funny and moving story.", "Not funny, and not moving in the least."),
    ]
    for positive, negated in pairs:
        p = fast_model.positive_proba([positive, negated])
        assert p[1] < p[0] - 0.2, (positive, negated, p)


def test_predict_cli_from_a_fresh_process(fast_run):
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "week12_transformer_sst2", "predict", *args],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    ok = cli("A masterpiece.", "--model-dir", str(fast_run[0] / "model"))
    assert ok.returncode == 0, ok.stderr
    label, probability, _ = ok.stdout.strip().split("\t")
    assert label in ("positive", "negative") and 0.5 <= float(probability) <= 1
    empty = cli("  ", "--model-dir", str(fast_run[0] / "model"))
    assert empty.returncode == 2 and "empty" in empty.stderr and "Traceback" not in empty.stderr
    missing = cli("fine", "--model-dir", str(fast_run[0] / "nowhere"))
    assert missing.returncode == 2 and "no trained model" in missing.stderr


def test_training_loop_is_reproducible_with_the_same_seed(tmp_path):
    """Same seed, same losses: checked on a tiny random model so it costs a second, not a full run."""
    import pandas as pd
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer = load_tokenizer()
    frame = pd.DataFrame(
        {"sentence": ["good fun", "a dull mess", "wonderful", "not worth it"] * 8, "label": [1, 0, 1, 0] * 8}
    )
    features = bert_sentiment.encode(tokenizer, frame)
    config = bert_sentiment.Config(train_size=None, holdout_size=0, probe_train_size=0, epochs=1, batch_size=8)

    def losses() -> list[float]:
        torch.manual_seed(0)
        model = BertForSequenceClassification(
            BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                       intermediate_size=32, num_labels=2)
        )  # fmt: skip
        return bert_sentiment.train_model(model, tokenizer, features, features[:8], config, seed=0)["losses"]

    first = losses()
    assert len(first) == 4 and first == losses()


def test_another_architecture_from_a_local_folder_runs_unchanged(tmp_path):
    """`--model <folder or hub name>` takes the same path as the default: a tiny random DistilBERT proves it
    (DistilBERT has no token_type_ids and names its layers differently from BERT)."""
    import torch
    from transformers import DistilBertConfig, DistilBertModel

    tokenizer = load_tokenizer()
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=16, n_layers=1, n_heads=2, hidden_dim=32)
    DistilBertModel(config).save_pretrained(tmp_path / "tiny")
    tokenizer.save_pretrained(tmp_path / "tiny")
    metrics = bert_sentiment.run(tmp_path / "out", fast=True, seed=0, model_name=str(tmp_path / "tiny"))
    assert metrics["base_model"] == str(tmp_path / "tiny") and 0 <= metrics["dev_accuracy"] <= 1
    assert (tmp_path / "out" / "attention_heatmap.png").is_file()
