"""`outputs/<week>/metrics.json` and `tables/*.csv`: the one on-disk format every unit's run leaves behind.

`metrics.json` carries everything needed to judge and rerun a number (seed, mode, hardware, versions, data
hashes, target verdicts, headline metrics), so the top-level report reads files and never imports a unit.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import pandas as pd

from shared.atomic import atomic_write_text
from shared.result import Result, to_jsonable


def _relative(path: Path | str, out_dir: Path) -> str:
    """A figure's path as `roadmap publish` finds it again: relative to the run folder (`figures/x.png` when the
    unit saves into a subfolder), or its bare name when it lies elsewhere."""
    path = Path(path)
    try:
        return path.resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def write_run(out_dir: Path | str, result: Result, *, record: dict[str, Any]) -> Path:
    """Write `metrics.json` (result metrics + `record`) and one CSV per table; return the JSON path."""
    from shared.device import hardware_summary
    from shared.provenance import package_versions

    out_dir = Path(out_dir)
    for name, frame in result.tables.items():
        atomic_write_text(out_dir / "tables" / f"{name}.csv", frame.to_csv(index=False))
    full = {
        **record,
        "metrics": result.metrics,
        "tables": sorted(result.tables),
        "figures": [_relative(p, out_dir) for p in result.figures],
        "hardware": hardware_summary(),
        "platform": platform.platform(),
        "versions": package_versions(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return atomic_write_text(out_dir / "metrics.json", json.dumps(to_jsonable(full), indent=2) + "\n")


def read_metrics(out_dir: Path | str) -> dict[str, Any] | None:
    """The run record in `out_dir`, or None when the unit has not been run there."""
    path = Path(out_dir) / "metrics.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def read_table(out_dir: Path | str, name: str) -> pd.DataFrame:
    return pd.read_csv(Path(out_dir) / "tables" / f"{name}.csv")
