"""What a unit's `run()` returns: scalar metrics, named tables and the figures it made.

Why an object and not a flat dict: a results table is a table. Flattening it into keys such as
`cv_accuracy_xgboost_grid` and parsing them back in a report is code a learner has to read and that breaks
silently. The runner writes `metrics` to `metrics.json`, each table to `tables/<name>.csv`, and fills the
README and model-card templates from all three.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

Scalar = int | float | str | bool | None


@dataclass
class Result:
    metrics: dict[str, Scalar]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        for key, value in self.metrics.items():
            value = to_jsonable(value)
            if not isinstance(value, (int, float, str, bool, type(None))):
                raise TypeError(f"metric {key!r} is a {type(value).__name__}: put rows in Result.tables instead")
            self.metrics[key] = value
        for name, table in self.tables.items():
            if not isinstance(table, pd.DataFrame):
                raise TypeError(f"table {name!r} must be a pandas DataFrame, got {type(table).__name__}")
        self.figures = [Path(p) for p in self.figures]


def to_jsonable(value: Any) -> Any:
    """NumPy scalars → Python scalars, NaN/inf → None (JSON has no NaN), containers recursively."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
