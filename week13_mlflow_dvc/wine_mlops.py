"""Week 13: version the wine-quality data and pipeline with DVC, track a model sweep with MLflow.

Read top-down: Config → the DVC pipeline (prepare → train → evaluate, in a fresh git repository under the run's
output folder) → `dvc push` to a local remote → two `dvc exp run -S` variations compared with `dvc exp show` and
`dvc metrics diff` → the MLflow sweep (three model families, one child run per combination, compared on the
validation split) → the best registered as `wine-quality` with the alias `champion` → the champion, loaded back
through its alias, scored once on the test split → a screenshot of the MLflow UI's runs table.

DVC answers "which data, code and params made this file?" (dvc.yaml, dvc.lock, the cache and remote); MLflow
answers "which of my runs was best, and with what?" (runs, metrics, models, the registry). They complement each
other: the sweep reads the data DVC prepared and tags every run with its hashes.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from shared.data import fetch
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import bootstrap_ci
from shared.targets import Target
from week13_mlflow_dvc import dvc_project, tracking
from week13_mlflow_dvc.inference import CHAMPION_URI, load_model, predict
from week13_mlflow_dvc.model import DATASETS, FEATURES, TARGET, mae, rmse
from week13_mlflow_dvc.params import Params, load_params

WEEK_DIR = Path(__file__).resolve().parent
PARAMS_FILE = WEEK_DIR / "params.yaml"

TARGETS = [Target("rmse_vs_baseline", "<=", 0.85, "our bar: at least 15% lower RMSE than predicting the mean")]
HEADLINE = ("test_rmse",)


@dataclass(frozen=True, kw_only=True)
class Config:
    """How this run uses params.yaml, which holds every hyperparameter. Nothing here depends on a measured time."""

    max_rows: int | None = None  # None: params.yaml's prepare.max_rows (all wines); n: a sample of n wines
    grid_values: int | None = None  # None: the full sweep grids of params.yaml; n: the first n values of each list
    max_trees: int | None = None  # None: params.yaml's tree counts; n: at most n trees per forest/booster
    exp_variations: tuple[str, ...] = ("train.max_depth=3", "train.learning_rate=0.1")  # one `dvc exp run` each
    bootstrap_resamples: int | None = None  # None: params.yaml's evaluate.bootstrap_resamples
    screenshot: bool = True  # photograph the MLflow UI (needs Chromium; skipped with a message when absent)


FAST = Config(
    max_rows=900,
    grid_values=1,
    max_trees=30,
    exp_variations=("train.max_depth=3",),
    bootstrap_resamples=300,
    screenshot=False,
)


# --- params: params.yaml, with the seed and the fast mode's limits applied ---------------------------------------


def effective_params(config: Config, seed: int, path: Path = PARAMS_FILE) -> Params:
    """params.yaml (validated) with `seed` and the Config's limits applied; the result is what the run uses."""
    params = load_params(path)
    raw = params.model_dump()
    raw["seed"] = seed
    if config.max_rows is not None:
        raw["prepare"]["max_rows"] = config.max_rows
    if config.bootstrap_resamples is not None:
        raw["evaluate"]["bootstrap_resamples"] = config.bootstrap_resamples
    for values in raw["sweep"].values():
        for key, options in values.items():
            options = options[: config.grid_values] if config.grid_values else options
            values[key] = (
                [min(v, config.max_trees) for v in options] if key == "n_estimators" and config.max_trees else options
            )
    if config.max_trees is not None:
        raw["train"]["n_estimators"] = min(raw["train"]["n_estimators"], config.max_trees)
    return Params.model_validate(raw)


def check_inputs() -> None:
    """Fail before anything is written when a raw file is missing or does not match the registry's sha256."""
    for name in DATASETS:
        fetch(name)


# --- DVC: the pipeline, its remote and two experiments -----------------------------------------------------------


