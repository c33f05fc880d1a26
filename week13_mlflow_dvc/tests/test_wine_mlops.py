"""Week 13: real DVC in a throw-away git repository, a real MLflow store and server, a real headless browser.

Tiers: pure functions (params schema, grids, the server helper's clean-up); the DVC pipeline (repro skips what
did not change, push → delete → pull is byte-identical); one fast run shared by the MLflow checks (champion
registered and reloadable in a fresh process, lineage and licence tags, no secret logged, reproducible metric);
the MLflow server round trip and the UI screenshot; bad input ending in one message and exit 2.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from shared.data.registry import DATASETS
from shared.errors import RoadmapError
from shared.runner import run_week
from shared.servers import free_port, serve
from shared.testing import assert_user_error, run_cli
from shared.weeks import find_week
from week13_mlflow_dvc import dvc_project, tracking
from week13_mlflow_dvc.model import FEATURES, TARGET, grid, make_model, rmse
from week13_mlflow_dvc.params import load_params, parse_params
from week13_mlflow_dvc.wine_mlops import FAST, PARAMS_FILE, effective_params

SECRET = "sk-week13-planted-secret-5f2a9c"


# --- pure functions --------------------------------------------------------------------------------------------


def test_params_file_is_valid_and_holds_every_hyperparameter():
    params = load_params(PARAMS_FILE)
    assert params.train.n_estimators > 0 and set(params.sweep.model_dump()) == {"elasticnet", "random_forest",
                                                                               "xgboost"}  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw["train"].update(n_estimator=300), "train.n_estimator: extra inputs are not permitted"),
        (lambda raw: raw["train"].update(max_depth="6"), "train.max_depth"),
        (lambda raw: raw["prepare"].update(test_size=0.9), "prepare.test_size"),
        (lambda raw: raw.pop("sweep"), "sweep: field required"),
    ],
)
def test_params_schema_refuses_unknown_mistyped_and_out_of_range_keys(edit, message):
    raw = yaml.safe_load(PARAMS_FILE.read_text())
    edit(raw)
    with pytest.raises(RoadmapError, match="params.yaml is invalid") as info:
        parse_params(raw)
    assert message in str(info.value)


def test_fast_params_truncate_grids_cap_trees_and_take_the_seed():
    params = effective_params(FAST, seed=7)
    assert params.seed == 7 and params.prepare.max_rows == FAST.max_rows
    sweep = params.sweep.model_dump()
    assert all(len(values) == 1 for family in sweep.values() for values in family.values())
    assert sweep["xgboost"]["n_estimators"] == [FAST.max_trees] and params.train.n_estimators == FAST.max_trees


def test_grid_is_the_cartesian_product_in_order():
    assert grid({"a": [1, 2], "b": [3]}) == [{"a": 1, "b": 3}, {"a": 2, "b": 3}]
    assert len(tracking.candidates(load_params(PARAMS_FILE).sweep.model_dump())) >= 9  # ≥ 3 families × a few


def test_server_helper_stops_its_process_group_even_when_the_block_raises():
    """A failing block must leave nothing listening: the helper's finally kills the whole group."""
    port = free_port()
    command = [sys.executable, "-m", "http.server", "{port}", "--bind", "{host}"]
    with pytest.raises(RuntimeError), serve(command, port=port, timeout=60) as url:
        assert url.endswith(f":{port}")
        raise RuntimeError("the test failed here")
    with pytest.raises(OSError):  # nobody answers any more
        import urllib.request

        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


# --- DVC -------------------------------------------------------------------------------------------------------


def _hashes(root: Path) -> dict[str, str]:
    files = [p for folder in ("data", "models", "plots") for p in (root / folder).rglob("*") if p.is_file()]
    files += [root / "metrics.json"]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
            if p.name != ".gitignore"}  # fmt: skip


# --- one fast run, shared by the MLflow checks ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    """`roadmap run week13 --fast` in a temporary folder, with a fake secret planted in the environment."""
    out_dir = tmp_path_factory.mktemp("week13")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.setenv("WEEK13_FAKE_API_TOKEN", SECRET)
        summary = run_week(find_week("week13"), fast=True, seed=42, out_dir=out_dir)
    return out_dir, summary["metrics"]


