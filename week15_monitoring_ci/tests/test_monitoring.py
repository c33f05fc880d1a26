"""Week 15: drift statistics and detectors measured, alerts and the retraining trigger on a fake stream, week 14's
logs and /metrics read back, the Grafana dashboard checked against the exported names, the quality gate, the CLI.

Tiers: pure functions (PSI, chi², detectors' false-alarm rates on synthetic data, histogram quantiles); the trigger
and the stream with stub commands; week 14's real app in process (logs, /metrics, dashboard); one small run of the
whole lesson (Evidently agrees with scipy, reports written, alarms where they belong); bad input → exit 2.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chisquare

from shared.paths import REPO_ROOT
from shared.testing import assert_user_error, run_cli
from week15_monitoring_ci import alerts, drift, ops
from week15_monitoring_ci.quality_gate import failures, verdicts

WORKFLOWS = REPO_ROOT / ".github" / "workflows"


# --- the statistics ------------------------------------------------------------------------------------------------


def test_psi_is_zero_for_the_same_sample_and_grows_with_the_shift():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=5000)
    values = [drift.psi(ref, ref + s) for s in (0.0, 0.1, 0.3, 0.6)]
    assert values[0] == pytest.approx(0, abs=1e-12)
    assert values == sorted(values) and values[-1] > 0.25  # a 0.6-SD shift is a "major shift" by the rule of thumb


def test_psi_matches_the_formula_on_a_hand_example_and_ignores_monotone_rescaling():
    ref = np.repeat([1.0, 2.0, 3.0, 4.0], 25)  # quartiles → 4 bins of 25%
    cur = np.repeat([1.0, 2.0, 3.0, 4.0], [40, 20, 20, 20])
    shares = np.array([0.4, 0.2, 0.2, 0.2])
    expected = np.sum((shares - 0.25) * np.log(shares / 0.25))
    assert drift.psi(ref, cur, bins=4) == pytest.approx(expected)
    assert drift.psi(np.exp(ref), np.exp(cur), bins=4) == pytest.approx(expected)  # quantile bins: units don't matter


def test_chi2_is_scipys_goodness_of_fit_with_reference_shares():
    ref = pd.Series(["a"] * 50 + ["b"] * 30 + ["c"] * 20)
    cur = pd.Series(["a"] * 20 + ["b"] * 20 + ["c"] * 10)
    assert drift.chi2_pvalue(ref, cur) == pytest.approx(chisquare([20, 20, 10], [25, 15, 10]).pvalue)
    assert drift.chi2_pvalue(ref, ref.sample(frac=1, random_state=0)) == pytest.approx(1.0)


def synthetic_windows(n_windows: int, k: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    columns = [f"x{i}" for i in range(k)]
    reference = pd.DataFrame(rng.normal(size=(4000, k)), columns=columns)  # large: its own noise stays small
    quiet = [pd.DataFrame(rng.normal(size=(100, k)), columns=columns) for _ in range(n_windows)]
    return reference, quiet


def test_detectors_false_alarm_rates_match_the_theory_and_detection_grows_with_the_shift():
    """Five independent columns: uncorrected KS alarms on ~1 − 0.95⁵ = 23% of quiet windows, Bonferroni on ≤ 5%."""
    reference, quiet = synthetic_windows(160)
    table = drift.detection_rates(reference, quiet, [0.0, 0.3, 0.8], ["x0"], psi_threshold=np.inf)
    rate = table.set_index(["shift_sd", "detector"])["rate"]
    assert 0.12 <= rate[(0.0, "any column, KS p < 0.05")] <= 0.36
    assert rate[(0.0, "any column, KS Bonferroni")] <= 0.09  # 5% expected; 160 windows: ± 1.7 points
    assert rate[(0.8, "half the columns (Evidently default)")] < 0.1  # one drifting column of five: never half
    bonferroni = [rate[(s, "any column, KS Bonferroni")] for s in (0.0, 0.3, 0.8)]
    assert bonferroni == sorted(bonferroni) and bonferroni[-1] > 0.9


def test_calibrated_psi_threshold_alarms_on_about_five_percent_of_fresh_quiet_windows():
    reference, calibration = synthetic_windows(120, k=3, seed=1)
    threshold = drift.calibrate_psi_threshold(reference, calibration)
    _, fresh = synthetic_windows(120, k=3, seed=2)
    table = drift.detection_rates(reference, fresh, [0.0], ["x0"], psi_threshold=threshold).set_index("detector")
    assert table.loc["max PSI > calibrated", "rate"] <= 0.15  # 5% expected; 120 windows leave a wide interval


def test_shift_moves_only_the_named_columns_by_the_given_sds():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    moved = drift.shift(frame, ["a"], 2.0, pd.Series({"a": 0.5, "b": 10.0}))
    assert moved["a"].tolist() == [2.0, 3.0] and moved["b"].equals(frame["b"])


def test_summarise_snapshot_reads_evidentlys_json_shape():
    snapshot = {"metrics": [
        {"config": {"type": "evidently:metric_v2:DriftedColumnsCount", "drift_share": 0.5},
         "value": {"count": 1.0, "share": 0.5}},
        {"config": {"type": "evidently:metric_v2:ValueDrift", "column": "a"}, "value": 0.01},
        {"config": {"type": "evidently:metric_v2:ValueDrift", "column": "b"}, "value": 0.7},
    ]}  # fmt: skip
    summary = drift.summarise_snapshot(snapshot)
    assert summary["dataset_drift"] and summary["count"] == 1 and summary["values"] == {"a": 0.01, "b": 0.7}
    check = drift.cross_check(summary, {"a": 0.01, "b": 0.03})
    assert check["same_verdict"].tolist() == [True, False]


# --- alerts and the retraining trigger on a fake stream ------------------------------------------------------------


def marker_command(path: Path, exit_code: int = 0) -> list[str]:
    return [sys.executable, "-c", f"open({str(path)!r}, 'a').write('x'); raise SystemExit({exit_code})"]


def test_trigger_runs_only_on_its_alert_kind_and_respects_the_cooldown(tmp_path):
    marker = tmp_path / "ran"
    trigger = alerts.RetrainTrigger(marker_command(marker), cooldown=3)
    assert not trigger(alerts.Alert(1, "prediction_drift", 0.5, 0.1))  # prediction drift alone never retrains
    assert trigger(alerts.Alert(2, "performance_drop", 0.6, 0.7))
    assert not trigger(alerts.Alert(4, "performance_drop", 0.6, 0.7))  # within the cooldown
    assert trigger(alerts.Alert(5, "performance_drop", 0.6, 0.7))
    assert marker.read_text() == "xx" and [r["batch"] for r in trigger.runs] == [2, 5]


def test_a_failing_or_missing_command_is_recorded_not_raised(tmp_path):
    failing = alerts.RetrainTrigger(marker_command(tmp_path / "m", exit_code=3), cooldown=1)
    assert not failing(alerts.Alert(0, "performance_drop", 0.5, 0.7))
    assert failing.runs[0]["returncode"] == 3
    missing = alerts.RetrainTrigger([str(tmp_path / "no-such-program")], cooldown=1)
    assert not missing(alerts.Alert(0, "performance_drop", 0.5, 0.7))
    assert missing.runs[0]["returncode"] == -1 and "FileNotFoundError" in missing.runs[0]["error"]


class ThresholdModel:
    """A fake model: probability of class 1 is a logistic function of x − cut."""

    def __init__(self, cut: float) -> None:
        self.cut = cut

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        p = 1 / (1 + np.exp(-4 * (x["x"].to_numpy() - self.cut)))
        return np.c_[1 - p, p]


def test_fake_stream_alarms_only_after_the_drift_and_the_retrained_model_serves_next(tmp_path):
    rng = np.random.default_rng(0)
    batches = []
    for _ in range(16):
        x = rng.normal(size=300)
        batches.append(pd.DataFrame({"x": x, "y": (x > 0).astype(int)}))
    shifts = alerts.drift_schedule(16, start=6, ramp=1, max_shift=1.5)
    marker = tmp_path / "retrained"
    trigger = alerts.RetrainTrigger(marker_command(marker), cooldown=4)
    served = []

    def on_alert(alert, labelled):
        if alert.kind == "performance_drop" and trigger(alert):
            served.append(alert.batch)
            return ThresholdModel(cut=float(labelled["x"].median()))  # "retrained" on the shifted labelled rows
        return None

    reference = ThresholdModel(0.0).predict_proba(pd.DataFrame({"x": rng.normal(size=2000)}))[:, 1]
    timeline = alerts.simulate_stream(batches, target="y", shifts=shifts, drifting=["x"], scale=pd.Series({"x": 1.0}),
                                      model=ThresholdModel(0.0), reference_scores=reference,
                                      thresholds={"psi": 0.2, "accuracy": 0.8}, label_delay=2, label_window=2,
                                      on_alert=on_alert)  # fmt: skip
    quiet = timeline[timeline["batch"] < 6]
    assert not quiet["prediction_alarm"].any() and not quiet["performance_alarm"].any()
    assert timeline.loc[6, "prediction_alarm"]  # the scores move the moment the sensor does
    first_drop = alerts.first_batch(timeline, "performance_alarm")
    assert 6 + 2 <= first_drop <= 6 + 2 + 1  # batch 6's labels arrive 2 batches late; the window holds 2 batches
    # The first retraining window still holds a batch from before the drift, so that model is checked on its own
    # labelled batches and retrained again; never within the cooldown, and each run is the real command.
    assert served[0] == first_drop and all(b - a >= 4 for a, b in zip(served, served[1:], strict=False))
    assert marker.read_text() == "x" * len(served)
    last = served[-1]
    assert timeline.loc[last + 1 :, "true_accuracy"].mean() > 0.9 > timeline.loc[6:first_drop, "true_accuracy"].mean()
    assert not timeline.loc[last + 1 :, "performance_alarm"].any()


def test_drift_schedule_ramps_from_start_to_the_maximum():
    assert alerts.drift_schedule(6, start=2, ramp=2, max_shift=1.0).tolist() == [0, 0, 0.5, 1.0, 1.0, 1.0]


# --- week 14's service: JSON logs, /metrics, the dashboard ----------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """Week 14's app in process (tiny random model in week 12's format), logging JSON lines to a file."""
    from fastapi.testclient import TestClient

    from week14_fastapi_docker.demo_model import tiny_model
    from week14_fastapi_docker.main import Settings, create_app

    folder = tmp_path_factory.mktemp("week15-service")
    log_file = folder / "service.log"
    app = create_app(Settings(model_dir=tiny_model(folder / "model"), log_file=log_file, rate_limit=""))
    with TestClient(app, raise_server_exceptions=False) as client:
        for _ in range(400):
            if client.get("/ready").status_code == 200:
                break
            import time

            time.sleep(0.05)
        client.log_file = log_file
        yield client


def test_service_logs_parse_into_a_per_route_summary_without_the_text(service):
    secret = f"a private review {uuid.uuid4().hex}"
    for _ in range(5):
        assert service.post("/predict", json={"text": secret}).status_code == 200
    assert service.post("/predict", json={"text": ""}).status_code == 422
    records = ops.read_logs(service.log_file)
    assert secret not in service.log_file.read_text()
    predict = records[records["route"] == "/predict"]
    assert {"request_id", "status", "latency_ms", "model_version"} <= set(predict.columns)
    summary = ops.summarise_logs(records).set_index("route")
    assert summary.loc["/predict", "requests"] >= 6
    assert summary.loc["/predict", "share_5xx"] == 0 and 0 < summary.loc["/predict", "p50_ms"] <= summary.loc[
        "/predict", "p99_ms"]  # fmt: skip


def test_rotated_logs_are_read_oldest_first(tmp_path):
    from week14_fastapi_docker.logs import JsonFormatter

    path = tmp_path / "service.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=400, backupCount=50, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"week15-test-{uuid.uuid4().hex}")
    logger.addHandler(handler)
    logger.propagate = False
    for i in range(20):
        logger.warning("request", extra={"route": "/predict", "status": 200, "latency_ms": float(i), "request_id": i})
    handler.close()
    with path.open("a") as log:
        log.write("uvicorn says hello (not JSON)\n")
    assert len(ops.log_files(path)) > 2
    records = ops.read_logs(path)
    assert records["request_id"].tolist() == list(range(20)) and records.attrs["skipped_lines"] == 1


def test_metrics_scrape_counts_what_was_sent(service):
    before = ops.parse_metrics(service.get("/metrics").text)
    for _ in range(3):
        service.post("/predict", json={"texts": ["fine", "not fine"]})
    after = ops.parse_metrics(service.get("/metrics").text)
    sent = ops.counter_total(after, "sentiment_requests", route="/predict", status="200") - ops.counter_total(
        before, "sentiment_requests", route="/predict", status="200")  # fmt: skip
    assert sent == 3
    p99 = ops.histogram_quantile(0.99, after, "sentiment_request_latency_seconds", route="/predict")
    assert 0 < p99 <= 2.5


def test_histogram_quantile_interpolates_like_promql():
    from prometheus_client import CollectorRegistry, Histogram, generate_latest

    registry = CollectorRegistry()
    histogram = Histogram("h", "test", buckets=(1, 2, 4), registry=registry)
    for value in [0.5] * 10 + [1.5] * 10 + [3.0] * 20:
        histogram.observe(value)
    families = ops.parse_metrics(generate_latest(registry).decode())
    assert ops.histogram_quantile(0.25, families, "h") == pytest.approx(1.0)  # rank 10: top of the first bucket
    assert ops.histogram_quantile(0.75, families, "h") == pytest.approx(3.0)  # rank 30: halfway through (2, 4]


def test_every_dashboard_query_reads_metrics_the_service_exports(service):
    service.post("/predict", json={"text": "populate every series"})
    exported = ops.sample_names(ops.parse_metrics(service.get("/metrics").text))
    queries = ops.dashboard_queries()
    assert len(queries) >= 6
    used = set().union(*map(ops.metric_names_in, queries))
    assert used and used <= exported, f"not exported: {sorted(used - exported)}"
    query = 'histogram_quantile(0.99, sum by (le) (rate(x_2_bucket{route="/p"}[5m])))'
    assert ops.metric_names_in(query) == {"x_2_bucket"}
    assert ops.metric_names_in("a_total / clamp_min(b_total, 1e-9)") == {"a_total", "b_total"}


def test_bad_metrics_text_is_a_data_error():
    from shared.errors import DataError

    with pytest.raises(DataError, match="Prometheus"):
        ops.parse_metrics("this is { not metrics")


# --- the quality gate ------------------------------------------------------------------------------------------------


def write_record(root: Path, slug: str, *, mode: str, met: bool, gating: bool = True) -> None:
    folder = root / slug
    folder.mkdir(parents=True)
    metric = "test_accuracy" if gating else "train_time_s"
    record = {"mode": mode, "metrics": {metric: 0.8},
              "targets": [{"metric": metric, "op": ">=", "value": 0.85, "met": met, "gating": gating}]}  # fmt: skip
    (folder / "metrics.json").write_text(json.dumps(record))


def test_gate_fails_on_a_missed_full_mode_target_and_ignores_time_and_fast_runs(tmp_path):
    write_record(tmp_path, "week06_cancer_classifier", mode="full", met=False)
    write_record(tmp_path, "week07_titanic_tuned", mode="full", met=False, gating=False)
    write_record(tmp_path, "week05_house_prices", mode="fast", met=False)
    table = verdicts(root=tmp_path)
    assert set(table["unit"]) == {"week06", "week07"}
    assert failures(table)["unit"].tolist() == ["week06"]
    env = {"ROADMAP_OUTPUT_DIR": str(tmp_path)}
    assert run_cli("week15_monitoring_ci", "gate", env=env).returncode == 1
    assert run_cli("week15_monitoring_ci", "gate", "--units", "week07", env=env).returncode == 0
    missing = run_cli("week15_monitoring_ci", "gate", "--units", "week05", "--require", env=env)
    assert_user_error(missing, "no full-mode metrics.json for week05")


# --- CI files ------------------------------------------------------------------------------------------------------


def test_workflows_exist_with_a_schedule_an_artifact_and_the_gate():
    import yaml

    monitoring = yaml.safe_load((WORKFLOWS / "monitoring.yml").read_text())
    assert "schedule" in monitoring[True]  # YAML 1.1 reads the key `on` as True
    steps = [s for job in monitoring["jobs"].values() for s in job["steps"]]
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    gate = (WORKFLOWS / "quality-gate.yml").read_text()
    assert "week15_monitoring_ci gate" in gate and "pull_request" in gate
    assert "pytest" in (WORKFLOWS / "test.yml").read_text()


# --- the lesson, small, end to end ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    from shared.runner import run_week
    from shared.weeks import find_week
    from week15_monitoring_ci.monitoring import Config

    config = Config(calibration_windows=30, measured_windows=30, shift_sizes=(0.0, 0.2), report_shifts=(0.5,),
                    text_sentences=48, text_control_splits=10, stream_batches=20, drift_start=6,
                    drift_ramp=3)  # fmt: skip
    out = tmp_path_factory.mktemp("week15-run")
    result = run_week(find_week("week15"), fast=True, out_dir=out, config=config)
    return out, result["metrics"], config


def test_evidently_agrees_with_scipy_and_writes_its_reports(small_run):
    out, metrics, _ = small_run
    assert metrics["evidently_verdicts_agree"] and metrics["evidently_scipy_max_p_diff"] < 1e-9
    reports = out / "reports"
    assert (reports / "wine_shift_0.5sd.html").stat().st_size > 10_000
    assert json.loads((reports / "text_imdb.json").read_text())["metrics"]
    detection = pd.read_csv(out / "tables" / "detection.csv").set_index(["shift_sd", "detector"])["rate"]
    assert detection[(0.2, "any column, KS Bonferroni")] > detection[(0.0, "any column, KS Bonferroni")]


def test_text_drift_separates_imdb_from_the_sst2_control(small_run):
    _, metrics, _ = small_run
    assert metrics["text_embedding_auc_imdb"] > 0.6 > metrics["text_embedding_auc_control"]


def test_stream_alarms_after_the_drift_and_retraining_runs_the_real_command(small_run):
    out, metrics, config = small_run
    assert metrics["stream_first_prediction_alarm"] >= config.drift_start
    assert metrics["stream_first_performance_alarm"] >= config.drift_start + config.label_delay  # labels come late
    assert metrics["stream_first_retrain"] is not None and metrics["stream_retrain_failures"] == 0
    assert metrics["stream_accuracy_drifted"] < metrics["stream_accuracy_quiet"]
    assert (out / "retrain" / "model.skops").is_file() and (out / "retrain" / "model.json").is_file()
    assert (out / "detection_vs_shift.png").is_file() and (out / "stream_alerts.png").is_file()


# --- bad input ------------------------------------------------------------------------------------------------------


def test_retrain_refuses_unlabelled_data_and_logs_refuses_a_missing_file(tmp_path):
    data = tmp_path / "rows.csv"
    data.write_text("alcohol,pH\n10.0,3.2\n")
    result = run_cli("week15_monitoring_ci", "retrain", "--data", str(data), "--out", str(tmp_path / "m.skops"))
    assert_user_error(result, "missing column(s) ['good']")
    assert not (tmp_path / "m.skops").exists()
    assert_user_error(run_cli("week15_monitoring_ci", "logs", str(tmp_path / "none.log")), "no log file")
