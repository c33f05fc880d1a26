"""What a unit's `grading.py` declares: its contract, its checks, its metrics and its rubric.

Plain data, so a unit's grading file reads as a specification. The checks and metrics are functions that take
the learner's solution (`sol`, whose attributes are the contract functions) and run in the worker process,
never in the grader's own process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

DEFAULT_CHECK_TIMEOUT_S = 30.0  # CPU seconds per check (or 4× that in wall time); more: say so with `timeout_s`
DEFAULT_LOAD_TIMEOUT_S = 60.0  # importing the solution (a notebook runs every cell)
DEFAULT_MEMORY_MB = 2048  # RLIMIT_AS of the worker: numpy + pandas + a little data fit well inside
EQUAL_WEIGHTS = "weights: equal (the curriculum gives none)"


class CheckFailed(Exception):
    """Raised by a check (through `fail` or `expect`) when the property does not hold; the message says what."""


def fail(message: str) -> None:
    """Fail the running check with `message` (what was seen, in numbers where possible)."""
    raise CheckFailed(message)


def expect(condition: object, message: str) -> None:
    """Fail the running check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


@dataclass(frozen=True)
class Function:
    """One function of the learner contract."""

    name: str  # the attribute the grader looks up on the solution
    signature: str  # as the learner should write it, e.g. "numerical_gradient(func, point, h=1e-5) -> np.ndarray"
    doc: str  # what it receives (the grader owns the data) and what it must return


@dataclass(frozen=True)
class Check:
    """One behavioural property of the learner's solution.

    `run(sol)` returns normally when the property holds and raises otherwise (`fail`/`expect`, a plain
    `assert`, or any exception the learner's code raises: that one is shown with the learner's own frames).
    """

    name: str  # short identifier: shown in the report, asserted by the tests (`report.failed == {"name"}`)
    part: str  # the rubric part it counts towards
    run: Callable[[Any], None]
    hint: str  # what to look at when it fails: the classic mistake behind it, in one or two sentences
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S


@dataclass(frozen=True)
class Metric:
    """A number the grader measures for the learner, the reference and a simple baseline, on the same inputs (held
    out where a model learns).

    Shown side by side, not scored: behaviour is judged by the checks.
    """

    name: str  # e.g. "test_rmse"
    score: Callable[[Any], float]  # score(sol) -> float: the same function scores all three solutions
    better: Literal["lower", "higher"]
    baseline: Any = None  # an object with the contract's functions (a SimpleNamespace), or None
    baseline_name: str = ""  # e.g. "mean predictor", "forward differences"
    description: str = ""  # what the number is, and on which data
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S


@dataclass(frozen=True)
class SelfCheck:
    """A part of the rubric a program cannot judge: the learner compares their own work with the reference's."""

    item: str  # what to look at, as a question
    reference: str  # where the reference's answer is: a repository path, with an #anchor where useful
    part: str = ""  # the rubric part it belongs to, when the rubric weights it (e.g. "ethics" in week 7)


@dataclass(frozen=True)
class Rubric:
    """The week's rubric parts with their weights (fractions summing to 1) and where the weights come from."""

    weights: dict[str, float]
    source: str = EQUAL_WEIGHTS  # "curriculum: ..." when the curriculum gives weights, else EQUAL_WEIGHTS
    self_assessment: list[SelfCheck] = field(default_factory=list)

    @classmethod
    def equal(cls, *parts: str, self_assessment: list[SelfCheck] | None = None) -> Rubric:
        """Equal weights over `parts`, saying so (never invent curriculum weights)."""
        return cls({p: 1 / len(parts) for p in parts}, EQUAL_WEIGHTS, list(self_assessment or []))
