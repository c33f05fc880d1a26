"""Markdown the READMEs are made of: tables from data, and blocks replaced between markers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from shared.atomic import atomic_write_text


def format_value(value: Any) -> str:
    """Floats to 4 significant digits; None/NaN blank; pipes escaped."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "" if value != value else f"{value:.4g}"
    return "" if value is None else str(value).replace("|", "\\|")


def markdown_table(rows: pd.DataFrame | Sequence[dict[str, Any]], columns: list[str] | None = None) -> str:
    """A GitHub markdown table from a DataFrame or a list of row dicts."""
    if isinstance(rows, pd.DataFrame):
        frame = rows
        columns = columns or [str(c) for c in frame.columns]
        records = [dict(zip(map(str, frame.columns), r, strict=True)) for r in frame.itertuples(index=False)]
    else:
        records = list(rows)
        columns = columns or (list(records[0]) if records else [])
    if not records:
        return "_no rows_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(format_value(r.get(c)) for c in columns) + " |" for r in records]
    return "\n".join(lines)


def replace_block(path: Path | str, name: str, body: str) -> None:
    """Replace the text between `<!-- name:start -->` and `<!-- name:end -->` in a markdown file.

    This is how READMEs get their numbers: from code, never typed by hand.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"{path} has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    atomic_write_text(path, f"{head}{start}\n{body.strip()}\n{end}{tail}")
