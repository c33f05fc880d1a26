"""How `roadmap grade week13 PATH` checks a learner's MLflow sweep and DVC stages (see shared/grading).

The contract is the lesson's own API: `start` / `sweep` / `choose` / `register_champion` (tracking.py) and the
DVC stages `train` / `evaluate` (stages.py), through the thin adapter `Reference` below. The grader owns the data
and the store: 900 de-duplicated wines of its own (seed 2026), split 540 / 180 / 180, passed to `sweep` as
DataFrames; a fresh SQLite MLflow store in a temporary folder, whose URI it passes to `start`; small grids of its
own (4 combinations of the three families, 30 trees at most). It then reads the runs back with MlflowClient and
loads every model from its run, as a consumer would. The DVC stages read their declared inputs, which the grader
writes (`data/prepared/*.parquet` in a temporary project folder, and only the files a stage may read) with
params of its own (a validated `Params`, as params.yaml gives them).

The checks ask what the unit's tests ask: one child run per combination under a parent, with its params, metrics,
tags and a loadable model; the logged score is the model's RMSE on the validation rows; the champion is the
lowest of them; the same seed logs the same numbers; the alias moves to each newly registered version; the train
stage obeys params.yaml and fits on train.parquet only; evaluate scores the validation split. An empty SQLite
store costs seconds to create (MLflow's migrations), so the grader copies one it made earlier (a cache file).
"""

from __future__ import annotations

import atexit
import copy
import functools
import itertools
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect, fail
from shared.grading.probes import once, seeded

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # as tracking.py: grading never phones home
os.environ.setdefault("DO_NOT_TRACK", "true")

CONTRACT = [
    Function("start", "start(uri, artifact_root) -> str",
             "point MLflow (tracking and registry) at `uri` (the grader's sqlite:///…/mlflow.db) and at your "
             "experiment, created on first use with its artifacts under the folder `artifact_root`; return its id"),
    Function("sweep", "sweep(splits, grids, *, seed, tags, source) -> tuple[str, pd.DataFrame]",
             "splits: {'train', 'val', 'test'} DataFrames of the 12 features and `quality`; grids: {family: {param: "
             "[values]}} for elasticnet, random_forest, xgboost. Fit every combination on train with `seed`, score it "
             "on val, each in a child run of one parent run (params: `family` and every hyperparameter; metrics "
             "val_rmse, val_mae; `tags` on every run; the model logged). Return the parent's run id and one row per "
             "child: run_id, family, val_rmse, model_uri"),
    Function("choose", "choose(table) -> pd.Series", "the champion's row of the table `sweep` returned"),
    Function("register_champion", "register_champion(model_uri, description) -> str",
             "register the model as a new version of `wine-quality`, point the alias `champion` at it, return the "
             "version"),
    Function("train", "train(root, params) -> model",
             "DVC stage: fit XGBRegressor(**params.train, random_state=params.seed) on "
             "root/data/prepared/train.parquet; save it to root/models/model.json (XGBoost's JSON)"),
    Function("evaluate", "evaluate(root) -> dict",
             "DVC stage: score root/models/model.json on root/data/prepared/val.parquet; write the metrics "
             "(val_rmse, ...) to root/metrics.json and return them"),
]  # fmt: skip
REFERENCE = "week13_mlflow_dvc.grading:Reference"
MEMORY_MB = 4096  # MLflow + XGBoost + scikit-learn map ~2.5 GB of address space
SWEEP_TIMEOUT_S = 120.0  # the first MLflow check pays for importing MLflow and for the sweep itself

GRADER_SEED = 2026  # draws the grader's wines (the lesson splits with 42)
SEED = 42  # the `seed` every call gets
N_ROWS, N_TRAIN, N_VAL = 900, 540, 180  # the rest (180) is the grader's test split, for the metric only
FEATURES = ["fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides", "free_sulfur_dioxide",
            "total_sulfur_dioxide", "density", "ph", "sulphates", "alcohol", "is_red"]  # fmt: skip
TARGET = "quality"
MODEL_NAME, ALIAS = "wine-quality", "champion"
GRIDS = {
    "elasticnet": {"alpha": [0.05], "l1_ratio": [0.5]},
    "random_forest": {"n_estimators": [30], "min_samples_leaf": [5], "max_features": [0.5]},
    "xgboost": {"n_estimators": [30], "max_depth": [2, 4], "learning_rate": [0.1], "subsample": [0.8]},
}
CANDIDATES = [(family, dict(zip(grid, values, strict=True)))
              for family, grid in GRIDS.items() for values in itertools.product(*grid.values())]  # fmt: skip