def run_pipeline(out_dir: Path, params: Params, variations: tuple[str, ...]) -> dict:
    """`dvc repro` twice (the second must do nothing), `dvc push`, then one `dvc exp run -S` per variation."""
    project = dvc_project.make_workspace(out_dir / "dvc-project", params, remote=out_dir / "dvc-remote")
    first = dvc_project.repro(project)
    again = dvc_project.repro(project)
    dvc_project.commit(project, "baseline: dvc.lock after the first repro")
    dvc_project.sh(project, "dvc", "push")
    for i, setting in enumerate(variations, start=1):
        dvc_project.exp_run(project, f"variation-{i}", setting)
    return {
        "project": project,
        "stages_run_first": first.count("Running stage"),
        "stages_run_again": again.count("Running stage"),
        "experiments": dvc_project.exp_show(project),
        "metrics_diff": dvc_project.metrics_diff(project),
    }


def read_splits(project: Path) -> dict[str, pd.DataFrame]:
    folder = project / "data" / "prepared"
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("train", "val", "test")}


def prepared_lineage(project: Path) -> dict:
    """The raw files' registry sha256 (from prepare) and the DVC hash of the prepared folder (from dvc.lock)."""
    import yaml

    lineage = json.loads((project / "data" / "prepared" / "lineage.json").read_text())
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    lineage["prepared_md5"] = lock["stages"]["prepare"]["outs"][0]["md5"]
    return lineage


# --- the test split, once ------------------------------------------------------------------------------------------


def rmse_ratio(y: np.ndarray, pred: np.ndarray, baseline: np.ndarray, axis: int = -1) -> np.ndarray:
    return rmse(y, pred, axis) / rmse(y, baseline, axis)


def score_on_test(y: np.ndarray, pred: np.ndarray, baseline: np.ndarray, *, resamples: int, seed: int) -> dict:
    """Test RMSE, MAE and RMSE relative to predicting the training mean, each with its 95% bootstrap interval."""
    metrics = {}
    for name, statistic, arrays in [
        ("test_rmse", rmse, (y, pred)),
        ("test_mae", mae, (y, pred)),
        ("rmse_vs_baseline", rmse_ratio, (y, pred, baseline)),
    ]:
        low, high = bootstrap_ci(statistic, *arrays, resamples=resamples, seed=seed)
        metrics |= {name: float(statistic(*arrays)), f"{name}_ci_low": low, f"{name}_ci_high": high}
    metrics["baseline_test_rmse"] = float(rmse(y, baseline))
    return metrics


# --- figures -------------------------------------------------------------------------------------------------------


def plot_sweep(table: pd.DataFrame, baseline_val_rmse: float) -> Figure:
    colours = {"elasticnet": "#4C72B0", "random_forest": "#55A868", "xgboost": "#C44E52"}
    ordered = table.sort_values("val_rmse")
    fig, ax = subplots(figsize=(9, 0.35 * len(table) + 1.8))
    ax.barh(ordered["run_name"], ordered["val_rmse"], color=[colours[f] for f in ordered["family"]])
    ax.axvline(baseline_val_rmse, color="grey", ls="--", lw=1, label="predict the training mean")
    ax.set(xlabel="validation RMSE (quality points, lower is better)", title="The MLflow sweep, one bar per child run")
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    return fig


def plot_test_predictions(y: np.ndarray, pred: np.ndarray) -> Figure:
    fig, ax = subplots(figsize=(6, 5))
    frame = pd.DataFrame({"quality": y, "pred": pred})
    groups = [frame.loc[frame["quality"] == q, "pred"] for q in sorted(frame["quality"].unique())]
    ax.boxplot(groups, positions=sorted(frame["quality"].unique()), widths=0.6)
    ax.plot([3, 9], [3, 9], color="#C44E52", lw=1, label="perfect prediction")
    ax.set(xlabel="tasters' quality grade", ylabel="champion's prediction", title="Champion on the test wines")
    ax.legend()
    return fig


