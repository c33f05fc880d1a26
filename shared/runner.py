"""Run one week the same way from every door (`roadmap run`, `python -m weekNN_…`, reproduce).

The runner owns what every week would otherwise repeat: seeding, timing, writing metrics.json,
checking targets and publishing a full run's numbers into the week's README.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from shared.results import markdown_table, outputs_dir, publish, write_metrics
from shared.seed import seed_everything
from shared.targets import Target
from shared.weeks import Week


def default_report(metrics: dict[str, Any]) -> str:
    rows = [{"metric": k, "value": v} for k, v in metrics.items() if isinstance(v, (int, float, str))]
    return markdown_table(rows)


def run_week(
    week: Week, *, fast: bool = False, seed: int = 42, out_dir: Path | None = None, publish_results: bool | None = None
) -> dict[str, Any]:
    """Run a week, write `metrics.json`, and return the record with a `targets` verdict added."""
    module = week.module()
    out_dir = Path(out_dir) if out_dir else outputs_dir(week.slug, fast=fast)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(seed)
    start = time.perf_counter()
    metrics = module.run(out_dir=out_dir, fast=fast, seed=seed)
    wall = time.perf_counter() - start
    write_metrics(out_dir, metrics, week=week.key, seed=seed, fast=fast, wall_time_s=wall)
    targets: list[Target] = list(getattr(module, "TARGETS", []))
    verdicts = [{"target": str(t), "source": t.source, "met": t.met(metrics)} for t in targets]
    if publish_results is None:
        publish_results = not fast
    if publish_results:
        from shared.device import hardware_summary

        report = getattr(module, "report", default_report)(metrics)
        footer = f"\n\n_Measured by `roadmap run {week.key}` (seed {seed}) in {wall:.0f} s on {hardware_summary()}._"
        publish(out_dir, week.folder, report + footer)
    return {"week": week.key, "out_dir": str(out_dir), "metrics": metrics, "wall_time_s": wall, "targets": verdicts}