TAGS = {"seed": str(SEED), "data.licence": "CC BY 4.0", "grader.token": "wq-3c81f0"}
TRAIN = {"n_estimators": 30, "max_depth": 3, "learning_rate": 0.1, "subsample": 0.8}  # the DVC stage's params
MEAN_GRID = {"elasticnet": {"alpha": [1e6], "l1_ratio": [1.0]}}  # a penalty that zeroes every coefficient


class Reference:
    """The lesson's tracking.py and stages.py under the contract's names (imported when first called)."""

    @staticmethod
    def start(uri, artifact_root):
        from week13_mlflow_dvc import tracking

        return tracking.start(uri, artifact_root)

    @staticmethod
    def sweep(splits, grids, *, seed, tags, source):
        from week13_mlflow_dvc import tracking

        return tracking.sweep(splits, grids, seed=seed, tags=tags, source=source)

    @staticmethod
    def choose(table):
        from week13_mlflow_dvc import tracking

        return tracking.choose(table)

    @staticmethod
    def register_champion(model_uri, description):
        from week13_mlflow_dvc import tracking

        return tracking.register_champion(model_uri, description)

    @staticmethod
    def train(root, params):
        from week13_mlflow_dvc import stages

        return stages.train(root, params)

    @staticmethod
    def evaluate(root):
        from week13_mlflow_dvc import stages

        return stages.evaluate(root)


def _mean_sweep(splits, grids, *, seed, tags, source):
    """The baseline's sweep: one 'model' that predicts the training mean, tracked by the lesson's own code."""
    return Reference.sweep(splits, MEAN_GRID, seed=seed, tags=tags, source=source)


MEAN = SimpleNamespace(start=Reference.start, sweep=_mean_sweep, choose=Reference.choose)


# --- the grader's data, store and project folders ---------------------------------------------------------


@functools.cache
def data() -> dict[str, pd.DataFrame]:
    """900 de-duplicated wines (both colours) drawn with the grader's seed: train / val / test."""
    from week13_mlflow_dvc.model import load_wines

    wines = load_wines().drop_duplicates(ignore_index=True).sample(n=N_ROWS, random_state=GRADER_SEED)
    wines = wines.reset_index(drop=True)
    return {"train": wines.iloc[:N_TRAIN].reset_index(drop=True),
            "val": wines.iloc[N_TRAIN : N_TRAIN + N_VAL].reset_index(drop=True),
            "test": wines.iloc[N_TRAIN + N_VAL :].reset_index(drop=True)}  # fmt: skip


def splits() -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in data().items()}  # a solution that edits them edits copies


def rmse(y, pred) -> float:
    return float(np.sqrt(np.mean((np.asarray(y, dtype=float) - np.asarray(pred, dtype=float)) ** 2)))


def empty_store() -> Path:
    """An empty MLflow SQLite store, made once and cached (creating one runs MLflow's migrations: seconds)."""
    import mlflow
    from mlflow import MlflowClient

    from shared.atomic import atomic_write_bytes
    from shared.data import derived_dir

    cached = derived_dir("week13_grading") / f"mlflow-{mlflow.__version__}-empty.db"
    if not cached.is_file():
        with tempfile.TemporaryDirectory(prefix="roadmap-grade-") as tmp:
            MlflowClient(tracking_uri=f"sqlite:///{Path(tmp) / 'mlflow.db'}").search_experiments()
            atomic_write_bytes(cached, (Path(tmp) / "mlflow.db").read_bytes())
    return cached


STORE_PREFIX = "roadmap-grade-week13-"
STALE_S = 6 * 3600  # a store this old was left by a worker stopped for time or memory (atexit never ran)


@functools.cache
def store() -> tuple[str, Path]:
    """(tracking URI, folder) of this process's store: one per worker, shared by the solutions it grades."""
    # In memory where Linux offers it: SQLite syncs every commit to disk, which costs seconds on a busy disk.
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix=STORE_PREFIX, dir=memory))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for old in folder.parent.glob(f"{STORE_PREFIX}*"):
        if old != folder and time.time() - old.stat().st_mtime > STALE_S:
            shutil.rmtree(old, ignore_errors=True)
    shutil.copyfile(empty_store(), folder / "mlflow.db")
    return f"sqlite:///{folder / 'mlflow.db'}", folder


