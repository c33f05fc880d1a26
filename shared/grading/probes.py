"""Probes a grader runs on any learner's code: which data files a call opened, whether a model's answer for a row
depends on the other rows of the batch, whether the same seed gives the same model, and the answers of a
scikit-learn-style binary classifier, shape-checked.

Called by a unit's checks inside the worker, on the learner's functions (proposed by the weeks 5–8 grader).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from shared.grading.spec import expect
from shared.seed import seed_everything

_watches: list[tuple[tuple[str, ...], list[str]]] = []
_hooked = False


def _audit(event: str, args: tuple) -> None:
    if event != "open" or not _watches or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    for roots, seen in _watches:
        if path.startswith(roots):
            seen.append(path)


@contextmanager
def files_opened_under(*roots: Path | str) -> Iterator[list[str]]:
    """Record every file opened under `roots` while the block runs (a Python audit hook, installed once).

    A contract function receives its data as arguments; one that opens the course data itself can train on the
    rows the grader holds out (a scaler or imputer "fitted on all data"), whatever it then does with them.
    """
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    seen: list[str] = []
    watch = (tuple(os.path.abspath(r) + os.sep for r in roots), seen)
    _watches.append(watch)
    try:
        yield seen
    finally:
        _watches.remove(watch)


def batch_dependence(predict: Callable[[pd.DataFrame], np.ndarray], rows: pd.DataFrame) -> float:
    """Largest change in any row's answer between predicting `rows` together, one at a time, and in reverse order.

    0 for a model whose every statistic was learned in `fit`; large for one that rescales, imputes or encodes
    each batch with that batch's own statistics (test-time leakage: an answer depends on who else is asked).
    """
    together = np.asarray(predict(rows), dtype="float64")
    alone = np.concatenate([np.asarray(predict(rows.iloc[[i]]), dtype="float64") for i in range(len(rows))])
    reversed_ = np.asarray(predict(rows.iloc[::-1]), dtype="float64")[::-1]
    return float(max(np.max(np.abs(alone - together)), np.max(np.abs(reversed_ - together))))


def predictions(model, X: pd.DataFrame, noun: str) -> np.ndarray:
    """`model.predict(X)` as one answer per row (a column vector is flattened); any other shape fails the check
    with a message that counts the rows in the unit's own words ("passengers", "tumours"). X is copied, so a
    model that edits its input in place cannot change what the grader asks next."""
    out = np.asarray(model.predict(X.copy())).reshape(-1)
    expect(out.shape == (len(X),), f"`predict` returned {out.size} answers for {len(X)} {noun}")
    return out


def positive_proba(model, X: pd.DataFrame) -> np.ndarray:
    """The positive class's column of a binary `model.predict_proba(X)`, which must have shape (rows, 2), as
    scikit-learn's does: a single column of P(positive) would otherwise be misread row by row."""
    p = np.asarray(model.predict_proba(X.copy()), dtype="float64")
    expect(p.ndim == 2 and p.shape == (len(X), 2), f"`predict_proba` returned shape {p.shape}, expected ({len(X)}, 2)")
    return p[:, 1]


def seeded(seed: int, call: Callable, *args, **kwargs):
    """`call(*args, **kwargs)` after seeding every random source: a fixed seed must give a fixed answer."""
    seed_everything(seed)
    return call(*args, **kwargs)


_memo: dict[tuple[int, str], tuple[object, object]] = {}


def once(sol: object, key: str, make: Callable[[], object]) -> object:
    """`make()` the first time a check asks for `key` of this loaded solution, the stored value afterwards: several
    checks score one fitted model, and fitting it once per check would multiply a grade's time. The solution object
    is kept with its value, so its id cannot be reused by another solution while the entry exists."""
    if (id(sol), key) not in _memo:
        _memo[id(sol), key] = (sol, make())
    return _memo[id(sol), key][1]
