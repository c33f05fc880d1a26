"""Run one unit the same way from every door (`roadmap run`, `python -m weekNN_…`, `roadmap reproduce`).

The runner owns what every unit would otherwise repeat: seeding, timing, writing `metrics.json` and the
tables, checking targets, rendering the model card, and publishing a full run's numbers into the unit's
README from its template.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from shared.device import hardware_summary
from shared.errors import RoadmapError
from shared.markdown import markdown_table, replace_block
from shared.metrics_io import write_run
from shared.model_card import render_model_card
from shared.paths import outputs_dir
from shared.provenance import data_sha256
from shared.result import Result
from shared.seed import seed_everything
from shared.targets import Target
from shared.templates import render
from shared.threads import blas_threads
from shared.timing import load_sampler, timer
from shared.weeks import Week


def headline_of(module: Any) -> list[str]:
    """The unit's one or two headline metrics (HEADLINE may be a string or a tuple)."""
    headline = getattr(module, "HEADLINE", ())
    return [headline] if isinstance(headline, str) else list(headline)


def run_week(
    week: Week,
    *,
    fast: bool = False,
    seed: int = 42,
    out_dir: Path | None = None,
    publish_results: bool | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Run a unit, write its outputs, and return a summary with the target verdicts.

    `overrides` are passed to the unit's `run()` as keyword arguments (e.g. `config=` for another model) and
    recorded in `metrics.json`; a run with overrides never publishes into the README.
    """
    module = week.module()
    out_dir = Path(out_dir) if out_dir else outputs_dir(week.slug, fast=fast)
    if out_dir.exists() and not out_dir.is_dir():
        raise RoadmapError(f"--out {out_dir} is a file; give a folder for the run's outputs")
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(seed)
    with timer() as clock, load_sampler() as load_seen, blas_threads(1):
        result = module.run(out_dir=out_dir, fast=fast, seed=seed, **overrides)
    if isinstance(result, dict):  # transitional: a unit not yet converted to Result
        result = Result(metrics=result)
    wall = clock["seconds"]
    targets: list[Target] = list(getattr(module, "TARGETS", []))
    verdicts = [
        {
            "metric": t.metric,
            "op": t.op,
            "value": t.value,
            "source": t.source,
            "met": t.met(result.metrics),
            "gating": t.gating,
        }  # fmt: skip
        for t in targets
    ]
    load = round(load_seen["mean"], 1)
    run_info = {"week": week.key, "mode": "fast" if fast else "full", "seed": seed, "wall_time_s": round(wall, 1),
                "hardware": hardware_summary(), "load_average": load}  # fmt: skip
    write_run(
        out_dir,
        result,
        record={
            **run_info,
            "title": week.title,
            "headline": headline_of(module),
            "targets": verdicts,
            "data_sha256": data_sha256(week.datasets),
            "overrides": {k: repr(v) for k, v in overrides.items()},
        },  # fmt: skip
    )
    context = {"m": result.metrics, "tables": result.tables, "run": run_info}
    card_template = week.folder / "templates" / "MODEL_CARD.md"
    if card_template.is_file():
        render_model_card(card_template, out_dir / "MODEL_CARD.md", **context)
    if publish_results is None:
        publish_results = not fast and not overrides
    if publish_results:
        publish(week, out_dir, result, context)
    return {"week": week.key, "out_dir": str(out_dir), "metrics": result.metrics, "wall_time_s": wall,
            "targets": verdicts}  # fmt: skip


def publish(week: Week, out_dir: Path, result: Result, context: dict[str, Any]) -> None:
    """Copy a full run's figures and model card into the unit folder and write its README results block.

    Only full runs publish: tests and `--fast` runs never touch the tracked files.
    """
    figures = week.folder / "figures"
    figures.mkdir(exist_ok=True)
    for png in result.figures or sorted(out_dir.glob("*.png")):
        shutil.copy2(png, figures / Path(png).name)
    card = out_dir / "MODEL_CARD.md"
    if card.is_file():
        shutil.copy2(card, week.folder / "MODEL_CARD.md")
    template = week.folder / "templates" / "results.md"
    if template.is_file():
        body = render(template, **context)
    else:  # transitional: units not yet converted to templates
        module = week.module()
        report = getattr(module, "report", None)
        body = (
            report(result.metrics)
            if report
            else markdown_table([{"metric": k, "value": v} for k, v in result.metrics.items()])
        )
    run = context["run"]
    footer = (f"\n\n_Measured by `roadmap run {week.key}` (seed {run['seed']}) in {run['wall_time_s']:.0f} s "
              f"on {run['hardware']} (mean load average {run['load_average']:g} during the run)._")  # fmt: skip
    replace_block(week.folder / "README.md", "results", body.rstrip() + footer)


def republish(week: Week, out_dir: Path | None = None) -> Path:
    """Re-render a unit's README block and model card from a finished full run's files, without retraining.

    For a template change after a long run (the words change, the measured numbers cannot: they are read back
    from `metrics.json` and `tables/*.csv`). Refuses fast runs and runs with overrides, which never publish.
    """
    from shared.metrics_io import read_metrics, read_table

    out_dir = Path(out_dir) if out_dir else outputs_dir(week.slug, fast=False)
    record = read_metrics(out_dir)
    if record is None:
        raise RoadmapError(f"{out_dir} has no metrics.json; run `roadmap run {week.key}` first")
    if record.get("mode") != "full" or record.get("overrides"):
        raise RoadmapError(f"{out_dir} holds a fast run or a run with overrides; only full runs publish")
    tables = {name: read_table(out_dir, name) for name in record.get("tables", [])}
    result = Result(metrics=record["metrics"], tables=tables, figures=[out_dir / f for f in record.get("figures", [])])
    run_info = {key: record[key] for key in ("week", "mode", "seed", "wall_time_s", "hardware", "load_average")}
    context = {"m": result.metrics, "tables": tables, "run": run_info}
    card_template = week.folder / "templates" / "MODEL_CARD.md"
    if card_template.is_file():
        render_model_card(card_template, out_dir / "MODEL_CARD.md", **context)
    publish(week, out_dir, result, context)
    return week.folder / "README.md"