def client():
    from mlflow import MlflowClient

    uri, _ = store()
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def run_sweep(sol, global_seed: int) -> tuple[str, pd.DataFrame]:
    """`sol.sweep` on the grader's splits and grids, in the grader's store, the global random state set to
    `global_seed` (the `seed` argument is always SEED: a solution must not depend on the global state)."""
    import mlflow

    uri, folder = store()
    sol.start(uri, folder / "mlartifacts")
    try:
        with warnings.catch_warnings():  # a local path is a valid dataset source in two ways; either is fine
            warnings.filterwarnings("ignore", message="The specified dataset source can be interpreted")
            warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer")  # `quality`
            call = functools.partial(sol.sweep, seed=SEED, tags=dict(TAGS), source=folder / "prepared")
            parent, table = seeded(global_seed, call, splits(), copy.deepcopy(GRIDS))
    finally:
        while mlflow.active_run():  # a solution that raised inside a run leaves it open
            mlflow.end_run()
    expect(isinstance(table, pd.DataFrame), f"sweep returned a {type(table).__name__} as its table, not a DataFrame")
    missing = {"run_id", "family", "val_rmse", "model_uri"} - set(table.columns)
    expect(not missing, f"sweep's table lacks the column(s) {sorted(missing)}; it has {list(table.columns)}")
    return str(parent), table.reset_index(drop=True)


def swept(sol) -> SimpleNamespace:
    """The solution's sweep, run once and shared by the checks and metrics that read it."""

    def make():
        parent, table = run_sweep(sol, SEED)
        return SimpleNamespace(parent=parent, table=table)

    return once(sol, "sweep", make)


def children(sol) -> list:
    s = swept(sol)
    c = client()
    experiment = c.get_run(s.parent).info.experiment_id
    return c.search_runs([experiment], filter_string=f"tags.mlflow.parentRunId = '{s.parent}'", max_results=1000)


def load(model_uri: str):
    import mlflow

    uri, _ = store()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return mlflow.pyfunc.load_model(str(model_uri))


def models(sol) -> dict[str, object]:
    """Every child's model, loaded from its model_uri as a consumer would (by run id)."""
    return once(sol, "models", lambda: {str(row.run_id): load(row.model_uri) for row in swept(sol).table.itertuples()})


def predict(model, split: str) -> np.ndarray:
    return np.asarray(model.predict(data()[split][FEATURES].copy()), dtype=float).reshape(-1)


def project(*names: str) -> Path:
    """A fresh DVC project folder holding the grader's data/prepared/<name>.parquet for `names` only."""
    _, folder = store()
    root = Path(tempfile.mkdtemp(prefix="dvc-", dir=folder))
    (root / "data" / "prepared").mkdir(parents=True)
    for name in names:
        data()[name].to_parquet(root / "data" / "prepared" / f"{name}.parquet", index=False)
    return root


def params(seed: int = SEED, **train):
    """The grader's params, validated by the lesson's schema (what a stage gets from params.yaml)."""
    from week13_mlflow_dvc.params import parse_params

    raw = {"seed": seed, "prepare": {"val_size": 0.2, "test_size": 0.2, "max_rows": None}, "train": TRAIN | train,
           "sweep": copy.deepcopy(GRIDS), "evaluate": {"bootstrap_resamples": 100}}  # fmt: skip
    return parse_params(raw, "the grader's params")


def saved_model(root: Path):
    from xgboost import XGBRegressor

    path = root / "models" / "model.json"
    expect(path.is_file(), "train wrote no models/model.json (the stage's declared output)")
    model = XGBRegressor()
    model.load_model(path)
    return model


# --- checks: MLflow -------------------------------------------------------------------------------------------


def check_child_runs(sol) -> None:
    s, kids = swept(sol), children(sol)
    expect(len(kids) == len(CANDIDATES), f"the parent run {s.parent} has {len(kids)} child runs for "
                                         f"{len(CANDIDATES)} combinations in the grader's grids")  # fmt: skip
    ids = {r.info.run_id for r in kids}
    expect(
        len(s.table) == len(CANDIDATES) and set(s.table["run_id"].astype(str)) == ids,
        f"the table's {len(s.table)} run_id(s) are not the {len(ids)} child runs of the parent",
    )


def _logs(run, family: str, values: dict) -> bool:
    logged = run.data.params
    try:
        return logged.get("family") == family and all(float(logged[k]) == float(v) for k, v in values.items())
    except (KeyError, ValueError):
        return False


