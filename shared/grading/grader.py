"""`grade(week, path)`: run a week's checks on a learner's solution in a worker process, and report.

The learner's code never runs here. One worker runs every item (load, checks, metrics) in turn; when an item
hangs past its timeout, crashes the process or is killed for memory, that item fails with a hint and a fresh
worker carries on with the items left, so one bad function never hides the other checks.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from shared.errors import RoadmapError
from shared.grading.loader import check_solution_path
from shared.grading.report import CheckResult, MetricResult, Report
from shared.grading.spec import DEFAULT_LOAD_TIMEOUT_S, DEFAULT_MEMORY_MB
from shared.grading.worker import REFERENCE, run_items
from shared.paths import REPO_ROOT
from shared.weeks import find_week

POLL_S = 0.05
WALL_FACTOR = 4  # a check may use timeout_s of CPU time, or WALL_FACTOR × timeout_s of wall time (a busy machine)
LOAD_HINT = "run your file (or notebook, top to bottom) on its own first: the grader imports it the same way"
TIMEOUT_HINT = "an endless loop, a very slow algorithm, or waiting for input()? the limit is {t:g} s"
CRASH_HINT = "the process died (exit {code}): killed for memory, a CPU limit, or os._exit/a segfault in your code"


def load_spec(week_key: str) -> ModuleType:
    """The week's `grading.py` (declarations only; importing it runs no learner code)."""
    week = find_week(week_key)
    try:
        return importlib.import_module(f"{week.package}.grading")
    except ModuleNotFoundError as exc:
        if exc.name != f"{week.package}.grading":
            raise
        raise RoadmapError(f"{week.key} has no grader yet ({week.slug}/grading.py is missing)") from None


@dataclass
class _Item:
    name: str
    timeout_s: float
    kind: str  # "load" | "check" | "metric"
    result: dict | None = field(default=None)


def grade(
    week_key: str,
    path: Path | str | None = None,
    *,
    reference: bool = False,
    metrics: bool = True,
    max_timeout_s: float | None = None,
    checks: list[str] | None = None,
    isolate: bool = True,
) -> Report:
    """Grade `path` (a .py file, notebook or package folder), or the reference itself with `reference=True`.

    `metrics=False` runs the checks only (faster: the reference is not scored); `max_timeout_s` caps every
    check's and metric's time limit (a test of a hanging solution uses a second, not the checks' own limits);
    `checks` runs only the named checks. `isolate=False` runs everything in this process, without time or memory
    limits: for tests of the grader's own fixtures only, never for a learner's code.
    """
    week = find_week(week_key)
    spec = load_spec(week.key)
    if reference == (path is not None):
        raise RoadmapError("give either the path of your solution or --reference, not both")
    source = REFERENCE if reference else str(check_solution_path(path))
    items = [_Item("load", getattr(spec, "LOAD_TIMEOUT_S", DEFAULT_LOAD_TIMEOUT_S), "load")]
    unknown = set(checks or []) - {c.name for c in spec.CHECKS}
    if unknown:
        raise RoadmapError(f"{week.key} has no check(s) {sorted(unknown)}; it has {[c.name for c in spec.CHECKS]}")
    items += [_Item(c.name, c.timeout_s, "check") for c in spec.CHECKS if checks is None or c.name in checks]
    items += [_Item(f"metric:{m.name}", m.timeout_s, "metric") for m in spec.METRICS if metrics]
    for item in items[1:]:  # loading keeps its own limit: it includes starting Python
        item.timeout_s = min(item.timeout_s, max_timeout_s or item.timeout_s)
    memory_mb = getattr(spec, "MEMORY_MB", DEFAULT_MEMORY_MB)
    started = time.perf_counter()
    if not isolate:
        _run_here(spec, source, items, memory_mb)
    while isolate and any(item.result is None for item in items):
        before = sum(item.result is not None for item in items)
        _run_worker(week.key, source, items, memory_mb)
        if sum(item.result is not None for item in items) == before:  # a worker that made no progress at all
            stuck = next(item for item in items if item.result is None)
            stuck.result = _stopped(stuck, "the worker stopped before this item", LOAD_HINT)
        if items[0].result and not items[0].result["passed"]:
            break  # nothing else can run without the solution
    return _report(week, spec, source, items, time.perf_counter() - started, metrics)


def _run_here(spec: ModuleType, source: str, items: list[_Item], memory_mb: int) -> None:
    by_name = {item.name: item for item in items}
    skip = [c.name for c in spec.CHECKS if c.name not in by_name]

    def record(event: str, name: str, **result) -> None:
        if event == "result":
            by_name[name].result = result

    modules, path = set(sys.modules), list(sys.path)
    try:
        run_items(spec, source, record, skip, any(i.kind == "metric" for i in items), memory_mb)
    finally:  # forget the solution's modules (a fixture's `_common` sibling, say) so the next load is fresh
        for name in set(sys.modules) - modules:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if (
                name.startswith("learner_solution")
                or source != REFERENCE
                and module_file.startswith(str(Path(source).resolve().parent))
            ):
                del sys.modules[name]
        sys.path[:] = path