def test_fast_run_tracks_a_sweep_registers_the_champion_and_beats_the_mean(fast_run):
    out_dir, m = fast_run
    assert m["dvc_stages_run_first"] == 3 and m["dvc_stages_run_again"] == 0
    assert m["n_families"] == 3 and m["n_sweep_runs"] >= 3
    assert m["champion_version"] == "1"
    # The champion is the best child on validation, and it must clearly beat predicting the mean on test.
    sweep = pd.read_csv(out_dir / "tables" / "sweep.csv")
    assert m["champion_val_rmse"] == pytest.approx(sweep["val_rmse"].min())
    assert m["rmse_vs_baseline_ci_high"] < 1.0 and m["test_rmse"] < m["baseline_test_rmse"]
    assert m["test_rmse_ci_low"] <= m["test_rmse"] <= m["test_rmse_ci_high"]
    experiments = pd.read_csv(out_dir / "tables" / "dvc_experiments.csv")
    assert "variation-1" in set(experiments["Experiment"].fillna(""))
    diff = pd.read_csv(out_dir / "tables" / "dvc_metrics_diff.csv")
    assert "val_rmse" in set(diff["metric"])


def test_dvc_repro_reruns_only_what_changed_and_pull_restores_identical_files(fast_run, tmp_path):
    """In a copy of the fast run's DVC project (git repo, cache and all): the run already showed the first
    `dvc repro` running 3 stages and the second none; here one train param changes, then push → delete → pull."""
    out_dir, m = fast_run
    assert m["dvc_stages_run_first"] == 3 and m["dvc_stages_run_again"] == 0
    project = tmp_path / "project"
    shutil.copytree(out_dir / "dvc-project", project, symlinks=True)
    (project / ".dvc" / "config.local").write_text(f"['remote \"local\"']\n    url = {tmp_path / 'remote'}\n")
    assert "Running stage" not in dvc_project.repro(project)  # unchanged: nothing to do

    raw = yaml.safe_load((project / "params.yaml").read_text())
    raw["train"]["max_depth"] = 2
    (project / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    edited = dvc_project.repro(project)
    assert "Stage 'prepare' didn't change, skipping" in edited
    assert "Running stage 'train'" in edited and "Running stage 'evaluate'" in edited

    dvc_project.sh(project, "dvc", "push")
    before = _hashes(project)
    expected = {"data/prepared/train.parquet", "data/prepared/test.parquet", "models/model.json", "metrics.json"}
    assert expected <= set(before)
    for folder in (".dvc/cache", "data", "models", "plots"):
        shutil.rmtree(project / folder)
    (project / "metrics.json").unlink()
    dvc_project.sh(project, "dvc", "pull")
    assert _hashes(project) == before


def test_runs_carry_lineage_commit_seed_licence_and_a_model_with_signature(fast_run):
    from mlflow import MlflowClient

    out_dir, m = fast_run
    client = MlflowClient(tracking_uri=f"sqlite:///{out_dir / 'mlflow.db'}")
    run = client.get_run(m["champion_run_id"])
    tags = run.data.tags
    assert tags["data.licence"] == "CC BY 4.0" and "Cortez" in tags["data.citation"]
    assert tags["data.wine_red.sha256"] == DATASETS["wine_red"].sha256
    assert tags["data.wine_white.sha256"] == DATASETS["wine_white"].sha256
    assert tags["seed"] == "42" and len(tags["git_commit"]) >= 7
    assert run.data.params["family"] == m["champion_family"] and "val_rmse" in run.data.metrics
    assert {d.dataset.name for d in run.inputs.dataset_inputs} == {"wine-quality-train", "wine-quality-val"}
    version = client.get_model_version_by_alias(tracking.MODEL_NAME, tracking.ALIAS)
    assert str(version.version) == "1" and version.run_id == m["champion_run_id"]
    from mlflow.models import get_model_info

    info = get_model_info(f"models:/{tracking.MODEL_NAME}@{tracking.ALIAS}")
    assert info.signature.inputs.input_names() == FEATURES and info.saved_input_example_info is not None


def test_no_secret_from_the_environment_reaches_the_store_or_artifacts(fast_run):
    out_dir, _ = fast_run
    files = [p for p in out_dir.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert any(p.name == "mlflow.db" for p in files) and any(p.name == "MLmodel" for p in files)
    leaks = [str(p) for p in files if SECRET.encode() in p.read_bytes()]
    assert not leaks


def test_champion_loaded_by_alias_in_a_fresh_process_predicts_identically(fast_run, tmp_path):
    from week13_mlflow_dvc.inference import CHAMPION_URI, load_model, predict

    out_dir, _ = fast_run
    uri = f"sqlite:///{out_dir / 'mlflow.db'}"
    test = pd.read_parquet(out_dir / "dvc-project" / "data" / "prepared" / "test.parquet")
    in_process = predict(load_model(CHAMPION_URI, tracking_uri=uri), test)
    script = textwrap.dedent(f"""
        import numpy as np, pandas as pd
        from week13_mlflow_dvc.inference import CHAMPION_URI, load_model, predict
        frame = pd.read_parquet({str(out_dir / "dvc-project/data/prepared/test.parquet")!r})
        np.save({str(tmp_path / "pred.npy")!r}, predict(load_model(CHAMPION_URI, tracking_uri={uri!r}), frame))
    """)
    subprocess.run(
        [sys.executable, "-c", script], check=True, timeout=300, env={**os.environ, "MLFLOW_TRACKING_URI": uri}
    )
    assert np.array_equal(np.load(tmp_path / "pred.npy"), in_process)


def test_rerunning_the_champions_params_with_the_seed_gives_its_metric(fast_run):
    out_dir, m = fast_run
    params = effective_params(FAST, seed=42)
    family, chosen = next((f, p) for f, p in tracking.candidates(params.sweep.model_dump())
                          if f"{f}-" + "-".join(f"{k}={v}" for k, v in p.items()) == m["champion_run"])  # fmt: skip
    prepared = out_dir / "dvc-project" / "data" / "prepared"
    train, val = (pd.read_parquet(prepared / f"{s}.parquet") for s in ("train", "val"))
    model = make_model(family, chosen, seed=42).fit(train[FEATURES], train[TARGET])
    assert float(rmse(val[TARGET], model.predict(val[FEATURES]))) == m["champion_val_rmse"]


# --- the MLflow server and its UI ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(fast_run):
    from week13_mlflow_dvc.mlflow_ui import mlflow_server

    out_dir, _ = fast_run
    with mlflow_server(
        f"sqlite:///{out_dir / 'mlflow.db'}", out_dir / "mlartifacts", log=out_dir / "server.log"
    ) as url:
        yield url


def test_mlflow_server_serves_the_runs_back_through_the_client(fast_run, server):
    from mlflow import MlflowClient

    _, m = fast_run
    client = MlflowClient(tracking_uri=server)
    runs = client.search_runs([m["experiment_id"]])
    assert m["champion_run_id"] in {r.info.run_id for r in runs}
    assert len(runs) == m["n_sweep_runs"] + 1  # the children and their parent


def test_browser_screenshot_of_the_runs_table(fast_run, server, tmp_path):
    from shared.browser import INSTALL_HINT, find_browser
    from week13_mlflow_dvc.mlflow_ui import screenshot_runs

    if find_browser() is None:
        print(f"SKIPPED: no Chromium for the screenshot test; {INSTALL_HINT}")
        pytest.skip(f"no Chromium found; {INSTALL_HINT}")
    _, m = fast_run
    png = screenshot_runs(server, m["experiment_id"], tmp_path / "runs.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


# --- bad input: one message, exit 2, nothing written -------------------------------------------------------------


def test_bad_params_file_stops_a_dvc_stage_with_one_message(tmp_path):
    raw = yaml.safe_load(PARAMS_FILE.read_text())
    raw["train"]["max_depht"] = 4
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(raw))
    result = run_cli("week13_mlflow_dvc.stages", "train", "--dir", str(tmp_path))
    assert_user_error(result, "train.max_depht: extra inputs are not permitted")
    assert not (tmp_path / "models").exists()


def test_corrupt_data_file_stops_the_run_before_anything_is_written(tmp_path):
    data = tmp_path / "data" / "wine_quality"
    data.mkdir(parents=True)
    (data / "winequality-red.csv").write_text("fixed acidity;quality\n7.4;5\n")
    out = tmp_path / "out"
    result = run_cli(
        "week13_mlflow_dvc", "run", "--fast", "--out", str(out), env={"ROADMAP_DATA_DIR": str(tmp_path / "data")}
    )
    assert_user_error(result, "does not match the registry")
    assert not any(out.rglob("*"))


def test_unreachable_tracking_server_stops_the_run_with_one_message(tmp_path):
    out = tmp_path / "out"
    uri = f"http://127.0.0.1:{free_port()}"
    result = run_cli("week13_mlflow_dvc", "run", "--fast", "--out", str(out), env={"MLFLOW_TRACKING_URI": uri})
    assert_user_error(result, f"the MLflow tracking server {uri} is unreachable")
    assert not any(out.rglob("*"))


def test_metrics_json_of_the_fast_run_is_complete(fast_run):
    out_dir, _ = fast_run
    record = json.loads((out_dir / "metrics.json").read_text())
    assert record["data_sha256"] == {n: DATASETS[n].sha256 for n in ("wine_red", "wine_white")}
    assert (out_dir / "MODEL_CARD.md").is_file()


def test_ui_command_without_a_store_says_what_to_run(tmp_path):
    result = run_cli("week13_mlflow_dvc", "ui", "--out", str(tmp_path), env={"MLFLOW_TRACKING_URI": ""})
    assert_user_error(result, "no MLflow store", "roadmap run week13")
