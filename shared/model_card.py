"""Render a unit's MODEL_CARD.md from its template and the run's measured numbers (after Mitchell et al. 2019).

The card's prose lives in `templates/MODEL_CARD.md` (Jinja2, see `shared.templates`); the numbers come from
the run that measured them, so a card can never disagree with `metrics.json`. Every section is required: an
empty "ethical considerations" is a decision, and the check makes the author write it down.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_text
from shared.templates import render

SECTIONS = [
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Ethical considerations",
    "Caveats and recommendations",
]


def missing_sections(markdown: str) -> list[str]:
    """The required `## ` headings a card lacks, or whose section is empty."""
    bodies: dict[str, str] = {}
    for match in re.finditer(r"^## (.+?)\s*$(.*?)(?=^## |\Z)", markdown, flags=re.M | re.S):
        bodies[match.group(1).strip()] = match.group(2).strip()
    return [name for name in SECTIONS if not bodies.get(name)]


def render_model_card(template: Path | str, out_path: Path | str, **context: Any) -> Path:
    """Render `template` with `context` into `out_path`, refusing a card with a missing or empty section."""
    text = render(template, **context)
    missing = missing_sections(text)
    if missing:
        raise ValueError(f"{template}: the model card is missing or has empty sections: {missing}")
    return atomic_write_text(out_path, text)
