"""The model behind the API: week 12's model, loaded through week 12's public `load_model()` / `predict()` only.

Two of the speed tricks live here, applied once at start-up:
- **dynamic INT8 quantisation** of the Linear layers (`torch.ao.quantization.quantize_dynamic`): weights stored as
  8-bit integers, activations quantised on the fly; most of a small transformer's time is in those matrix
  products. The benchmark measures its dev accuracy against fp32 (it must stay within 0.5 point).
- **a thread budget**: one intra-op thread per worker. On 2 cores, two threads per forward pass mostly wait for each
  other (and for whatever else runs on the machine); one thread per worker, one worker per core scales better.
The third, micro-batching, is `batching.py`.
"""

from __future__ import annotations

import copy
import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from week12_transformer_sst2.inference import MAX_CHARS, default_model_dir, load_model, predict

__all__ = ["MAX_CHARS", "ServedModel", "load_served_model", "quantise"]


@dataclass
class ServedModel:
    model: Any  # week 12's SentimentModel (fp32 or INT8 network)
    version: str  # e.g. "week12-3f2a9c1d04be-int8": the weights' sha256 prefix, so a log line names exact weights
    quantized: bool
    torch_threads: int

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """week 12's predict: [(label, probability of that label), ...]."""
        return predict(self.model, texts)


def quantise(model: Any) -> Any:
    """A copy of week 12's model with its Linear layers dynamically quantised to INT8 (CPU only)."""
    import torch

    with warnings.catch_warnings():
        # torch 2.13 deprecates torch.ao.quantization in favour of the separate torchao package; the eager API
        # still works and needs no extra dependency.
        warnings.filterwarnings("ignore", category=UserWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        network = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model.network).cpu(), {torch.nn.Linear})
    return type(model)(network=network, tokenizer=model.tokenizer, labels=list(model.labels))


def weights_digest(model_dir: Path) -> str:
    digest = hashlib.sha256()
    with open(model_dir / "model.safetensors", "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def load_served_model(
    model_dir: Path | str | None = None, *, quantized: bool = True, torch_threads: int = 1
) -> ServedModel:
    """Load, optionally quantise, set the thread budget (0: PyTorch's default) and warm up.

    `torch.set_num_threads` is process-wide on purpose here: a server process does nothing else.
    """
    import torch

    folder = Path(model_dir) if model_dir else default_model_dir()
    if folder.suffix == ".safetensors":
        folder = folder.parent
    model = load_model(folder)  # a RoadmapError with what to do if the folder holds no model
    if quantized:
        model = quantise(model)
    if torch_threads > 0:
        torch.set_num_threads(torch_threads)
    version = f"week12-{weights_digest(folder)}" + ("-int8" if quantized else "-fp32")
    served = ServedModel(model, version, quantized, torch.get_num_threads())
    served.predict(["A warm-up sentence, so the first real request does not pay for lazy initialisation."])
    return served
