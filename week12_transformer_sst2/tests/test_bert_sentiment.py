"""Week 12 tests.

Tiers: unit (validation split without shared text, tokenizer round trip, model resolution, the input contract,
damaged model files, the bias probe), smoke (one fast run through the shared runner: artefacts, templates,
same seed → same metrics), and behaviour of the fast model (held-out accuracy well above chance, clearly positive
above clearly negative, "not" lowers the score, a text's score does not depend on its batch), plus the CLI from a
fresh process. The contract and file tests use a tiny random BERT saved the way a run saves its model, so they
cost a second each.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from shared.errors import DataError, RoadmapError
from shared.runner import run_week
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.weeks import find_week
from week12_transformer_sst2 import bert_sentiment, bias_probe
from week12_transformer_sst2.data import validation_split
from week12_transformer_sst2.inference import SentimentModel, load_model, positive_proba, predict
from week12_transformer_sst2.pretrained import DEFAULT_MODEL, LABELS, load_tokenizer, resolve

WEEK = find_week("week12")
MODULE = "week12_transformer_sst2"
POSITIVE = ["An utterly charming film with a wonderful cast.", "A gripping, funny and moving story.",
            "One of the best films of the year."]  # fmt: skip
NEGATIVE = ["A dull, lifeless mess of a movie.", "Boring, predictable and far too long.",
            "One of the worst films of the year."]  # fmt: skip


def comparable(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if not k.endswith("_s")}


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory) -> dict:
    return run_week(WEEK, fast=True, seed=0, out_dir=tmp_path_factory.mktemp("week12") / "run")


@pytest.fixture(scope="module")
def fast_model(fast_run) -> SentimentModel:
    return load_model(fast_run["out_dir"] + "/model")


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """A 1-layer random BERT saved exactly as a run saves its model (weights, sidecar, tokenizer)."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from shared.torch_io import save_torch

    folder = tmp_path_factory.mktemp("tiny") / "model"
    tokenizer = load_tokenizer()
    torch.manual_seed(0)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=2)  # fmt: skip
    network = BertForSequenceClassification(config)
    tokenizer.save_pretrained(folder)
    save_torch(network, folder / "model.safetensors", config=network.config.to_dict(), seed=0, labels=LABELS)
    return folder


# ---------------------------------------------------------------- unit
def test_validation_split_shares_no_text_with_the_rows_that_choose_the_lr():
    sentences = ["a gripping , funny film", "gripping , funny", "funny", "a dull and lifeless mess", "dull",
                 "the plot is a dull and lifeless mess , sadly", "a warm story", "warm"]  # fmt: skip
    train = pd.DataFrame({"sentence": sentences, "label": [1, 1, 1, 0, 0, 0, 1, 1]})
    rest, val = validation_split(train, size=1, min_words=5, seed=0)
    assert len(val) == 1 and len(val["sentence"].iloc[0].split()) >= 5
    held = val["sentence"].iloc[0]
    for row in rest["sentence"]:  # no phrase of the held-out sentence, and no row containing it
        assert f" {row} " not in f" {held} " and f" {held} " not in f" {row} ", (row, held)
    assert "a warm story" in set(rest["sentence"])  # unrelated rows stay
    if held == "a dull and lifeless mess":
        assert "the plot is a dull and lifeless mess , sadly" not in set(rest["sentence"])


def test_validation_split_on_sst2_is_leak_free_and_seeded():
    from shared.data import load_sst2

    train = load_sst2("train").iloc[:8000]
    rest, val = validation_split(train, size=100, min_words=10, seed=3)
    again, val_again = validation_split(train, size=100, min_words=10, seed=3)
    assert val["sentence"].tolist() == val_again["sentence"].tolist() and len(rest) == len(again)
    held = [f" {s} " for s in val["sentence"]]
    assert not any(f" {r} " in h or h in f" {r} " for r in rest["sentence"] for h in held)
    assert len(rest) < len(train) - len(val)  # SST-2 does hold phrases of the validation sentences


def test_default_model_resolves_to_packaged_folder_read_offline():
    from pathlib import Path

    source, local_only = resolve(DEFAULT_MODEL)
    assert local_only and (Path(source) / "model.safetensors").is_file()
    assert resolve("distilbert-base-uncased") == ("distilbert-base-uncased", False)  # hub names pass through


def test_tokeniser_round_trip():
    tokenizer = load_tokenizer()
    text = "a gripping, funny and unpretentious film."
    ids = tokenizer(text)["input_ids"]
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == text  # uncased model: lower-case text survives


@pytest.mark.parametrize(
    ("bad", "message"),
    [(None, "NoneType"), (5, "int"), ([], "no texts"), ("   ", "text 1 is empty"), (["ok", ""], "text 2 is empty"),
     (["ok", 3], "text 2 is a int"), ("x" * 6000, "text 1 has 6,000 characters"),
     (["ok", "caf\udce9"], "text 2 is not valid UTF-8")],
)  # fmt: skip
def test_predict_rejects_bad_input_with_a_data_error(tiny_model_dir, bad, message):
    with pytest.raises(DataError, match=message):
        predict(load_model(tiny_model_dir), bad)


