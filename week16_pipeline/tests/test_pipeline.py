"""Week 16 (part B): audit chain, autoscaling, the news service through week 14's factory, drift on the AG → BBC
stream, the retraining trigger, the Dockerfile's CMD outside Docker, and (slow) the whole chain and `dvc repro`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from shared.paths import REPO_ROOT
from shared.servers import free_port, stop, wait_for_http
from shared.testing import assert_user_error, run_cli, run_in_process
from week16_pipeline import audit, autoscale, monitor, serve, train
from week16_pipeline.inference import LABELS, load_model, predict, predict_proba

FOLDER = REPO_ROOT / "week16_pipeline"


def main(argv: list[str]) -> int:
    """The unit's CLI, in process (`python -m week16_pipeline ...` is the same call)."""
    from shared.cli import week_main
    from week16_pipeline.cli import add_commands

    return week_main("week16", argv, add_commands=add_commands)


# ---------------------------------------------------------------- fixtures: a small real model, no scraping
@pytest.fixture(scope="module")
def ag() -> pd.DataFrame:
    from week16_pipeline import data

    return data.load_ag_news().sample(n=2400, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def model_dir(ag, tmp_path_factory):
    """TF-IDF + logistic regression on 1,200 AG News items, saved as the pipeline saves its champion."""
    from shared.threads import blas_threads

    folder = tmp_path_factory.mktemp("week16") / "champion"
    with blas_threads(1):
        model = train.make_baseline(10.0, seed=0).fit(train.texts_of(ag.iloc[:1200]), ag["label_id"].iloc[:1200])
    train.save_baseline(model, folder, seed=0, datasets=())
    return folder


# ---------------------------------------------------------------- audit log
def test_audit_chain_verifies_and_detects_edits_deletions_and_reordering(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = audit.AuditLog(path, clock=lambda: "2026-01-01T00:00:00+00:00")
    for i in range(4):
        log.append("alert", batch=i, value=0.5 + i)
    assert audit.AuditLog(path).last == log.last  # reopening continues the same chain
    assert audit.verify(path) == 4
    lines = path.read_text().splitlines()
    edited = json.loads(lines[1]) | {"value": 0.0}  # a quieter alert, written back without fixing the hash
    for broken, message in [
        ([lines[0], json.dumps(edited), *lines[2:]], "line 2 was modified"),
        ([lines[0], *lines[2:]], "line 2 does not follow"),  # a deleted entry
        ([lines[0], lines[2], lines[1], lines[3]], "line 2 does not follow"),  # reordered
    ]:
        path.write_text("\n".join(broken) + "\n")
        with pytest.raises(audit.RoadmapError, match=message):
            audit.verify(path)
    result = run_cli("week16_pipeline", "verify-audit", str(path))
    assert_user_error(result, "does not follow")


# ---------------------------------------------------------------- autoscaling
def test_manifests_validate_offline_and_a_typo_is_caught():
    docs = autoscale.load_manifests()
    assert autoscale.validate_manifests(docs) == ["Deployment", "HorizontalPodAutoscaler"]
    assert autoscale.hpa_policy(docs) == {"min_replicas": 1, "max_replicas": 8, "target_utilisation": 0.6}
    broken = json.loads(json.dumps(docs[0]))
    broken["spec"]["template"]["spec"]["containers"][0]["resources"]["request"] = {"cpu": "1"}  # not "requests"
    with pytest.raises(autoscale.RoadmapError, match="request"):
        autoscale.validate_manifests([broken])


def test_capacity_and_queueing_model():
    load = pd.DataFrame({"step": ["saturation", "5 rps", "10 rps", "20 rps"], "offered_rps": [None, 5, 10, 20],
                         "errors": [0, 0, 0, 0], "p99_ms": [900, 20, 120, 400]})  # fmt: skip
    assert autoscale.capacity_rps(load, 250) == 10 and autoscale.capacity_rps(load, 10) == 0
    mu = 50.0
    assert autoscale.p99_ms(np.array([25.0]), mu)[0] == pytest.approx(1000 * np.log(100) / 25)
    assert np.isinf(autoscale.p99_ms(np.array([50.0, 60.0]), mu)).all()  # at or past capacity the queue grows


def test_hpa_costs_less_than_fixed_peak_sizing_and_follows_the_day():
    traffic = autoscale.diurnal_traffic(peak_rps=60, seed=0)
    assert len(traffic) == 1440 and traffic[:240].mean() < 0.3 * traffic.max()  # quiet night
    np.testing.assert_array_equal(traffic, autoscale.diurnal_traffic(peak_rps=60, seed=0))  # seeded
    fixed = autoscale.Policy("fixed", 8, 8, 1.0)
    hpa = autoscale.Policy("hpa", 1, 12, 0.6)
    days = {p.name: autoscale.simulate(traffic, p, mu=50, capacity=10, price_per_hour=0.05) for p in (fixed, hpa)}
    summary = autoscale.summarise_day(days, p99_bound_ms=250).set_index("policy")
    assert summary.loc["hpa", "cost_per_day"] < 0.7 * summary.loc["fixed", "cost_per_day"]
    assert summary.loc["fixed", "cost_per_day"] == pytest.approx(8 * 24 * 0.05)
    hours = days["hpa"]["replicas"].to_numpy().reshape(24, 60).mean(1)
    assert hours[3] < hours[20]  # fewer replicas at 03:00 than at the 20:00 peak
    assert summary.loc["hpa", "requests_in_slo_minutes"] > 0.95


# ---------------------------------------------------------------- the service (week 14's factory)
def test_service_answers_with_the_model_version_and_week14_limits(model_dir):
    from fastapi.testclient import TestClient

    from week14_fastapi_docker.main import Settings

    texts = ["Oil prices jump as OPEC cuts output", "Striker scores twice as United win the derby"]
    app = serve.create_app(Settings(model_dir=model_dir, rate_limit=""))
    with TestClient(app, raise_server_exceptions=False) as client:
        deadline = time.monotonic() + 60
        while client.get("/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        answer = client.post("/predict", json={"texts": texts}).json()
        assert answer["model_version"] == serve.model_version(model_dir)
        assert answer["model_version"].startswith("week16-") and answer["model_version"].endswith("-tfidf-logreg")
        direct = predict(load_model(model_dir), texts)
        assert [(p["label"], pytest.approx(p["probability"])) for p in answer["predictions"]] == direct
        assert [label for label, _ in direct] == ["Business", "Sports"]
        assert client.post("/predict", json={"text": "   "}).status_code == 422  # week 14's input contract
        assert client.post("/predict", content=b"x" * 3_000_000).status_code == 413  # week 14's body limit
        assert "sentiment_requests_total" in client.get("/metrics").text


def test_predictions_do_not_depend_on_the_batch(model_dir, ag):
    model = load_model(model_dir)
    texts = train.texts_of(ag.iloc[1200:1232])
    together = predict_proba(model, texts)
    alone = np.vstack([predict_proba(model, [t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-9)
    assert (together.argmax(1) == ag["label_id"].iloc[1200:1232].to_numpy()).mean() > 0.7  # held-out, 4 classes


# ---------------------------------------------------------------- monitoring
def test_drift_alert_fires_on_bbc_and_not_before(model_dir, ag, tmp_path):
    from week16_pipeline import data

    model = load_model(model_dir)
    vocab = monitor.vocabulary(train.texts_of(ag.iloc[:1200]))
    reference, threshold = monitor.calibrate(
        model, train.texts_of(ag.iloc[1200:1500]), train.texts_of(ag.iloc[1500:1800]), vocab,
        batch=50, n_windows=60, false_alarm=0.05, n_batches=8, seed=0,
    )  # fmt: skip
    stream_ag = ag.iloc[1800:].assign(text=lambda f: train.texts_of(f))
    bbc = data.load_bbc()
    bbc = bbc.assign(text=bbc["title"] + ". " + bbc["text"])
    stream = monitor.make_stream(stream_ag, bbc, batch=50, ag_batches=5, bbc_batches=3, seed=0)
    assert [b["source"].iloc[0] for b in stream] == ["ag_news"] * 5 + ["bbc"] * 3
    fired = []
    timeline = monitor.watch(model, stream, reference, vocab, threshold, on_alert=lambda a: fired.append(a) or True)
    assert monitor.first_alert(timeline) == 5  # the first BBC batch, and nothing before it
    assert fired[0].batch == 5 and timeline["retrain_triggered"].sum() == len(fired)
    assert timeline.loc[timeline["source"] == "bbc", "mean_words"].min() > 3 * timeline["mean_words"].iloc[:5].max()


@pytest.mark.slow  # over ~10 s on a busy 2-core CPU: `make test-slow`
def test_retrain_trigger_runs_the_cli_and_the_new_model_loads(ag, tmp_path):
    from week15_monitoring_ci.alerts import Alert

    rows = ag.iloc[:300][["title", "description", "label_id"]]
    rows.to_csv(tmp_path / "rows.csv", index=False)
    trigger = monitor.retrain_trigger(tmp_path / "rows.csv", tmp_path / "new", seed=0, C=10.0, cooldown=5)
    assert trigger(Alert(3, "input_drift", 9.0, 1.0)) and trigger.runs[-1]["returncode"] == 0
    assert not trigger(Alert(4, "input_drift", 9.0, 1.0))  # inside the cooldown
    assert predict(load_model(tmp_path / "new"), ["Stocks rally on earnings"])[0][0] in LABELS
    bad = tmp_path / "bad.csv"
    rows.assign(label_id=7).to_csv(bad, index=False)
    code, stderr = run_in_process(main, ["retrain", "--data", str(bad), "--out", str(tmp_path / "x")])
    assert code == 2 and "label_id must be 0..3" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "x").exists()


def test_ab_plan_sample_size_matches_the_textbook_formula():
    from week16_pipeline.pipeline import FAST, ab_plan

    plan = ab_plan(0.88, FAST).iloc[0]
    z = 1.959964 + 0.841621  # two-sided α = 0.05, power 0.8
    h = 2 * np.arcsin(np.sqrt(0.90)) - 2 * np.arcsin(np.sqrt(0.88))
    assert plan["samples_per_arm"] == int(np.ceil(2 * (z / h) ** 2))  # Cohen: var(φ̂1 − φ̂2) = 2/n
    classic = z**2 * (0.88 * 0.12 + 0.90 * 0.10) / 0.02**2  # the unpooled normal approximation
    assert plan["samples_per_arm"] == pytest.approx(classic, rel=0.01)


# ---------------------------------------------------------------- the container, without Docker
def test_dockerfile_lints_and_its_cmd_serves_the_model(model_dir, tmp_path):
    hadolint = REPO_ROOT / ".venv" / "bin" / "hadolint"
    lint = subprocess.run([str(hadolint) if hadolint.exists() else "hadolint", str(FOLDER / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr
    lines = (FOLDER / "Dockerfile").read_text().splitlines()
    [cmd] = [json.loads(line.removeprefix("CMD ")) for line in lines if line.startswith("CMD ")]
    command = [sys.executable, "-m", *cmd]
    port = free_port()
    command[command.index("--host") + 1], command[command.index("--port") + 1] = "127.0.0.1", str(port)
    env = {**os.environ, "MODEL_DIR": str(model_dir), "RATE_LIMIT": "", "TORCH_THREADS": "1"}
    log = tmp_path / "server.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/ready", timeout=300, process=process, log=log)  # slow on a busy CPU
        import httpx

        answer = httpx.post(f"http://127.0.0.1:{port}/predict", json={"text": "Shares slide on Wall Street"}).json()
        assert answer["model_version"] == serve.model_version(model_dir)
    finally:
        stop(process)


def test_image_report_multistage_is_smaller_and_has_no_build_tools():
    naive, slim = (row for _, row in serve.image_report().iterrows())
    assert naive["image"].startswith("naive") and slim["image"].startswith("multi-stage")
    assert slim["total_mb"] < 0.5 * naive["total_mb"] and slim["packages"] < naive["packages"]
    runtime = serve.closure(serve.RUNTIME)
    assert {"torch", "fastapi", "scikit-learn"} <= runtime and {"pytest", "jupyterlab", "mlflow"}.isdisjoint(runtime)


# ---------------------------------------------------------------- slow: the whole chain, and DVC
@pytest.mark.slow
def test_fast_run_of_the_whole_chain(tmp_path):
    from shared.runner import run_week
    from shared.weeks import find_week

    out = tmp_path / "out"
    run_week(find_week("week16"), fast=True, seed=42, out_dir=out)
    m = json.loads((out / "metrics.json").read_text())["metrics"]
    assert m["disallowed_skipped"] > 0 and m["quarantined_rows"] >= 0
    assert m["first_alert_batch"] == m["shift_batch"] and m["false_alerts_before_shift"] == 0
    assert m["bbc_after_alert_retrained_accuracy"] > m["bbc_after_alert_old_accuracy"]
    assert audit.verify(out / "audit.jsonl") == m["audit_entries"]
    served = pd.read_csv(out / "tables" / "served.csv")
    assert (served["model_version"] == serve.model_version(out / "champion")).all()
    scale = pd.read_csv(out / "tables" / "scale.csv")  # the Dask stage: 1 and 2 workers, one answer
    assert scale["workers"].tolist() == [1, 2] and m["dask_same_answer"]
    assert scale["cv_accuracy"].iloc[0] > 0.45  # 300 articles, four balanced classes: chance is 0.25


@pytest.mark.slow
def test_dvc_repro_reruns_only_what_changed(tmp_path):
    from week13_mlflow_dvc.dvc_project import commit, sh

    project = tmp_path / "project"
    project.mkdir()
    for name in ("dvc.yaml", "params.yaml"):
        shutil.copy2(FOLDER / name, project / name)
    sh(project, "git", "init", "-q")
    for key, value in [("user.name", "week16"), ("user.email", "week16@localhost"), ("commit.gpgsign", "false")]:
        sh(project, "git", "config", key, value)
    sh(project, "dvc", "init", "-q")
    commit(project, "week 16 DVC project")
    first = sh(project, "dvc", "repro")
    assert first.count("Running stage") == 6
    assert "Running stage" not in sh(project, "dvc", "repro")  # nothing changed: nothing runs
    (project / "params.yaml").write_text((project / "params.yaml").read_text().replace("Cs: [3.0, 10.0]", "Cs: [1.0]"))
    again = sh(project, "dvc", "repro")
    assert "Running stage 'data'" not in again and "Running stage 'train'" in again
    assert json.loads((project / "metrics.json").read_text())["champion"] == "tfidf-logreg"
    assert audit.verify(project / "audit.jsonl") > 0
