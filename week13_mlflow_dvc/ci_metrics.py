"""Week 13 stretch goal, "add metrics to CI": run the DVC pipeline in fast mode for `main` and for this branch,
publish `dvc metrics diff` between them as markdown (the CI job summary), and fail when a metric misses its target.

    python -m week13_mlflow_dvc.ci_metrics run --main ../main --summary "$GITHUB_STEP_SUMMARY"
    python -m week13_mlflow_dvc.ci_metrics report --project DIR --rev main     # only the diff and the verdict

`run` builds one throw-away git repository holding the DVC project (as `roadmap run week13` does, never touching
your checkout) with two commits:

1. `main`: main's dvc.yaml, params.yaml and stage code, the pipeline run with main's code (its checkout first on
   PYTHONPATH) and its `dvc.lock` committed; the outputs sit in the repository's DVC cache, where
   `dvc metrics diff` finds them;
2. this branch's project files on top, and the pipeline run again with this branch's code (`--force`: a change
   in `shared/` is not a DVC dependency, so nothing may be skipped), left in the workspace.

Both sides use the same fast-mode limits (`wine_mlops.FAST`: 900 wines, at most 30 trees) and seed, on the same
machine, so the diff shows what the branch changed and nothing else. `report` then runs `dvc metrics diff --json
--all main`, adds the derived ratio the target is about, and writes the tables.

First run (no `main` to compare with: the branch that adds week 13, a fork without `main`, or a `main` whose
week 13 has no DVC pipeline or whose params.yaml no longer validates): the summary says so, shows this branch's
metrics alone (the `main` column empty), and the targets are still enforced. Exit codes: 0 all targets met,
1 a target missed (CI fails), 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.atomic import atomic_write_text
from shared.cli import friendly_errors
from shared.errors import RoadmapError
from shared.markdown import markdown_table
from shared.targets import Target
from week13_mlflow_dvc import dvc_project, wine_mlops
from week13_mlflow_dvc.params import to_yaml

METRICS = "metrics.json"  # the pipeline's metrics file (dvc.yaml, stage `evaluate`)
MAIN_REV = "main"  # the branch name the baseline commit gets in the throw-away repository
# The week's own bar (wine_mlops.TARGETS: RMSE at most 85% of predicting the mean), here on the validation wines:
# the pipeline never scores the test split.
TARGETS = [Target("val_rmse_vs_baseline", "<=", wine_mlops.TARGETS[0].value, "week 13's bar, on validation")]


# --- the two commits -----------------------------------------------------------------------------------------------
@contextmanager
def _python_path(root: Path | None) -> Iterator[None]:
    """Put `root` first on PYTHONPATH for the commands run inside (`python -m week13_mlflow_dvc.stages` then
    imports main's code, not this branch's)."""
    before = os.environ.get("PYTHONPATH")
    if root is not None:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(Path(root).resolve()), *([before] if before else [])])
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def copy_project(week_dir: Path, project: Path, seed: int) -> None:
    """The DVC project files of `week_dir` into `project`, its params.yaml with the fast-mode limits applied."""
    for name in dvc_project.PROJECT_FILES:
        source = week_dir / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    params = wine_mlops.effective_params(wine_mlops.FAST, seed, path=week_dir / "params.yaml")
    atomic_write_text(project / "params.yaml", to_yaml(params))


def new_repository(project: Path) -> None:
    """An empty git repository at `project` (replacing whatever was there), on branch `main`."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    dvc_project.sh(project, "git", "init", "-q", "-b", MAIN_REV)
    for key, value in [("user.name", "ci"), ("user.email", "ci@localhost"), ("commit.gpgsign", "false")]:
        dvc_project.sh(project, "git", "config", key, value)


def build(project: Path, main_checkout: Path | None, seed: int = 42) -> str | None:
    """Commit main's pipeline results, then run this branch's pipeline in the workspace (see the module doc).

    Returns why there is no baseline (a sentence for the summary), or None when `main` was run."""
    new_repository(project)
    main_week = Path(main_checkout) / "week13_mlflow_dvc" if main_checkout else None
    missing = None
    if main_week is None or not (main_week / "dvc.yaml").is_file():
        missing = f"no week 13 DVC pipeline on `{MAIN_REV}` to compare with (first run)"
    else:
        try:
            copy_project(main_week, project, seed)
            dvc_project.commit(project, f"{MAIN_REV}: the DVC project")
            with _python_path(main_checkout):
                dvc_project.sh(project, "dvc", "repro", "--force")
            dvc_project.commit(project, f"{MAIN_REV}: dvc.lock after dvc repro")
        except RoadmapError as exc:  # main's params no longer validate, or its pipeline fails: say so, go on
            missing = f"`{MAIN_REV}`'s pipeline could not be run here ({str(exc).splitlines()[0]})"
    if missing is not None:  # start again from an empty commit: the diff then has no old values
        new_repository(project)
        dvc_project.commit(project, f"{MAIN_REV}: nothing to compare with")
    copy_project(wine_mlops.WEEK_DIR, project, seed)
    dvc_project.sh(project, "dvc", "repro", "--force")
    return missing


