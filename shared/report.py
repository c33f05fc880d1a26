"""The results table at the top of README.md, read from each unit's `metrics.json` (no unit is imported)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shared.markdown import markdown_table, replace_block
from shared.metrics_io import read_metrics
from shared.paths import REPO_ROOT, outputs_dir
from shared.templates import num, pct
from shared.weeks import WEEKS, Week

COLUMNS = ["unit", "task", "metric", "value", "target", "status", "wall time", "hardware"]
# `wall time` is the whole run, measured on the hardware named, under the load average its README states.


def _value(metrics: dict[str, Any], key: str) -> str:
    """The value, with its 95% interval when the run recorded one."""
    value = metrics.get(key)
    low, high = metrics.get(f"{key}_ci_low"), metrics.get(f"{key}_ci_high")
    as_pct = isinstance(value, (int, float)) and 0 <= value <= 1 and key.endswith(("accuracy", "recall", "auc", "rate"))
    show = (lambda v: pct(v)) if as_pct else num
    text = "—" if value is None else show(value)
    if low is not None and high is not None:
        text += f" (95% CI {show(low)}–{show(high)})"
    return text


def unit_rows(week: Week, *, fast: bool = False) -> list[dict[str, Any]]:
    """One row per headline metric from the unit's latest run."""
    record = read_metrics(outputs_dir(week.slug, fast=fast))
    base = {"unit": week.key, "task": week.title}
    if record is None:
        return [{**base, "metric": "—", "value": "full run not published yet (`roadmap run " + week.key + "`)"}]
    metrics = record["metrics"]
    verdicts = {v["metric"]: v for v in record.get("targets", [])}
    headline = record.get("headline") or list(dict.fromkeys(verdicts)) or list(metrics)[:1]
    common = {"wall time": f"{record['wall_time_s']:.0f} s", "hardware": record["hardware"]}
    rows = []
    for key in headline:
        verdict = verdicts.get(key)
        target = f"{verdict['op']} {verdict['value']:g} ({verdict['source']})" if verdict else ""
        status = ""
        if verdict:
            status = "pass" if verdict["met"] else ("**FAIL**" if verdict.get("gating", True) else "slower (time only)")
        rows.append({**base, "metric": key, "value": _value(metrics, key), "target": target, "status": status,
                     **common})  # fmt: skip
    return rows


def results_table(*, fast: bool = False) -> str:
    return markdown_table([row for week in WEEKS for row in unit_rows(week, fast=fast)], COLUMNS)


def write_readme_table(readme: Path = REPO_ROOT / "README.md", *, fast: bool = False) -> str:
    table = results_table(fast=fast)
    replace_block(readme, "results", table)
    return table
