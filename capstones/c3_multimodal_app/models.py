"""Which trained models the app serves, and where they come from (the rule the README states).

For each of the two weeks, the first that exists wins:
1. the published full run: `outputs/week10_cnn_cifar/` and `outputs/week12_transformer_sst2/` (`roadmap run week10`);
2. the week's fast run: `outputs/<week>-fast/`, exactly what `roadmap run <week> --fast` writes;
3. otherwise that fast run is trained now, once, through `shared.runner.run_week(..., fast=True)` (week 10: about a
   minute; week 12: several minutes on two cores), so `roadmap run c3` works from a fresh clone, offline.

Every answer and page says which one is served (full or fast) with the accuracy its own run measured, read from
that run's `metrics.json`: a fast model is a working demo, not the published numbers.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.errors import RoadmapError
from shared.paths import outputs_dir

# week key → (outputs folder name, model path inside it, the metric its run reports on held-out data)
WEEKS = {
    "week10": ("week10_cnn_cifar", "cnn_cifar.safetensors", "test_accuracy"),
    "week12": ("week12_transformer_sst2", "model", "dev_accuracy"),
}


@dataclass(frozen=True)
class ModelSource:
    """One served model: where it is, which run made it, and what that run measured."""

    week: str  # week10 or week12
    path: Path  # what the week's load_model takes
    mode: str  # "full" or "fast" (or "stand-in" for the tests' untrained models)
    accuracy: float | None  # held-out accuracy from the run's metrics.json (None when there is none)
    accuracy_metric: str  # test_accuracy (week 10, CIFAR-10 test) or dev_accuracy (week 12, SST-2 dev)
    seed: int | None  # the seed of the run that trained it

    def describe(self) -> str:
        score = "accuracy unknown" if self.accuracy is None else f"{self.accuracy_metric} {self.accuracy:.1%}"
        return f"{self.week} ({self.mode} model, {score})"

    def as_dict(self) -> dict:
        return {**asdict(self), "path": str(self.path)}


def source_from_run(week: str, run_dir: Path) -> ModelSource | None:
    """The model a run folder holds, with the mode and accuracy its metrics.json records; None if it holds none."""
    folder, model, metric = WEEKS[week]
    path = Path(run_dir) / model
    if not (path / "model.safetensors" if path.suffix != ".safetensors" else path).is_file():
        return None
    record_file = Path(run_dir) / "metrics.json"
    record = json.loads(record_file.read_text()) if record_file.is_file() else {}
    accuracy = record.get("metrics", {}).get(metric)
    return ModelSource(week=week, path=path, mode=record.get("mode", "unknown"), seed=record.get("seed"),
                       accuracy=None if accuracy is None else float(accuracy), accuracy_metric=metric)  # fmt: skip


def find_model(week: str) -> ModelSource | None:
    """Rules 1 and 2: the full run's model, else the fast run's, else None."""
    folder = WEEKS[week][0]
    for fast in (False, True):
        source = source_from_run(week, outputs_dir(folder, fast=fast))
        if source is not None:
            return source
    return None


def resolve_models(seed: int = 42, *, train_missing: bool = True) -> dict[str, ModelSource]:
    """{"image": week 10's source, "text": week 12's}, training a missing one in fast mode (rule 3) when allowed."""
    from shared.runner import run_week
    from shared.weeks import find_week

    sources = {}
    for role, week in (("image", "week10"), ("text", "week12")):
        source = find_model(week)
        if source is None and train_missing:
            print(f"c3: no {week} model found; training its fast model once (`roadmap run {week} --fast`)", flush=True)
            run_week(find_week(week), fast=True, seed=seed)
            source = find_model(week)
        if source is None:
            raise RoadmapError(f"no {week} model: run `roadmap run {week}` (or `roadmap run {week} --fast`) first")
        sources[role] = source
    return sources
