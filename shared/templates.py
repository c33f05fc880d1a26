"""Fill a unit's markdown templates (README results block, model card) from its Result.

Prose lives in `templates/*.md` beside the code, where it can be read and reviewed as prose; the numbers
come from the run. `StrictUndefined` turns a misspelled or missing metric into an error instead of an
empty sentence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from shared.markdown import format_value, markdown_table


def pct(value: float | None, digits: int = 1) -> str:
    """0.8514 → '85.1%'."""
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def num(value: Any, digits: int = 4) -> str:
    """A number to `digits` significant digits (ints unchanged)."""
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return format_value(value)


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    return markdown_table(frame, columns)


def ci(metrics: dict[str, Any], key: str, *, as_pct: bool = True, digits: int = 1) -> str:
    """'85.1% (95% CI 84.4–85.8%)' from `key`, `key_ci_low`, `key_ci_high`; `as_pct=False`: `digits + 2`
    decimals, e.g. '0.469 (95% CI 0.448–0.490)'."""
    fmt = (lambda v: pct(v, digits)) if as_pct else (lambda v: f"{v:.{digits + 2}f}")
    low, high = metrics[f"{key}_ci_low"], metrics[f"{key}_ci_high"]
    unit = "%" if as_pct else ""
    return f"{fmt(metrics[key])} (95% CI {fmt(low).rstrip('%')}–{fmt(high).rstrip('%')}{unit})"


def environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # markdown, not HTML  # noqa: S701
    )
    env.filters.update(pct=pct, num=num, table=table)
    env.globals.update(ci=ci)
    return env


def render(path: Path | str, **context: Any) -> str:
    """Render the template at `path` with `context` (usually `m`, `tables`, `run`)."""
    path = Path(path)
    try:
        return environment(path.parent).get_template(path.name).render(**context)
    except jinja2.UndefinedError as exc:
        raise KeyError(f"{path}: {exc.message}") from None
