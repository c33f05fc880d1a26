"""Load the saved week 12 model and classify sentences: no training code, no data set.

    from week12_transformer_sst2.inference import load_model, predict
    model = load_model()                                     # outputs/week12_transformer_sst2/model/
    predict(model, ["A gripping, funny film.", "Two hours I will never get back."])
    # [('positive', 0.99...), ('negative', 0.99...)]: (label, probability of that label) per text

Week 14 serves these two functions. The model folder holds `model.safetensors` (the weights, no pickle),
`model.json` (its sidecar: the transformer config that rebuilds the network, labels, seed, versions, data
hashes; `shared.torch_io`) and the tokenizer's files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shared.errors import RoadmapError
from shared.paths import outputs_dir
from shared.text_input import check_texts
from shared.torch_io import load_torch

MAX_CHARS = 5_000  # a sentence classifier: longer input is almost certainly a mistake
MAX_TOKENS = 128  # the tokenizer truncates beyond this (SST-2 sentences are at most ~70 tokens)


@dataclass
class SentimentModel:
    """A sequence classifier and its tokenizer: everything needed to score sentences."""

    network: Any  # a transformers *ForSequenceClassification model
    tokenizer: Any
    labels: list[str] = field(default_factory=lambda: ["negative", "positive"])


def default_model_dir() -> Path:
    return outputs_dir("week12_transformer_sst2") / "model"


def build(config: dict):
    """The (untrained) network a sidecar's `config` describes: a transformers config as a dict."""
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = dict(config)
    model_type = config.pop("model_type", None)
    if not isinstance(model_type, str):
        raise ValueError("the config names no model_type")
    return AutoModelForSequenceClassification.from_config(AutoConfig.for_model(model_type, **config))


def load_model(path: Path | str | None = None) -> SentimentModel:
    """The model saved by a run: its folder, or the `model.safetensors` in it (default: the full run's).

    Missing, truncated or mismatched files end in a RoadmapError that says what to do (exit code 2 on the
    command line), never a library traceback.
    """
    folder = Path(path) if path is not None else default_model_dir()
    if folder.suffix == ".safetensors":
        folder = folder.parent
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise RoadmapError(
            f"no trained model in {folder}. Train one with `roadmap run week12` (or `roadmap run week12 --fast` "
            "and pass --model-dir outputs/week12_transformer_sst2-fast/model)."
        )
    network, sidecar = load_torch(weights, build)
    labels = sidecar.get("labels")
    if not (isinstance(labels, list) and len(labels) == 2 and all(isinstance(x, str) for x in labels)):
        raise RoadmapError(f"{folder}: its sidecar has no two labels; retrain to rewrite it")
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - tokenizers raises bare Exceptions for damaged files
        raise RoadmapError(f"{folder}: the tokenizer files are missing or damaged ({exc}); retrain") from None
    return SentimentModel(network, tokenizer, labels)


def positive_proba(model: SentimentModel, texts: str | list[str], batch_size: int = 64) -> np.ndarray:
    """P(positive) for each text. Similar lengths are batched together so padding stays small.

    The padding mask makes each text's score independent of the others in its batch (a test checks it).
    """
    import torch

    texts = check_texts(texts, max_chars=MAX_CHARS)
    network = model.network.eval()
    order = np.argsort([len(t) for t in texts], kind="stable")
    probs = np.zeros(len(texts))
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            batch = model.tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            ).to(next(network.parameters()).device)
            batch.pop("token_type_ids", None)  # one sentence: all zeros; DistilBERT has none
            probs[idx] = network(**batch).logits.float().softmax(-1)[:, 1].cpu().numpy()
    return probs


def predict(model: SentimentModel, texts: str | list[str]) -> list[tuple[str, float]]:
    """[(label, probability of that label), ...], one per text (a single string is one text)."""
    negative, positive = model.labels
    return [(positive, float(p)) if p >= 0.5 else (negative, float(1 - p)) for p in positive_proba(model, texts)]
