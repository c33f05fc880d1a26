"""The results a week promises (from the curriculum), declared next to its code and checked by reproduce."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Target:
    metric: str  # key in the metrics dict returned by `run`
    op: str  # one of >=, >, <=, <
    value: float
    source: str = "curriculum"  # where the number comes from (curriculum, stretch, our own bar)

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}")

    @property
    def gating(self) -> bool:
        """Whether missing this target fails `roadmap reproduce`.

        Time targets (metrics ending in `_s`) are reported, never gating: a slower or busier CPU takes longer
        but trains exactly the same model, so it must not fail a reproduction on time alone.
        """
        return not self.metric.endswith("_s")

    def met(self, metrics: dict[str, Any]) -> bool:
        value = metrics.get(self.metric)
        return value is not None and bool(_OPS[self.op](value, self.value))

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"
