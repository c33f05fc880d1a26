"""Aggregate every week's metrics.json into the results table at the top of README.md."""

from __future__ import annotations

from pathlib import Path

from shared.results import REPO_ROOT, markdown_table, outputs_dir, read_metrics, replace_block
from shared.weeks import WEEKS, Week


def week_rows(week: Week, *, fast: bool = False) -> list[dict[str, object]]:
    """One row per declared target (or the headline metric) from the week's latest run."""
    record = read_metrics(outputs_dir(week.slug, fast=fast))
    base = {"week": week.key, "task": week.title}
    if record is None:
        blank = dict.fromkeys(["target", "status", "wall time", "hardware"], "")
        return [{**base, "metric": "—", "value": "not run yet", **blank}]
    metrics = record["metrics"]
    module = week.module()
    targets = list(getattr(module, "TARGETS", []))
    common = {"wall time": f"{record['wall_time_s']:.0f} s", "hardware": record["hardware"]}
    if not targets:
        headline = getattr(module, "HEADLINE", next(iter(metrics), "—"))
        return [{**base, "metric": headline, "value": metrics.get(headline), "target": "", "status": "", **common}]
    return [
        {
            **base,
            "metric": t.metric,
            "value": metrics.get(t.metric),
            "target": f"{t.op} {t.value:g} ({t.source})",
            "status": "pass" if t.met(metrics) else "**FAIL**",
            **common,
        }
        for t in targets
    ]


def results_table(*, fast: bool = False) -> str:
    rows = [row for week in WEEKS for row in week_rows(week, fast=fast)]
    columns = ["week", "task", "metric", "value", "target", "status", "wall time", "hardware"]
    return markdown_table(rows, columns)


def write_readme_table(readme: Path = REPO_ROOT / "README.md", *, fast: bool = False) -> str:
    table = results_table(fast=fast)
    replace_block(readme, "results", table)
    return table
