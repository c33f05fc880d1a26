"""Load the week 16 news model and classify articles: the ONE `predict` of this unit (the service, the monitor and
the CLI all call it).

    from week16_pipeline.inference import load_model, predict
    model = load_model("outputs/week16_pipeline/champion")
    predict(model, ["Stocks fall as oil hits a record high"])   # [('Business', 0.93)]

A model folder holds either `model.skops` (the TF-IDF + logistic-regression baseline, skops + sidecar: no pickle)
or `model.safetensors` + the tokenizer's files (the fine-tuned transformer, `shared.torch_io`); whichever won on
validation is the champion. Both answer through `predict_proba`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from shared.errors import RoadmapError
from shared.sidecar import read_sidecar
from shared.text_input import check_texts

LABELS = ["World", "Sports", "Business", "Sci/Tech"]  # AG News classes.txt, ids 0-3
MAX_CHARS = 50_000  # a news article: BBC News full texts run to ~25k characters; the limit stops abuse, not articles
MAX_TOKENS = 128  # the transformer reads the first 128 tokens (AG News items: ~54 on average)
SKOPS_TRUSTED = ["sklearn.pipeline.Pipeline", "sklearn.feature_extraction.text.TfidfVectorizer",
                 "sklearn.linear_model._logistic.LogisticRegression"]  # fmt: skip


@dataclass
class TransformerModel:
    network: Any  # a transformers *ForSequenceClassification
    tokenizer: Any
    labels: list[str]


def load_model(path: Path | str) -> Any:
    """A fitted scikit-learn pipeline or a TransformerModel, from a model folder (see the module docstring)."""
    folder = Path(path)
    if (folder / "model.skops").is_file():
        from shared.sklearn_io import load_model as load_skops

        return load_skops(folder / "model.skops", extra_trusted=SKOPS_TRUSTED)
    if (folder / "model.safetensors").is_file():
        from transformers import AutoTokenizer

        from shared.torch_io import load_torch
        from week12_transformer_sst2.inference import build  # week 12's public builder: config dict → network

        network, sidecar = load_torch(folder / "model.safetensors", build)
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - tokenizers raises bare Exceptions for damaged files
            raise RoadmapError(f"{folder}: the tokenizer files are missing or damaged ({exc}); retrain") from None
        return TransformerModel(network, tokenizer, list(sidecar.get("labels", LABELS)))
    raise RoadmapError(f"no news model in {folder}; run `roadmap run week16` (or --fast) first")


def model_kind(model: Any) -> str:
    return "transformer" if isinstance(model, TransformerModel) else "tfidf-logreg"


def model_sidecar(folder: Path | str) -> dict[str, Any]:
    folder = Path(folder)
    weights = folder / "model.skops" if (folder / "model.skops").is_file() else folder / "model.safetensors"
    return read_sidecar(weights)


def predict_proba(model: Any, texts: str | list[str], batch_size: int = 64) -> np.ndarray:
    """Class probabilities, one row per text, columns in LABELS order. Each row is independent of the batch."""
    texts = check_texts(texts, max_chars=MAX_CHARS)
    if not isinstance(model, TransformerModel):
        return model.predict_proba(texts)
    import torch

    network = model.network.eval()
    order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths together: less padding
    probs = np.zeros((len(texts), len(model.labels)))
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            batch = model.tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )
            batch.pop("token_type_ids", None)
            probs[idx] = network(**batch).logits.float().softmax(-1).numpy()
    return probs


def predict(model: Any, texts: str | list[str]) -> list[tuple[str, float]]:
    """[(label, probability of that label), ...], one per text (a single string is one text)."""
    probs = predict_proba(model, texts)
    return [(LABELS[i], float(p[i])) for i, p in zip(probs.argmax(1), probs, strict=True)]
