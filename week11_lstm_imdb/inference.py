"""Load the saved week 11 model and predict sentiment: no training code, no gensim.

    from week11_lstm_imdb.inference import load_model, predict
    model = load_model()                                   # outputs/week11_lstm_imdb/model/model.safetensors
    predict(model, ["A gem of a film.", "A waste of time."])   # [(label, probability of that label), ...]

The file pair is `model.safetensors` (the LSTM's weights, the n-gram weights, no pickle) and `model.json`
(its sidecar: the config that rebuilds the network, the vocabulary, labels, seed, versions, data hashes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from shared.errors import RoadmapError
from shared.paths import outputs_dir
from shared.text_input import check_texts
from shared.threads import torch_threads
from shared.torch_io import load_torch
from week11_lstm_imdb.data import length_bucketed_batches
from week11_lstm_imdb.linear import linear_proba, ngram_features
from week11_lstm_imdb.model import ModelConfig, SentimentEnsemble
from week11_lstm_imdb.text import PAD, UNK, encode, pad_batch

MAX_CHARS = 50_000  # the longest IMDB review has about 14,000 characters


def default_model_path() -> Path:
    return outputs_dir("week11_lstm_imdb") / "model" / "model.safetensors"


def build(config: dict) -> SentimentEnsemble:
    """The network a sidecar's `config` describes (weights still untrained)."""
    return SentimentEnsemble(ModelConfig(**config["lstm"]), n_features=int(config["n_features"]),
                             lstm_weight=float(config["lstm_weight"]))  # fmt: skip


def load_model(path: Path | str | None = None) -> SentimentEnsemble:
    """The model saved by a training run: a `.safetensors` file, or the folder holding `model.safetensors`.

    Default: the full run's model. Missing, truncated or mismatched files end in a RoadmapError that says
    what to do (exit code 2 on the command line), never a traceback.
    """
    path = Path(path) if path is not None else default_model_path()
    if path.is_dir():
        path = path / "model.safetensors"
    if not path.is_file():
        raise RoadmapError(
            f"no trained model at {path}. Train one with `roadmap run week11` (or `roadmap run week11 --fast` "
            "and pass --model outputs/week11_lstm_imdb-fast/model)."
        )
    model, sidecar = load_torch(path, build)
    vocab, labels = sidecar.get("vocab"), sidecar.get("labels")
    ngram_range, truncation = sidecar["config"].get("ngram_range"), sidecar["config"].get("truncation")
    if not (isinstance(vocab, list) and vocab[:2] == [PAD, UNK] and len(vocab) == model.lstm.config.vocab_size):
        raise RoadmapError(f"{path}: its sidecar has no vocabulary matching the weights; retrain to rewrite it")
    if not (isinstance(labels, list) and len(labels) == 2 and isinstance(ngram_range, list) and len(ngram_range) == 2
            and truncation in ("head", "tail", "head+tail")):  # fmt: skip
        raise RoadmapError(f"{path}: its sidecar lacks the labels, n-gram range or cut; retrain to rewrite it")
    model.index = {token: i for i, token in enumerate(vocab)}
    model.labels, model.ngram_range, model.truncation = labels, tuple(ngram_range), truncation
    return model


@torch.no_grad()
def predict_proba_texts(model: SentimentEnsemble, texts: list[str] | str) -> np.ndarray:
    """P(positive) for each text: w · P_lstm + (1 − w) · P_ngram, exactly as in training."""
    texts = check_texts(texts, max_chars=MAX_CHARS)
    ids = [encode(text, model.index, model.lstm.config.max_len, model.truncation) for text in texts]
    p_lstm = np.empty(len(ids))
    with torch_threads(1):  # as in training: the same arithmetic, so the same probabilities
        for rows in length_bucketed_batches(np.array([len(seq) for seq in ids]), batch_size=256):  # no padding
            padded, mask = pad_batch([ids[i] for i in rows])
            logits, _ = model.lstm(torch.tensor(padded), torch.tensor(mask))
            p_lstm[rows] = torch.sigmoid(logits).double().numpy()
    features = ngram_features(texts, ngram_range=model.ngram_range, n_features=model.ngram_weights.numel())
    p_ngram = linear_proba(features, model.ngram_weights.double().numpy(), float(model.ngram_bias))
    return model.lstm_weight * p_lstm + (1 - model.lstm_weight) * p_ngram


def predict(model: SentimentEnsemble, texts: list[str] | str) -> list[tuple[str, float]]:
    """[(label, probability of that label), ...], one per text (a single string is one text)."""
    negative, positive = model.labels
    return [(positive, float(p)) if p >= 0.5 else (negative, float(1 - p)) for p in predict_proba_texts(model, texts)]
