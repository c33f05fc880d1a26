"""Where things live: the repository root and each unit's `outputs/<week>/` folder."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def outputs_dir(week: str, *, fast: bool = False) -> Path:
    """`outputs/<week>/` (or `<week>-fast/`) under `$ROADMAP_OUTPUT_DIR`, else under the repository root."""
    root = Path(os.environ.get("ROADMAP_OUTPUT_DIR", REPO_ROOT / "outputs"))
    return root / (f"{week}-fast" if fast else week)
