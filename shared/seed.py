"""One call seeds every random source, so a seed in `metrics.json` is enough to rerun a result."""

from __future__ import annotations

import os
import random
import sys

import numpy as np


def seed_everything(seed: int, *, deterministic_torch: bool = True) -> np.random.Generator:
    """Seed Python, NumPy and (when installed) PyTorch; return a NumPy generator for new code.

    Weeks should draw from the returned generator (or pass `seed` as `random_state`) instead of the
    global NumPy state: the legacy global state is seeded too, for libraries that still read it.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - legacy global state, for libraries that still read it
    os.environ["PYTHONHASHSEED"] = str(seed)  # affects subprocesses only; documented for completeness
    # Seed torch only when the unit already imported it: importing torch costs seconds, and a pandas week
    # should not pay for it. The runner imports the unit (and so torch) before calling this.
    torch = sys.modules.get("torch")
    if torch is None:
        return np.random.default_rng(seed)
    torch.manual_seed(seed)
    if deterministic_torch:
        # warn_only: a few CPU kernels have no deterministic variant; we want a warning, not a crash.
        torch.use_deterministic_algorithms(True, warn_only=True)
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.benchmark = False
    return np.random.default_rng(seed)
