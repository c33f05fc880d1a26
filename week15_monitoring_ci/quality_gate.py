"""The model-quality gate CI runs on a pull request: fail when a full-mode metric misses its target.

Every run writes `outputs/<unit>/metrics.json` with the verdict of each target (`shared.runner`); the gate only
reads those files (as `roadmap report` does), so it needs no unit imported and no model retrained. Time targets
(`_s` metrics) are reported but never gate: a slower CI machine trains exactly the same model.

    python -m week15_monitoring_ci gate                      # every unit with a full-mode run under outputs/
    python -m week15_monitoring_ci gate --units week13 week15 --require
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from shared.errors import RoadmapError
from shared.metrics_io import read_metrics
from shared.paths import outputs_dir
from shared.weeks import WEEKS, find_week


def verdicts(units: list[str] | None = None, *, require: bool = False, root: Path | None = None) -> pd.DataFrame:
    """One row per target of every unit that has a full-mode run: unit, metric, value, target, met, gating.

    `require`: a unit named in `units` without a run is an error (in CI: the run step did not produce it).
    """
    weeks = [find_week(u) for u in units] if units else WEEKS
    rows, missing = [], []
    for week in weeks:
        folder = (root / week.slug) if root else outputs_dir(week.slug)
        record = read_metrics(folder)
        if record is None or record.get("mode") != "full":
            missing.append(week.key)
            continue
        for verdict in record.get("targets", []):
            rows.append({"unit": week.key, "metric": verdict["metric"],
                         "value": record["metrics"].get(verdict["metric"]),
                         "target": f"{verdict['op']} {verdict['value']:g}", "met": bool(verdict["met"]),
                         "gating": bool(verdict.get("gating", True))})  # fmt: skip
    if require and missing:
        raise RoadmapError(f"no full-mode metrics.json for {', '.join(missing)}; run `roadmap run <unit>` first")
    if not rows and not require:
        raise RoadmapError("no full-mode run found under outputs/; run `roadmap run <unit>` (without --fast) first")
    return pd.DataFrame(rows, columns=["unit", "metric", "value", "target", "met", "gating"])


def failures(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["met"] & table["gating"]]