# --- the run -------------------------------------------------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """DVC pipeline and experiments, MLflow sweep, champion registered and tested once, UI screenshot."""
    config = FAST if fast else Config()
    out_dir = Path(out_dir)
    params = effective_params(config, seed)  # a bad params.yaml stops here
    check_inputs()  # a missing or corrupt data file stops here
    uri = tracking.tracking_uri(out_dir)
    tracking.check_tracking_uri(uri)  # an unreachable tracking server stops here

    dvc = run_pipeline(out_dir, params, config.exp_variations)
    project = dvc["project"]
    splits = read_splits(project)
    lineage = prepared_lineage(project)

    experiment_id = tracking.start(uri, out_dir / "mlartifacts")
    with warnings.catch_warnings():  # a local path is a valid dataset source in two registered ways; either is fine
        warnings.filterwarnings("ignore", message="The specified dataset source can be interpreted")
        tags = tracking.run_tags(seed, lineage)
        grids = params.sweep.model_dump()
        parent_id, sweep = tracking.sweep(splits, grids, seed=seed, tags=tags, source=project / "data" / "prepared")
        best = tracking.choose(sweep)
        version = tracking.register_champion(best["model_uri"], f"best of sweep {parent_id} by validation RMSE")

        # The test split, once: the champion loaded back through its alias, exactly as a consumer would.
        champion = load_model(CHAMPION_URI)
        test = splits["test"]
        y_test = test[TARGET].to_numpy(dtype=float)
        pred = predict(champion, test[FEATURES])
        baseline = np.full_like(y_test, splits["train"][TARGET].mean())
        scores = score_on_test(y_test, pred, baseline, resamples=params.evaluate.bootstrap_resamples, seed=seed)
        tracking.log_test_scores(parent_id, scores, test, project / "data" / "prepared")

    dvc_metrics = json.loads((project / "metrics.json").read_text())
    figures = [
        save_figure(plot_sweep(sweep, dvc_metrics["baseline_val_rmse"]), out_dir, "sweep_validation_rmse"),
        save_figure(plot_test_predictions(y_test, pred), out_dir, "champion_test_predictions"),
    ]
    screenshot = take_screenshot(uri, out_dir, experiment_id) if config.screenshot else None
    if screenshot:
        figures.append(screenshot)

    sweep_table = sweep.assign(params=sweep["params"].map(lambda p: ", ".join(f"{k}={v}" for k, v in p.items())))
    metrics = {
        "n_rows_raw": lineage["rows_raw"],
        "n_duplicates_dropped": lineage["duplicates_dropped"],
        "n_train": lineage["rows_train"],
        "n_val": lineage["rows_val"],
        "n_test": lineage["rows_test"],
        "dvc_stages_run_first": dvc["stages_run_first"],
        "dvc_stages_run_again": dvc["stages_run_again"],
        "n_dvc_experiments": len(config.exp_variations),
        "n_sweep_runs": len(sweep),
        "n_families": sweep["family"].nunique(),
        "champion_run": best["run_name"],
        "champion_family": best["family"],
        "champion_run_id": best["run_id"],
        "champion_version": version,
        "champion_val_rmse": float(best["val_rmse"]),
        "pipeline_val_rmse": dvc_metrics["val_rmse"],
        "baseline_val_rmse": dvc_metrics["baseline_val_rmse"],
        **scores,
        "screenshot": screenshot is not None,
        "experiment_id": experiment_id,
        "parent_run_id": parent_id,
    }
    return Result(
        metrics=metrics,
        tables={
            "sweep": sweep_table[["run_name", "family", "params", "val_rmse", "val_mae", "run_id"]],
            "dvc_experiments": dvc["experiments"],
            "dvc_metrics_diff": dvc["metrics_diff"],
        },
        figures=figures,
    )


def take_screenshot(uri: str, out_dir: Path, experiment_id: str) -> Path | None:
    """The MLflow UI's runs table as a PNG, or None (with the reason printed) when no browser is installed."""
    from shared.browser import INSTALL_HINT, find_browser
    from week13_mlflow_dvc.mlflow_ui import mlflow_server, screenshot_runs

    if find_browser() is None:
        print(f"no screenshot of the MLflow UI: no Chromium found; {INSTALL_HINT}")
        return None
    png = out_dir / "mlflow_runs.png"
    if uri.startswith("http"):  # a team's server is already running: photograph it
        return screenshot_runs(uri, experiment_id, png)
    with mlflow_server(uri, out_dir / "mlartifacts", log=out_dir / "mlflow-server.log") as url:
        return screenshot_runs(url, experiment_id, png)