def check_params_and_metrics(sol) -> None:
    kids = children(sol)
    expect(kids, "the parent run has no child runs to read params from")
    missing = [f"{family} {values}" for family, values in CANDIDATES if not any(_logs(r, family, values) for r in kids)]
    expect(not missing, f"no child run logs the params of {missing[0]} (as `family` and one param per "
                        f"hyperparameter); a child logs {kids[0].data.params}" if missing else "")  # fmt: skip
    table = dict(zip(swept(sol).table["run_id"].astype(str), swept(sol).table["val_rmse"], strict=True))
    for run in kids:
        logged = run.data.metrics
        expect({"val_rmse", "val_mae"} <= set(logged), f"child run {run.info.run_id} logs the metrics "
                                                       f"{sorted(logged)}, not val_rmse and val_mae")  # fmt: skip
        if run.info.run_id in table:
            expect(abs(logged["val_rmse"] - float(table[run.info.run_id])) <= 1e-9,
                   f"child run {run.info.run_id} logs val_rmse {logged['val_rmse']:.6f}, the table says "
                   f"{float(table[run.info.run_id]):.6f}")  # fmt: skip


def check_tags(sol) -> None:
    runs = [client().get_run(swept(sol).parent), *children(sol)]
    for run in runs:
        missing = {k: v for k, v in TAGS.items() if run.data.tags.get(k) != v}
        role = "the parent run" if run.info.run_id == swept(sol).parent else f"child run {run.info.run_id}"
        expect(not missing, f"{role} lacks the tag(s) {missing} the grader passed")


def check_models_load(sol) -> None:
    from mlflow.models import get_model_info

    for row in swept(sol).table.itertuples():
        load(row.model_uri)  # sets the store for get_model_info too
        info = get_model_info(str(row.model_uri))
        expect(info.run_id == str(row.run_id), f"the model {row.model_uri} was logged in run {info.run_id}, "
                                               f"not in its child run {row.run_id}")  # fmt: skip
    for run_id, model in models(sol).items():
        pred = predict(model, "val")
        expect(
            pred.shape == (N_VAL,) and np.isfinite(pred).all(),
            f"the model of run {run_id}, loaded back, gives {pred.shape} predictions for {N_VAL} wines",
        )


def check_scored_on_validation(sol) -> None:
    y = {split: data()[split][TARGET] for split in ("train", "val", "test")}
    for row in swept(sol).table.itertuples():
        model = models(sol)[str(row.run_id)]
        scores = {split: rmse(y[split], predict(model, split)) for split in y}
        if abs(float(row.val_rmse) - scores["val"]) > 1e-6 * max(1.0, scores["val"]):
            same = [split for split in ("train", "test") if abs(float(row.val_rmse) - scores[split]) <= 1e-6]
            fail(
                f"run {row.run_id} ({row.family}) logs val_rmse {float(row.val_rmse):.4f}, but its model's RMSE on "
                f"the validation wines is {scores['val']:.4f}"
                + (f": {float(row.val_rmse):.4f} is its RMSE on the {same[0]} split" if same else "")
            )


def check_champion(sol) -> None:
    table = swept(sol).table
    row = sol.choose(table.copy())
    chosen, best = float(row["val_rmse"]), float(table["val_rmse"].min())
    expect(str(row["run_id"]) in set(table["run_id"].astype(str)), f"choose returned run {row['run_id']}, "
                                                                   "not a row of the table")  # fmt: skip
    expect(chosen == best, f"choose picked {row['run_id']} with val_rmse {chosen:.4f}; the lowest is {best:.4f}")


def check_same_seed(sol) -> None:
    first = swept(sol).table
    _, second = run_sweep(sol, SEED + 1)
    a, b = first["val_rmse"].to_numpy(dtype=float), second["val_rmse"].to_numpy(dtype=float)
    expect(a.shape == b.shape, f"two sweeps of the same grids logged {a.size} and {b.size} runs")
    gap = float(np.max(np.abs(a - b)))
    worst = first["family"].iloc[int(np.argmax(np.abs(a - b)))]
    expect(gap == 0, f"two sweeps with seed={SEED} (and the global random state left as it happened to be) logged "
                     f"val_rmse up to {gap:.4g} apart ({worst})")  # fmt: skip


