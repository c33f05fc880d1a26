"""Extra code (speed): CPU thread counts and process-wide PyTorch settings, set for one block and restored.

Why a week would change it: on a small shared CPU, tiny models (and even a small CNN) run several times
*faster* on one thread, because with two threads every operation waits for the other core, which another
process may be using. `torch.set_num_threads` is process-wide, so a week that changes it must put it
back, or every later test in the same pytest process inherits the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def torch_threads(n: int | None = None) -> Iterator[None]:
    """`with torch_threads(1): ...` — run the block with `n` intra-op threads (None: unchanged), then restore."""
    import torch

    previous = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextmanager
def training_settings(threads: int) -> Iterator[None]:
    """`with training_settings(1): ...`: `threads` CPU threads and no NaN pre-filling of new tensors inside.

    Both are process-wide, so both are restored after. `fill_uninitialized_memory` is a side effect of the
    deterministic algorithms `shared.seed` turns on: a debugging aid that costs about a quarter of a CPU
    training step and changes no result. The thread count is fixed, never picked from a timing: it changes the
    order of floating-point sums, so a run that chose it by speed could give different numbers on a busier day.
    """
    import torch

    previous_fill = torch.utils.deterministic.fill_uninitialized_memory
    with torch_threads(threads):
        torch.utils.deterministic.fill_uninitialized_memory = False
        try:
            yield
        finally:
            torch.utils.deterministic.fill_uninitialized_memory = previous_fill


@contextmanager
def blas_threads(n: int = 1) -> Iterator[None]:
    """`with blas_threads(1): ...`: NumPy/scikit-learn BLAS and OpenMP pools limited to `n` threads, then restored.

    On a small shared CPU, BLAS threads spin waiting for each other: a scaled logistic regression on 455×30 took
    0.6 s with the default pools and 0.04 s with one thread. The runner wraps every unit's `run()` in this.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n):
        yield
