"""Load the saved week 12 model and classify sentences.

This module imports no training code on purpose: week 14 serves the model through `load_model()` /
`predict()`, and a server should not need the data set or the training loop to answer a request.
The model folder is whatever `save_pretrained` wrote (safetensors weights + tokenizer files).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from shared.errors import RoadmapError
from shared.results import outputs_dir

DEFAULT_MODEL_DIR = outputs_dir("week12_transformer_sst2") / "model"
MAX_LENGTH = 128
MAX_TEXT_CHARS = 5_000  # a sentence classifier; longer input is almost certainly a mistake


def check_texts(texts: str | Sequence[str]) -> list[str]:
    """Accept one string or a list of strings; reject what the model cannot meaningfully classify."""
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts:
        raise RoadmapError("no text given: pass at least one sentence to classify")
    for i, text in enumerate(texts, start=1):
        if not isinstance(text, str):
            raise RoadmapError(f"text {i} is a {type(text).__name__}, not a string")
        if not text.strip():
            raise RoadmapError(f"text {i} is empty: pass a sentence such as 'a gripping, funny film'")
        if len(text) > MAX_TEXT_CHARS:
            raise RoadmapError(
                f"text {i} has {len(text)} characters; this model classifies sentences (<= {MAX_TEXT_CHARS})"
            )
    return texts


class SentimentModel:
    """A fine-tuned sequence classifier and its tokenizer, ready to score sentences."""

    def __init__(self, model, tokenizer):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.positive_index = int(model.config.label2id.get("positive", 1))

    def positive_proba(self, texts: str | Sequence[str], batch_size: int = 64) -> np.ndarray:
        """P(positive) for each text. Shortest texts are batched together to keep padding small."""
        import torch

        texts = check_texts(texts)
        device = next(self.model.parameters()).device
        order = np.argsort([len(t) for t in texts], kind="stable")
        probs = np.zeros(len(texts))
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                idx = order[start : start + batch_size]
                batch = self.tokenizer(
                    [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
                ).to(device)
                logits = self.model(**batch).logits.float()
                probs[idx] = logits.softmax(-1)[:, self.positive_index].cpu().numpy()
        return probs

    def predict(self, texts: str | Sequence[str]) -> list[tuple[str, float]]:
        """(label, probability of that label) for each text."""
        return [("positive", float(p)) if p >= 0.5 else ("negative", float(1 - p)) for p in self.positive_proba(texts)]


def load_model(path: Path | str | None = None) -> SentimentModel:
    """Load a folder written by `save_pretrained` (default: the full run's `outputs/.../model`)."""
    from shared.device import get_device

    path = Path(path) if path else DEFAULT_MODEL_DIR
    if not (path / "config.json").is_file():
        raise RoadmapError(
            f"no trained model in {path}: train one with `roadmap run week12` (or `--fast` for a quick one, "
            "then pass --model-dir outputs/week12_transformer_sst2-fast/model)"
        )
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise RoadmapError(
            f"{path} is not a readable model folder ({exc}); retrain or point to another folder"
        ) from None
    return SentimentModel(model.to(get_device()), tokenizer)


@functools.lru_cache(maxsize=2)
def _cached(path: str | None) -> SentimentModel:
    return load_model(path)


def predict(texts: str | Sequence[str], model_dir: Path | str | None = None) -> list[tuple[str, float]]:
    """Classify texts with the saved model (loaded once per folder and kept for later calls)."""
    texts = check_texts(texts)  # fail on bad input before paying for the model load
    return _cached(str(model_dir) if model_dir else None).predict(texts)