def check_registry(sol) -> None:
    from mlflow.exceptions import MlflowException

    table, c = swept(sol).table, client()
    expect(len(table) >= 2, f"the sweep's table has {len(table)} row(s); registering needs two models")
    versions = []
    for row in (table.iloc[0], table.iloc[1]):
        version = str(sol.register_champion(row["model_uri"], "registered by the grader"))
        try:
            alias = c.get_model_version_by_alias(MODEL_NAME, ALIAS)
        except MlflowException as exc:
            fail(f"after register_champion, `{MODEL_NAME}@{ALIAS}` does not resolve: {exc.message.splitlines()[0]}")
        expect(str(alias.version) == version, f"register_champion returned version {version}, but the alias "
                                              f"{ALIAS} points at version {alias.version}")  # fmt: skip
        expect(alias.run_id == str(row["run_id"]), f"{MODEL_NAME}@{ALIAS} holds the model of run {alias.run_id}, "
                                                   f"not the one registered ({row['run_id']})")  # fmt: skip
        versions.append(version)
    expect(versions[0] != versions[1], f"two registrations both gave version {versions[0]}")
    served = predict(load(f"models:/{MODEL_NAME}@{ALIAS}"), "val")
    own = predict(models(sol)[str(table.iloc[1]["run_id"])], "val")
    expect(np.array_equal(served, own), f"models:/{MODEL_NAME}@{ALIAS} does not predict like the model registered last")


# --- checks: the DVC stages -----------------------------------------------------------------------------------


def check_train_params(sol) -> None:
    root = project("train", "val", "test")

    def fit(**changes):
        sol.train(root, params(**changes))
        model = saved_model(root)
        return predict(model, "val"), model.get_booster().num_boosted_rounds()

    base, rounds = fit()
    expect(rounds == TRAIN["n_estimators"], f"params.train.n_estimators is {TRAIN['n_estimators']}, but "
                                            f"models/model.json holds {rounds} trees")  # fmt: skip
    expect(not np.allclose(fit(max_depth=6)[0], base), "train.max_depth 3 → 6 left the saved model's predictions "
                                                       "unchanged")  # fmt: skip
    expect(not np.allclose(fit(seed=7)[0], base), f"seed {SEED} → 7 (with subsample 0.8) left the saved model's "
                                                  "predictions unchanged")  # fmt: skip
    expect(np.array_equal(fit()[0], base), "training twice with the same params and seed saved different models")


def check_train_reads_train(sol) -> None:
    root = project("train")
    try:
        sol.train(root, params())
    except FileNotFoundError as exc:
        fail(f"train read {exc.filename or exc}: the grader gave the stage data/prepared/train.parquet only")
    saved_model(root)


def check_evaluate(sol) -> None:
    from xgboost import XGBRegressor

    root = project("train", "val", "test")
    train = data()["train"]
    model = XGBRegressor(**TRAIN, random_state=SEED, n_jobs=1).fit(train[FEATURES], train[TARGET])
    (root / "models").mkdir()
    model.save_model(root / "models" / "model.json")
    metrics = sol.evaluate(root)
    expect(isinstance(metrics, dict) and "val_rmse" in metrics, f"evaluate returned {metrics!r}, not a dict with "
                                                                "val_rmse")  # fmt: skip
    scores = {split: rmse(data()[split][TARGET], model.predict(data()[split][FEATURES])) for split in data()}
    got = float(metrics["val_rmse"])
    same = [split for split in ("train", "test") if abs(got - scores[split]) <= 1e-5]
    expect(abs(got - scores["val"]) <= 1e-5, f"evaluate reports val_rmse {got:.4f}; the model's RMSE on "
                                             f"val.parquet is {scores['val']:.4f}"
           + (f" ({got:.4f} is its RMSE on {same[0]}.parquet)" if same else ""))  # fmt: skip
    leaked = [key for key in metrics if "test" in str(key).lower()]
    expect(not leaked, f"evaluate reports test-split metrics {leaked}: every `dvc exp show` would then show them")
    path = root / "metrics.json"
    expect(path.is_file(), "evaluate wrote no metrics.json (the stage's declared metrics file)")
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    expect(
        abs(float(on_disk.get("val_rmse", np.nan)) - got) <= 1e-9,
        f"metrics.json holds val_rmse {on_disk.get('val_rmse')!r}, evaluate returned {got}",
    )


