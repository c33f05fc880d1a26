"""CSV files a spreadsheet will open must not carry formulas from user text (CSV/formula injection).

OWASP's rule: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single
quote, so Excel/LibreOffice show it as text instead of running it. Numbers are left alone (a negative
amount is a number, not a formula); only text cells are touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from shared.atomic import atomic_write_text

if TYPE_CHECKING:  # pandas is imported by the functions that need it: `neutralise` stays import-free
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with `'`; return anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised."""
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe


def write_csv_safely(frame: pd.DataFrame, path: Path | str) -> Path:
    """Neutralise formulas, then write the whole file atomically (never half a CSV)."""
    return atomic_write_text(path, neutralise_frame(frame).to_csv(index=False))
