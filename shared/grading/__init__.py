"""`roadmap grade`: check a learner's solution of a week against the reference's own checks.

A unit declares its contract, checks, metrics and rubric in `<unit>/grading.py` with the names below;
`grade(week, path)` runs them on the learner's code in a worker process (see CONTRIBUTING.md, "The learner
contract").
"""

from shared.grading.spec import (
    DEFAULT_CHECK_TIMEOUT_S,
    EQUAL_WEIGHTS,
    Check,
    CheckFailed,
    Function,
    Metric,
    Rubric,
    SelfCheck,
    expect,
    fail,
)

__all__ = ["DEFAULT_CHECK_TIMEOUT_S", "EQUAL_WEIGHTS", "Check", "CheckFailed", "Function", "Metric", "Rubric",
           "SelfCheck", "expect", "fail"]  # fmt: skip