CHECKS = [
    Check("one_child_run_per_combination", "tracking", check_child_runs,
          "open one parent run and, inside it, one `mlflow.start_run(nested=True)` per combination, and return the "
          "children's run ids: candidates logged into one run overwrite each other's params and metrics",
          timeout_s=SWEEP_TIMEOUT_S),
    Check("params_and_metrics_logged", "tracking", check_params_and_metrics,
          "log `family` and every hyperparameter of the combination (`mlflow.log_params`) and val_rmse, val_mae "
          "(`mlflow.log_metrics`) inside the child run itself, not on the parent or only in the table",
          timeout_s=SWEEP_TIMEOUT_S),
    Check("tags_on_every_run", "tracking", check_tags,
          "nested runs do not inherit the parent's tags: pass `tags=` to every `mlflow.start_run`, so whichever run "
          "someone opens names its seed and data", timeout_s=SWEEP_TIMEOUT_S),
    Check("model_loads_from_its_run", "tracking", check_models_load,
          "log each model in its child run with its flavour's `log_model(model, name='model', ...)` and return "
          "`info.model_uri`: a model saved to a local file is not in the run and cannot be registered or served",
          timeout_s=SWEEP_TIMEOUT_S),
    Check("scored_on_validation", "evaluation", check_scored_on_validation,
          "score every candidate on the validation split: the test split is for the champion only, once, after "
          "choosing", timeout_s=SWEEP_TIMEOUT_S),
    Check("champion_is_lowest_validation_rmse", "evaluation", check_champion,
          "the champion is the lowest validation RMSE (`idxmin`: RMSE is an error, lower is better), never chosen "
          "by a test score", timeout_s=SWEEP_TIMEOUT_S),
    Check("same_seed_same_runs", "evaluation", check_same_seed,
          "pass `seed` to every model as `random_state`: without it a random forest draws differently on every "
          "run, and a global np.random.seed hides that only until something else draws first",
          timeout_s=SWEEP_TIMEOUT_S),
    Check("alias_moves_to_each_new_version", "registry", check_registry,
          "register a new version each time (`mlflow.register_model`) and move the alias to it "
          "(`MlflowClient().set_registered_model_alias('wine-quality', 'champion', version)`): consumers load "
          "`models:/wine-quality@champion`, so an alias left behind keeps serving the old model",
          timeout_s=SWEEP_TIMEOUT_S),
    Check("train_follows_params_and_seed", "pipeline", check_train_params,
          "build the model from params.train and params.seed (`XGBRegressor(**params.train.model_dump(), "
          "random_state=params.seed)`): a hard-coded value makes `dvc exp run -S train.max_depth=3` change "
          "nothing but the lock file"),
    Check("train_reads_only_train", "pipeline", check_train_reads_train,
          "the train stage depends on data/prepared but fits on train.parquet only: fitting on train + validation "
          "makes every validation score, and `dvc exp show`, optimistic"),
    Check("evaluate_scores_validation", "pipeline", check_evaluate,
          "evaluate scores models/model.json on val.parquet and writes those numbers to metrics.json; no stage "
          "reads the test split"),
]  # fmt: skip


# --- metrics ---------------------------------------------------------------------------------------------------


def champion_test_rmse(sol) -> float:
    """The champion `choose` picks from the solution's own sweep, loaded from its run, on the grader's test wines."""
    row = sol.choose(swept(sol).table.copy())
    return rmse(data()["test"][TARGET], predict(load(row["model_uri"]), "test"))


METRICS = [
    Metric("champion_test_rmse", champion_test_rmse, "lower", baseline=MEAN,
           baseline_name="the training mean (an ElasticNet whose penalty zeroes every coefficient)",
           description=f"the champion of your sweep on the grader's {N_ROWS - N_TRAIN - N_VAL} test wines "
                       "(quality points)", timeout_s=SWEEP_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "tracking",
    "evaluation",
    "registry",
    "pipeline",
    self_assessment=[
        SelfCheck("Does `dvc repro` run your three stages and then, unchanged, none; do `dvc push`, deleting the "
                  "outputs and `dvc pull` give the same bytes back?", "week13_mlflow_dvc/README.md#how-to-run"),
        SelfCheck("Does `prepare` drop the duplicate wines before splitting, so no wine sits in train and test?",
                  "week13_mlflow_dvc/README.md#write-up"),
        SelfCheck("Is there a screenshot of the MLflow UI showing your runs, and does your write-up say what DVC "
                  "versions and what MLflow tracks?", "week13_mlflow_dvc/README.md#dvc-and-mlflow-are-complements"),
        SelfCheck("Does nothing from your environment (tokens, keys) reach the store or the artifacts?",
                  "week13_mlflow_dvc/README.md#write-up"),
        SelfCheck("Do you say whose taste the quality grade is, and what that means for the model?",
                  "week13_mlflow_dvc/README.md#ethics"),
    ],
)  # fmt: skip