def _run_worker(week_key: str, source: str, items: list[_Item], memory_mb: int) -> None:
    """One worker for the items without a result; records a timeout or crash on the item it was running."""
    done = [item.name for item in items if item.result is not None and item.name != "load"]
    done += [c.name for c in load_spec(week_key).CHECKS if c.name not in {i.name for i in items}]
    cpu_s = int(sum(item.timeout_s for item in items) + 10)
    with tempfile.TemporaryDirectory(prefix="roadmap-grade-") as tmp:
        events_path, log_path = Path(tmp) / "events.jsonl", Path(tmp) / "worker.log"
        events_path.touch()
        command = [
            sys.executable,
            "-m",
            "shared.grading.worker",
            week_key,
            source,
            str(events_path),
            "--skip",
            ",".join(done),
            "--memory-mb",
            str(memory_mb),
        ]
        command += [] if any(i.kind == "metric" for i in items) else ["--no-metrics"]  # fmt: skip
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(
                command, cwd=tmp, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=_worker_env(), start_new_session=True,
                preexec_fn=lambda: _limit(memory_mb, cpu_s),
            )  # fmt: skip
            try:
                current = _watch(process, events_path, items)
            finally:  # also on Ctrl-C: the worker and anything it started (its own session) go with us
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if current is None:
            return
        if current.result is None:  # the process ended in the middle of an item
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:].strip()
            hint = CRASH_HINT.format(code=_exit_description(process.returncode))
            current.result = _stopped(current, f"the worker process died while running {current.name}", hint, tail)


def _watch(process: subprocess.Popen, events_path: Path, items: list[_Item]) -> _Item | None:
    """Follow the worker's events until it exits; stop it when an item overruns its time limit.

    Returns the item that was running when the worker exited (its result is None if it crashed), or None
    when this function stopped the worker for a timeout (that item's result is then recorded here).
    """
    by_name = {item.name: item for item in items}
    current, since, cpu_since, offset = by_name["load"], time.monotonic(), 0.0, 0
    while True:
        exited = process.poll() is not None
        with open(events_path, encoding="utf-8") as file:
            file.seek(offset)
            lines = file.read()
        complete = lines[: lines.rfind("\n") + 1]
        offset += len(complete.encode("utf-8"))
        for line in complete.splitlines():
            event = json.loads(line)
            if event["event"] == "start":
                current, since, cpu_since = by_name[event["name"]], time.monotonic(), _cpu_seconds(process.pid)
            else:
                by_name[event["name"]].result = event
        if exited:
            return current
        if current.result is None and _overran(process.pid, current.timeout_s, since, cpu_since):
            current.result = _stopped(current, f"did not finish within {current.timeout_s:g} s",
                                      TIMEOUT_HINT.format(t=current.timeout_s))  # fmt: skip
            return None
        time.sleep(POLL_S)


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) of a running process, from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


def _overran(pid: int, limit_s: float, since: float, cpu_since: float | None) -> bool:
    """Over the limit: `limit_s` of CPU time, or WALL_FACTOR × `limit_s` of wall time (for code that waits).

    CPU time, not wall time, so that a busy machine (tests in parallel with training runs) does not stop a
    correct solution; where CPU time cannot be read, the wall-clock limit is `limit_s` itself.
    """
    wall = time.monotonic() - since
    cpu = _cpu_seconds(pid)
    if cpu is None or cpu_since is None:
        return wall > limit_s
    return cpu - cpu_since > limit_s or wall > WALL_FACTOR * limit_s


def _stopped(item: _Item, message: str, hint: str, detail: str = "") -> dict:
    if item.kind == "metric":
        return {"values": {}, "errors": {"learner": f"{message} ({hint})"}}
    return {"passed": False, "message": f"{message}; {hint}", "detail": detail, "seconds": item.timeout_s}


def _exit_description(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return str(code)


def _limit(memory_mb: int, cpu_s: int) -> None:
    """In the worker, before it starts: a memory cap (address space) and a CPU-time cap."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    env.update(MPLBACKEND="Agg", ROADMAP_FAST="1", PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    for pool in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[pool] = "1"  # one thread: predictable memory and no spin-waiting on a small machine
    return env


def _report(week, spec, source: str, items: list[_Item], seconds: float, with_metrics: bool) -> Report:
    checks_by_name = {c.name: c for c in spec.CHECKS}
    load = items[0].result
    not_loaded = "not run: your solution did not load (see `load` above)"
    checks = []
    for item in items:
        if item.kind == "metric":
            continue
        check = checks_by_name.get(item.name)
        result = item.result or {"passed": False, "message": not_loaded, "detail": ""}
        checks.append(
            CheckResult(
                name=item.name,
                part=check.part if check else "load",
                passed=bool(result["passed"]),
                message=result["message"],
                hint=(check.hint if check else LOAD_HINT) if not result["passed"] else "",
                detail=result.get("detail", ""),
                seconds=round(float(result.get("seconds", 0.0)), 3),
            )
        )
    metrics = []
    for metric in spec.METRICS if with_metrics else []:
        result = next(i.result for i in items if i.name == f"metric:{metric.name}") or {
            "values": {},
            "errors": {"learner": not_loaded} if load and not load["passed"] else {},
        }
        metrics.append(
            MetricResult(
                name=metric.name,
                better=metric.better,
                description=metric.description,
                baseline_name=metric.baseline_name,
                learner=result["values"].get("learner"),
                reference=result["values"].get("reference"),
                baseline=result["values"].get("baseline"),
                errors=result.get("errors", {}),
            )
        )
    return Report(
        week=week.key,
        title=week.title,
        solution="the reference" if source == REFERENCE else source,
        contract=[{"name": f.name, "signature": f.signature, "doc": f.doc} for f in spec.CONTRACT],
        weights=dict(spec.RUBRIC.weights),
        weights_source=spec.RUBRIC.source,
        checks=checks,
        metrics=metrics,
        self_assessment=[
            {"item": s.item, "reference": s.reference, "part": s.part} for s in spec.RUBRIC.self_assessment
        ],  # fmt: skip
        seconds=round(seconds, 2),
    )
