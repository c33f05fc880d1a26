"""The two candidate models, each chosen on validation: a TF-IDF + logistic-regression baseline and the small
transformer fine-tuned with week 12's training loop.

- **Baseline**: word 1-2-grams, sublinear TF-IDF, multinomial logistic regression; `C` is compared on validation.
- **Transformer**: all-MiniLM-L6-v2 (packaged offline) with a fresh 4-way head, trained by week 12's `fine_tune`
  (AdamW, linear warm-up/decay, length-grouped batches: `week12_transformer_sst2.bert_sentiment.fine_tune`) for a
  FIXED number of epochs over a fixed number of rows: the budget is set in `Config`, never by a clock. Validation
  is scored after every epoch and the best epoch's weights are kept (the epoch count is chosen on validation).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from week16_pipeline.inference import LABELS, MAX_TOKENS, TransformerModel, predict_proba


def texts_of(frame: pd.DataFrame) -> list[str]:
    """What the model reads: the headline and the description, as a scraped article shows them."""
    return (frame["title"].str.strip() + ". " + frame["description"].str.strip()).tolist()


def accuracy(model, frame: pd.DataFrame) -> float:
    return float(np.mean(predict_proba(model, texts_of(frame)).argmax(1) == frame["label_id"].to_numpy()))


# ---------------------------------------------------------------- baseline
def make_baseline(C: float, seed: int) -> Pipeline:
    return Pipeline([
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, strip_accents="unicode")),
        ("logreg", LogisticRegression(C=C, max_iter=2000, random_state=seed)),
    ])  # fmt: skip


def fit_baseline(
    train: pd.DataFrame, val: pd.DataFrame, Cs: tuple[float, ...], seed: int
) -> tuple[Pipeline, pd.DataFrame]:
    """Fit one pipeline per C on train, score each on validation; return the best (refit not needed) and the table."""
    rows, best = [], None
    for C in Cs:
        model = make_baseline(C, seed).fit(texts_of(train), train["label_id"])
        rows.append({"model": "tfidf-logreg", "setting": f"C={C:g}", "val_accuracy": accuracy(model, val)})
        if best is None or rows[-1]["val_accuracy"] > best[0]:
            best = (rows[-1]["val_accuracy"], model)
    return best[1], pd.DataFrame(rows)


# ---------------------------------------------------------------- transformer (week 12's loop)
def encode(tokenizer, frame: pd.DataFrame) -> list[dict]:
    """Unpadded token ids + label per article (week 12's `encode` reads an SST-2 `sentence` column; ours differ)."""
    enc = tokenizer(texts_of(frame), truncation=True, max_length=MAX_TOKENS)
    return [
        {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": int(y)}
        for i, y in enumerate(frame["label_id"])
    ]


def fine_tune_transformer(
    train: pd.DataFrame, val: pd.DataFrame, config, seed: int
) -> tuple[TransformerModel, list[float], pd.DataFrame]:
    """Fine-tune all-MiniLM-L6-v2 with a 4-way head on `config.transformer_rows` training rows for
    `config.transformer_epochs` epochs at `config.transformer_lr`, scoring validation after every epoch.

    Returns the weights of the epoch that scored best on validation (early stopping: the number of epochs is a
    choice, so validation makes it; ties go to the earlier epoch), the per-step losses, and one row per epoch."""
    import copy

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from week12_transformer_sst2.bert_sentiment import fine_tune
    from week12_transformer_sst2.pretrained import resolve

    source, local_only = resolve(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local_only)
    torch.manual_seed(seed)  # the new head's initial weights and the dropout masks
    network = AutoModelForSequenceClassification.from_pretrained(
        source, local_files_only=local_only, use_safetensors=True, num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)},
    )  # fmt: skip
    rows = train if config.transformer_rows is None else train.sample(n=min(config.transformer_rows, len(train)),
                                                                      random_state=seed)  # fmt: skip
    model = TransformerModel(network, tokenizer, list(LABELS))
    epochs, best = [], {"val_accuracy": -1.0}

    def score_epoch(epoch: int) -> None:
        network.eval()
        epochs.append({"epoch": epoch, "val_accuracy": accuracy(model, val)})
        if epochs[-1]["val_accuracy"] > best["val_accuracy"]:
            best.update(epochs[-1], weights=copy.deepcopy(network.state_dict()))

    losses = fine_tune(network, tokenizer, encode(tokenizer, rows), lr=config.transformer_lr,
                       epochs=config.transformer_epochs, config=config, seed=seed,
                       on_epoch_end=score_epoch)  # fmt: skip
    network.load_state_dict(best["weights"])
    table = pd.DataFrame(epochs).assign(chosen=lambda t: t["epoch"] == best["epoch"])
    return TransformerModel(network.eval(), tokenizer, list(LABELS)), losses, table


def save_transformer(model: TransformerModel, folder: Path, *, seed: int, datasets, **extra) -> Path:
    from shared.torch_io import save_torch

    model.tokenizer.save_pretrained(folder)
    return save_torch(model.network, folder / "model.safetensors", config=model.network.config.to_dict(), seed=seed,
                      datasets=datasets, labels=model.labels, **extra)  # fmt: skip


def save_baseline(model: Pipeline, folder: Path, *, seed: int, datasets, **extra) -> Path:
    from shared.sklearn_io import save_model

    return save_model(model, folder / "model.skops", {"seed": seed, "datasets": list(datasets), "labels": LABELS,
                                                       **extra})  # fmt: skip
