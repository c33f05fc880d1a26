"""Load the saved week 11 model and predict sentiment: no training code, no gensim, no scikit-learn.

    from week11_lstm_imdb.inference import predict
    predict(["A gem of a film.", "A waste of time."])   # [(label, probability of that label), ...]

`load_model()` rebuilds the network from `config.json`, the weights from `model.safetensors` and the
vocabulary from `vocab.json`, as written by `lstm_sentiment.save_model`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import torch

from shared.errors import RoadmapError
from shared.results import outputs_dir
from week11_lstm_imdb.model import AttentionLSTM, ModelConfig
from week11_lstm_imdb.text import encode, load_vocab, pad_batch, tokenize

FILES = ("config.json", "vocab.json", "model.safetensors")


def default_model_dir() -> Path:
    return outputs_dir("week11_lstm_imdb") / "model"


class SentimentModel:
    """A trained model with its vocabulary; `predict(texts)` gives (label, probability of that label)."""

    def __init__(self, network: AttentionLSTM, index: dict[str, int], labels: list[str]) -> None:
        self.network, self.index, self.labels = network.eval(), index, labels

    @torch.no_grad()
    def predict(self, texts: list[str] | str) -> list[tuple[str, float]]:
        texts = check_texts(texts)
        ids, mask = pad_batch([encode(text, self.index, self.network.config.max_len) for text in texts])
        logits, _ = self.network(torch.tensor(ids), torch.tensor(mask))
        p_positive = torch.sigmoid(logits).tolist()
        return [(self.labels[1], p) if p >= 0.5 else (self.labels[0], 1.0 - p) for p in p_positive]


def check_texts(texts: list[str] | str) -> list[str]:
    """A single string or a list of strings, each with at least one word; anything else is a clear error."""
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, (list, tuple)) or not texts:
        raise RoadmapError("predict needs a non-empty list of texts (strings)")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise RoadmapError(f"text {i} is a {type(text).__name__}, not a string")
        if not any(token[0].isalnum() for token in tokenize(text)):
            raise RoadmapError(f"text {i} ({text!r}) has no words to read; give an English sentence")
    return list(texts)


def load_model(model_dir: Path | str | None = None) -> SentimentModel:
    """Load a model folder written by the training run (default: the full run's `outputs/.../model`)."""
    return _load(Path(model_dir or default_model_dir()).resolve())


@lru_cache(maxsize=4)
def _load(model_dir: Path) -> SentimentModel:
    from safetensors.torch import load_file

    missing = [name for name in FILES if not (model_dir / name).is_file()]
    if missing:
        raise RoadmapError(
            f"no trained model in {model_dir} (missing {', '.join(missing)}). Train one with "
            "`roadmap run week11` (or `roadmap run week11 --fast` and pass "
            "--model outputs/week11_lstm_imdb-fast/model)."
        )
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        index = load_vocab(model_dir / "vocab.json")
        network = AttentionLSTM(ModelConfig(**config["model"]))
        network.load_state_dict(load_file(model_dir / "model.safetensors"))
    except (ValueError, KeyError, TypeError, RuntimeError, OSError) as exc:
        raise RoadmapError(f"the model files in {model_dir} are damaged or from another version: {exc}") from None
    return SentimentModel(network, index, config["labels"])


def predict(texts: list[str] | str, model_dir: Path | str | None = None) -> list[tuple[str, float]]:
    """[(label, probability of that label), ...] for each text, with the saved model."""
    return load_model(model_dir).predict(texts)