def test_saved_model_round_trips_and_predict_returns_label_and_its_probability(tiny_model_dir):
    model = load_model(tiny_model_dir / "model.safetensors")  # the file or its folder
    p = positive_proba(model, ["good", "bad"])
    results = predict(model, ["good", "bad"])
    assert [label for label, _ in results] == ["positive" if x >= 0.5 else "negative" for x in p]
    assert [prob for _, prob in results] == pytest.approx([max(x, 1 - x) for x in p])


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RoadmapError, match="no trained model"):
        load_model(tmp_path)


@pytest.mark.parametrize("damage", ["truncated weights", "garbage tokenizer", "no sidecar", "wrong config"])
def test_damaged_model_files_end_in_a_clear_error(tiny_model_dir, tmp_path, damage):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    if damage == "truncated weights":
        data = (folder / "model.safetensors").read_bytes()
        (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    elif damage == "garbage tokenizer":
        (folder / "tokenizer.json").write_text("{not json")
    elif damage == "no sidecar":
        (folder / "model.json").unlink()
    else:
        sidecar = json.loads((folder / "model.json").read_text())
        sidecar["config"]["hidden_size"] = 32
        (folder / "model.json").write_text(json.dumps(sidecar))
    with pytest.raises(RoadmapError, match=str(folder)):
        load_model(folder)
    if damage == "truncated weights":  # and the same from the command line: a message, exit 2
        assert_user_error(run_cli(MODULE, "predict", "fine", "--model-dir", str(folder)), "not a readable safetensors")


def test_cli_rejects_non_utf8_files_and_empty_texts(tiny_model_dir, tmp_path):
    latin1 = tmp_path / "reviews.txt"
    latin1.write_bytes("un film très réussi\n".encode("latin-1"))
    assert_user_error(run_cli(MODULE, "predict", "--file", str(latin1), "--model-dir", str(tiny_model_dir)),
                      "not UTF-8")  # fmt: skip
    assert_user_error(run_cli(MODULE, "predict", "  ", "--model-dir", str(tiny_model_dir)), "text 1 is empty")
    not_utf8 = os.fsdecode(b"caf\xe9 is great")  # a non-UTF-8 command-line argument, as Python receives it
    assert_user_error(run_cli(MODULE, "predict", not_utf8, "--model-dir", str(tiny_model_dir)), "not valid UTF-8")
    assert_user_error(run_cli(MODULE, "predict", "fine", "--model-dir", str(tmp_path / "nowhere")), "no trained model")


def test_counterfactual_probe_on_a_tiny_random_model(tiny_model_dir):
    model = load_model(tiny_model_dir)
    probe = bias_probe.counterfactual_probe(lambda texts: positive_proba(model, texts))
    assert len(probe) == sum(len(t) for t in bias_probe.TEMPLATES.values())
    assert (probe["spread"] > 0).all()  # a random model is not exactly invariant to the term
    groups = bias_probe.by_group(probe)
    assert list(groups["group"]) == list(bias_probe.TEMPLATES)
    assert groups["worst_spread"].tolist() == probe.groupby("group", sort=False)["spread"].max().tolist()


def test_fill_capitalises_only_at_sentence_start():
    assert bias_probe.fill("{x} directed this film.", ["she"]) == ["She directed this film."]
    assert bias_probe.fill("The director is {x}.", ["atheist"]) == ["The director is atheist."]


# ---------------------------------------------------------------- smoke: one fast run through the runner
def test_fast_run_writes_model_tables_figures_and_card(fast_run):
    from pathlib import Path

    out = Path(fast_run["out_dir"])
    for name in ("training_curve.png", "attention_heatmap.png", "MODEL_CARD.md", "metrics.json",
                 "model/model.safetensors", "model/model.json", "model/tokenizer.json",
                 "tables/lr_sweep.csv", "tables/bias_by_group.csv"):  # fmt: skip
        assert (out / name).is_file(), name
    sidecar = json.loads((out / "model/model.json").read_text())
    assert sidecar["seed"] == 0 and set(sidecar["data_sha256"]) == {"sst2_train", "sst2_dev"}
    assert sidecar["labels"] == LABELS and sidecar["training"]["epochs"] == bert_sentiment.FAST.epochs
    card = (out / "MODEL_CARD.md").read_text()
    assert "cannot show" in card and "| nationality |" in card


def test_lr_sweep_picks_the_best_validation_accuracy(fast_run):
    from shared.metrics_io import read_table

    sweep = read_table(fast_run["out_dir"], "lr_sweep")
    assert sweep["lr"].tolist() == list(bert_sentiment.FAST.sweep_lrs)
    assert sweep["chosen"].sum() == 1
    chosen = sweep[sweep["chosen"]].iloc[0]
    assert chosen["val_accuracy"] == sweep["val_accuracy"].max()
    assert fast_run["metrics"]["chosen_lr"] == chosen["lr"]


def test_results_template_renders_from_the_run(fast_run):
    from shared.metrics_io import read_metrics, read_table

    record = read_metrics(fast_run["out_dir"])
    tables = {name: read_table(fast_run["out_dir"], name) for name in record["tables"]}
    text = render(WEEK.folder / "templates" / "results.md", m=record["metrics"], tables=tables, run=record)
    assert "(chosen)" in text and "INT8" in text and "95% CI" in text


@pytest.mark.slow  # a second whole fast run (~2 min on 2 cores): `make test-slow`; the test below is its quick twin
def test_same_seed_gives_identical_metrics(fast_run, tmp_path):
    again = run_week(WEEK, fast=True, seed=0, out_dir=tmp_path / "again")
    assert comparable(again["metrics"]) == comparable(fast_run["metrics"])


def test_same_seed_fine_tunes_to_identical_weights():
    """The training loop alone, twice with one seed (after other code drew random numbers): the same losses and
    the same weights, bit for bit — what makes the whole run's metrics repeat."""
    import dataclasses

    import torch

    from shared.data.loaders import load_sst2
    from week12_transformer_sst2.data import encode
    from week12_transformer_sst2.pretrained import load_tokenizer

    config = dataclasses.replace(bert_sentiment.FAST, batch_size=16)
    tokenizer = load_tokenizer(config.model_name)
    features = encode(tokenizer, load_sst2("train").head(48))
    runs = []
    for disturb in (3, 11):
        torch.rand(disturb)  # other code's draws must not matter
        model = bert_sentiment.new_classifier(config, seed=0)
        losses = bert_sentiment.fine_tune(model, tokenizer, features, lr=1e-4, epochs=1, config=config, seed=0)
        runs.append((losses, model.classifier.weight.detach().clone()))
    assert len(runs[0][0]) == 3 and runs[0][0] == runs[1][0]
    assert torch.equal(runs[0][1], runs[1][1])


# ---------------------------------------------------------------- behaviour of the fast model
def test_fast_run_is_well_above_chance_and_the_zero_shot_baseline(fast_run):
    metrics = fast_run["metrics"]
    assert metrics["dev_accuracy"] >= 0.75  # chance is 0.51 (444 of 872 positive)
    assert metrics["dev_accuracy"] > metrics["zero_shot_accuracy"]
    assert metrics["int8_dev_accuracy"] >= metrics["dev_accuracy"] - 0.05


def test_clearly_positive_sentences_score_above_clearly_negative_ones(fast_model):
    p = positive_proba(fast_model, POSITIVE + NEGATIVE)
    assert p[: len(POSITIVE)].min() > p[len(POSITIVE) :].max(), p
    assert [label for label, _ in predict(fast_model, POSITIVE + NEGATIVE)] == ["positive"] * 3 + ["negative"] * 3


def test_not_lowers_the_positive_score(fast_model):
    pairs = [("The film is wonderful.", "The film is not wonderful at all; it is a dull mess."),
             ("A funny and moving story.", "Not funny, and not moving in the least.")]  # fmt: skip
    for positive, negated in pairs:
        p = positive_proba(fast_model, [positive, negated])
        assert p[1] < p[0] - 0.2, (positive, negated, p)


def test_a_texts_score_does_not_depend_on_its_batch(fast_model):
    batch = POSITIVE + NEGATIVE + ["An okay film, I suppose, though the second half drags on and on and on."]
    together = positive_proba(fast_model, batch)
    alone = [positive_proba(fast_model, text)[0] for text in batch]
    assert together == pytest.approx(alone, abs=1e-5)


def test_predict_cli_from_a_fresh_process(fast_run, tmp_path):
    texts = tmp_path / "reviews.txt"
    texts.write_text("A masterpiece.\n\nA waste of two hours.\n", encoding="utf-8")
    done = run_cli(MODULE, "predict", "Wonderful!", "--file", str(texts), "--model-dir", fast_run["out_dir"] + "/model")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.strip().splitlines()]
    assert [r[2] for r in rows] == ["Wonderful!", "A masterpiece.", "A waste of two hours."]
    assert all(0.5 <= float(r[1]) <= 1 for r in rows)


def test_train_command_runs_another_architecture_through_the_runner(tmp_path):
    """`train --model <folder or hub name>` takes the same path as the default: a tiny random DistilBERT proves
    it (no token_type_ids, other layer names), and the run leaves metrics and a model but never the README."""
    import torch
    from transformers import DistilBertConfig, DistilBertModel

    tokenizer = load_tokenizer()
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=16, n_layers=1, n_heads=2, hidden_dim=32)
    DistilBertModel(config).save_pretrained(tmp_path / "tiny")
    tokenizer.save_pretrained(tmp_path / "tiny")
    readme = (WEEK.folder / "README.md").read_text()
    done = run_cli(MODULE, "train", "--model", str(tmp_path / "tiny"), "--fast", "--out", str(tmp_path / "out"),
                   timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert record["metrics"]["base_model"] == str(tmp_path / "tiny") and record["mode"] == "fast"
    assert load_model(tmp_path / "out" / "model").network.config.model_type == "distilbert"
    assert (WEEK.folder / "README.md").read_text() == readme
