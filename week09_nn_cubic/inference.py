"""Load the saved week-9 network and predict f(x) ≈ x³: the one `predict` of this unit.

    from week09_nn_cubic.inference import load_model, predict
    model = load_model()              # outputs/week09_nn_cubic/model.safetensors (+ model.json)
    predict(model, [0.5, 1.5])        # array([0.125..., 3.37...])

The file pair is `model.safetensors` (weights only: loading it can never run code) and `model.json` (its
sidecar, `shared.torch_io`: the hidden size that rebuilds the network, seed, versions, metrics, the input
range). `predict` refuses what is not a finite number and warns, without failing, about inputs outside the
training range [-2, 2]: there the network has seen no data and its answer flattens out while x³ keeps growing.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from shared.errors import DataError, RoadmapError
from shared.paths import outputs_dir
from shared.torch_io import load_torch
from week09_nn_cubic.model import MLP, X_RANGE

MODEL_FILE = "model.safetensors"


class OutOfRangeWarning(UserWarning):
    """An input outside the training range: the prediction is an extrapolation."""


def default_model_path() -> Path:
    """Where a full run (`roadmap run week09`) saves the model."""
    return outputs_dir("week09_nn_cubic") / MODEL_FILE


def build(config: dict[str, Any]) -> MLP:
    """The (untrained) network a sidecar's `config` describes."""
    return MLP(hidden=int(config["hidden"]))


def load_model(path: Path | str | None = None) -> MLP:
    """The trained network in eval mode; a missing or damaged file is a RoadmapError (exit 2 on the command line)."""
    path = Path(path) if path is not None else default_model_path()
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.is_file():
        raise RoadmapError(
            f"no trained model at {path}. Train one with `roadmap run week09` (or `roadmap run week09 --fast` "
            "and pass --model outputs/week09_nn_cubic-fast/model.safetensors)."
        )
    model, _ = load_torch(path, build)
    return model


def check_inputs(x: Sequence[float] | np.ndarray | torch.Tensor) -> np.ndarray:
    """The inputs as a 1-D float array, or a DataError naming the first value that is not a finite number."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if isinstance(x, (str, bytes)) or np.ndim(x) == 0:
        raise DataError(f"predict needs a list of numbers, got {type(x).__name__} {x!r}")
    values = np.asarray(x, dtype=object).reshape(-1)
    if values.size == 0:
        raise DataError("predict needs at least one number")
    out = np.empty(values.size, dtype="float64")
    for i, value in enumerate(values):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise DataError(f"input {i + 1} is {value!r}, not a number")
        if not np.isfinite(value):
            raise DataError(f"input {i + 1} is {value!r}; predict needs finite numbers")
        out[i] = float(value)
    return out


@torch.no_grad()
def predict(model: MLP, x: Sequence[float] | np.ndarray | torch.Tensor) -> np.ndarray:
    """The network's f(x) for every input value, as a 1-D float array (one value per input, batch-independent)."""
    values = check_inputs(x)
    low, high = X_RANGE
    outside = (values < low) | (values > high)
    if outside.any():
        warnings.warn(
            f"{int(outside.sum())} input(s) outside the training range [{low:g}, {high:g}] (first: "
            f"{values[outside][0]:g}); the network extrapolates there and flattens out",
            OutOfRangeWarning,
            stacklevel=2,
        )
    model.eval()
    inputs = torch.tensor(values, dtype=torch.float32).unsqueeze(1)
    return model(inputs).squeeze(1).double().numpy()
