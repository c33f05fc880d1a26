"""CPU thread count for PyTorch, set for one block and restored afterwards.

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
