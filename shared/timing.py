"""Measure wall time of a block. Times are reported (keys ending in `_s`); they never decide how long to train."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    """`with timer() as t: ...` then `t["seconds"]`: wall time of a block."""
    box = {"seconds": 0.0}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = time.perf_counter() - start


@contextmanager
def load_sampler(every_s: float = 15.0) -> Iterator[dict[str, float]]:
    """`with load_sampler() as load: ...` then `load["mean"]`, `load["max"]`: the 1-minute load average sampled
    through the block (a daemon thread), so a reader can judge a wall time. One reading at the end would describe
    the last minute only: a run that shared its CPU for an hour would look quiet."""
    import os
    import threading

    box = {"mean": 0.0, "max": 0.0, "samples": 0}
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while True:
            try:
                samples.append(os.getloadavg()[0])
            except (OSError, AttributeError):  # not available on this platform: report 0
                return
            if stop.wait(every_s):
                return

    thread = threading.Thread(target=sample, name="load-sampler", daemon=True)
    thread.start()
    try:
        yield box
    finally:
        stop.set()
        thread.join(timeout=1)
        if samples:
            box["mean"], box["max"], box["samples"] = sum(samples) / len(samples), max(samples), len(samples)