# --- the report ----------------------------------------------------------------------------------------------------
def with_ratio(metrics: dict) -> dict:
    """Add `val_rmse_vs_baseline` (the model's validation RMSE over predicting the training mean's)."""
    if metrics.get("val_rmse") is None or not metrics.get("baseline_val_rmse"):
        return metrics
    return {**metrics, "val_rmse_vs_baseline": metrics["val_rmse"] / metrics["baseline_val_rmse"]}


def metrics_diff(project: Path, rev: str) -> dict[str, dict]:
    """`dvc metrics diff --json --all REV` (REV against the workspace), as {metric: {"old", "new"}}."""
    raw = json.loads(dvc_project.sh(project, "dvc", "metrics", "diff", "--json", "--all", rev) or "{}")
    return {name: values for per_file in raw.values() for name, values in per_file.items()}


def report(project: Path, rev: str = MAIN_REV, note: str | None = None) -> tuple[str, bool]:
    """The job summary (markdown) and whether every target is met by the workspace's metrics."""
    diff = metrics_diff(project, rev)
    old = with_ratio({name: v.get("old") for name, v in diff.items()})
    new = with_ratio({name: v.get("new") for name, v in diff.items()})
    if not any(value is not None for value in new.values()):
        raise RoadmapError(f"`dvc metrics diff` found no metrics in {project}: did the pipeline run?")
    rows = [
        {"metric": name, rev: old.get(name), "this branch": new.get(name),
         "change": None if old.get(name) is None or new.get(name) is None else new[name] - old[name]}
        for name in sorted(set(old) | set(new))  # a metric the branch removed shows with an empty new value
    ]  # fmt: skip
    verdicts = [{"target": str(t), "source": t.source, "this branch": new.get(t.metric), "met": t.met(new)}
                for t in TARGETS]  # fmt: skip
    passed = all(v["met"] for v in verdicts)
    lines = [
        "## Week 13: DVC pipeline metrics (fast mode, validation split)",
        "",
        f"`dvc metrics diff {rev}`: the pipeline's metrics at `{rev}` against this branch's (the workspace); `run`"
        " makes both in one job, with the same fast-mode limits and seed.",
        *(["", f"**No baseline:** {note}; this branch's metrics are shown alone."] if note else []),
        "",
        markdown_table(rows, columns=["metric", rev, "this branch", "change"]),
        "",
        "### Targets",
        "",
        markdown_table(verdicts, columns=["target", "this branch", "met", "source"]),
        "",
        "**All targets met.**" if passed else "**A metric missed its target: this job fails.**",
    ]
    return "\n".join(lines) + "\n", passed


# --- the command ---------------------------------------------------------------------------------------------------
@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m week13_mlflow_dvc.ci_metrics", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the pipeline for main and this branch, then report")
    run.add_argument("--main", type=Path, help="a checkout of main (none or missing: first run, nothing to compare)")
    run.add_argument("--work", type=Path, help="folder for the throw-away repository (default: a temporary one)")
    run.add_argument("--seed", type=int, default=42)
    only = commands.add_parser("report", help="report on a DVC project that already has both sides")
    only.add_argument("--project", type=Path, required=True, help="a DVC project inside a git repository")
    only.add_argument("--rev", default=MAIN_REV, help="the git revision to compare the workspace with")
    for sub in (run, only):
        sub.add_argument("--summary", type=Path, help="append the markdown here (CI: $GITHUB_STEP_SUMMARY)")
    args = parser.parse_args(argv)

    if args.command == "report":
        if not (args.project / "dvc.yaml").is_file():
            raise RoadmapError(f"{args.project} is not a DVC project (no dvc.yaml)")
        markdown, passed = report(args.project, args.rev)
    else:
        with tempfile.TemporaryDirectory(prefix="week13-ci-") as tmp:
            project = (args.work or Path(tmp)) / "project"
            note = build(project, args.main, seed=args.seed)
            markdown, passed = report(project, MAIN_REV, note=note)
    print(markdown)
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:  # appended: other steps write there too
            summary.write(markdown)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
