"""The worker: the only process that runs the learner's code. `python -m shared.grading.worker WEEK SOURCE EVENTS`.

It loads the solution, runs each check and metric of the week's `grading.py` in turn, and appends one JSON line
per event to the EVENTS file ("start" before an item, "result" after it), so the grader can tell which item hung
or crashed, stop this process, and start a new one for the items left. SOURCE is a path or `:reference`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from shared.grading.loader import (
    ContractError,
    learner_traceback,
    load_reference,
    load_solution,
    raised_in_learner_code,
)
from shared.grading.spec import DEFAULT_MEMORY_MB, CheckFailed
from shared.seed import seed_everything

REFERENCE = ":reference"
CHECK_SEED = 0  # every random source is seeded with this before each check and metric


def describe_failure(exc: BaseException, roots: list[str], memory_mb: int) -> tuple[str, str]:
    """(message, detail) for a failed item: the check's own message, or the learner's exception and frames."""
    if isinstance(exc, MemoryError):
        return f"ran out of memory: the solution tried to use more than the {memory_mb} MB cap", ""
    if isinstance(exc, CheckFailed | ContractError):
        return str(exc), ""
    if raised_in_learner_code(exc, roots):
        return f"your code raised {type(exc).__name__}: {exc}", learner_traceback(exc, roots)
    if isinstance(exc, AssertionError):
        return str(exc) or "a check assertion failed", ""
    # an error inside the check itself, from a value the solution returned (e.g. the wrong type or shape)
    return f"{type(exc).__name__}: {exc} (is the return value what the contract says?)", ""


def run_items(
    spec: ModuleType,
    source: str,
    emit: Callable[..., None],
    skip: Iterable[str] = (),
    metrics: bool = True,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> None:
    """Load the solution, then run every check and metric not in `skip`, emitting a start and a result event each.

    The worker calls this in its own process; `grade(..., isolate=False)` calls it in the caller's (tests only).
    """
    skip = set(skip)
    emit(event="start", name="load")
    started = time.perf_counter()
    learner_roots = [] if source == REFERENCE else [str(Path(source).resolve())]
    try:
        if source == REFERENCE:
            solution = load_reference(spec.REFERENCE)
            roots = [str(Path(sys.modules[spec.REFERENCE.partition(":")[0]].__file__).parent)]
        else:
            solution = load_solution(Path(source))
            roots = learner_roots
    except BaseException as exc:  # noqa: BLE001 - the learner's code may raise anything, SystemExit included
        message, detail = describe_failure(exc, learner_roots, memory_mb)
        if not isinstance(exc, MemoryError):
            message = f"your solution failed to load: {type(exc).__name__}: {exc}"
        emit(event="result", name="load", passed=False, message=message, detail=detail,
             seconds=time.perf_counter() - started)  # fmt: skip
        return
    emit(event="result", name="load", passed=True, message="", detail="", seconds=time.perf_counter() - started)

    for check in spec.CHECKS:
        if check.name in skip:
            continue
        emit(event="start", name=check.name)
        started = time.perf_counter()
        seed_everything(CHECK_SEED)
        try:
            check.run(solution)
        except BaseException as exc:  # noqa: BLE001
            message, detail = describe_failure(exc, roots, memory_mb)
            emit(event="result", name=check.name, passed=False, message=message, detail=detail,
                 seconds=time.perf_counter() - started)  # fmt: skip
        else:
            emit(event="result", name=check.name, passed=True, message="", detail="",
                 seconds=time.perf_counter() - started)  # fmt: skip

    reference = solution if source == REFERENCE else None
    for metric in spec.METRICS if metrics else []:
        name = f"metric:{metric.name}"
        if name in skip:
            continue
        emit(event="start", name=name)
        values: dict[str, float | None] = {}
        errors: dict[str, str] = {}
        if reference is None:
            reference = load_reference(spec.REFERENCE)
        for who, sol in (("learner", solution), ("reference", reference), ("baseline", metric.baseline)):
            if sol is None:
                continue
            seed_everything(CHECK_SEED)
            try:
                value = float(metric.score(sol))
                values[who] = value if math.isfinite(value) else None
            except BaseException as exc:  # noqa: BLE001
                errors[who] = describe_failure(exc, roots, memory_mb)[0]
        emit(event="result", name=name, values=values, errors=errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.grading.worker")
    parser.add_argument("week")
    parser.add_argument("source")
    parser.add_argument("events", type=Path)
    parser.add_argument("--skip", default="", help="comma-separated items already done by an earlier worker")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    parser.add_argument("--no-metrics", action="store_true")
    args = parser.parse_args(argv)

    from shared.grading.grader import load_spec

    spec = load_spec(args.week)
    events = open(args.events, "a", encoding="utf-8")  # noqa: SIM115 - open for the worker's whole life

    def emit(**event: Any) -> None:
        events.write(json.dumps(event) + "\n")
        events.flush()

    sys.stdout = sys.stderr  # the learner's prints go to the log the grader keeps for crashes
    run_items(spec, args.source, emit, filter(None, args.skip.split(",")), not args.no_metrics, args.memory_mb)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # the grader's own bug: print it whole, the parent reports the worker's stderr
        traceback.print_exc()
        os._exit(3)
