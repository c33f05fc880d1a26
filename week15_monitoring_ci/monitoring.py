"""Week 15: watch a model after it ships. Drift in tables and in text, measured detectors, alerts, retraining.

Read top-down: Config → (1) wine features: Evidently's drift report on windows with a simulated sensor shift of
growing size, each verdict recomputed with scipy; then the detectors *measured*: false alarms on many no-drift
windows and detection rate against shift size → (2) text: SST-2 against IMDB sentences (length, vocabulary,
sentence embeddings), with an SST-2-against-SST-2 control → (3) a stream: prediction drift at once, a performance
alert when late labels arrive, and the retraining command it triggers → figures and tables.

The service side (JSON logs, Prometheus metrics, the Grafana dashboard) is `ops.py`; CI is `quality_gate.py` and
`.github/workflows/`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target
from week15_monitoring_ci import alerts, drift, model, text_drift

TARGETS = [
    Target("false_alarm_rate", "<=", 0.05, "issue: at most 5% false alarms at the chosen threshold"),
    Target("detection_rate_at_0_2sd", ">=", 0.8, "our bar: a 0.2-SD sensor shift caught in 4 of 5 windows"),
    Target("text_control_quiet", ">=", 1, "our bar: SST-2 against SST-2 raises no alarm"),
    Target("text_domain_detected", ">=", 1, "issue: SST-2 against IMDB is detected"),
]
HEADLINE = ("false_alarm_rate", "detection_rate_at_0_2sd")
DATASETS = ("wine_red", "wine_white", "sst2_train", "sst2_dev", "imdb_test")
DRIFTING = ["alcohol"]  # the sensor that drifts: the model's strongest feature


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run. Nothing depends on a measured time."""

    window: int = 500  # rows per monitoring window (a day of wines)
    calibration_windows: int = 500  # no-drift windows that choose the PSI threshold
    measured_windows: int = 500  # fresh windows that measure each detector (never used to choose anything)
    shift_sizes: tuple[float, ...] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)  # in reference SDs of the drifting column
    report_shifts: tuple[float, ...] = (0.0, 0.2, 0.5)  # one Evidently HTML report per size
    text_sentences: int = 436  # per text sample: half of SST-2 dev
    text_control_splits: int = 200  # random SST-2 halves that measure the cheap text detectors' false alarms
    stream_batches: int = 40  # batches in the simulated stream
    stream_batch: int = 200  # rows per batch
    drift_start: int = 12  # first drifted batch
    drift_ramp: int = 8  # batches until the sensor reaches its full shift
    drift_max_sd: float = 2.0  # full shift, in SDs of alcohol
    label_delay: int = 3  # labels arrive this many batches late
    label_window: int = 3  # labelled batches the performance check looks at
    alarm_quantile: float = 0.99  # stream thresholds: a quiet batch alarms 1% of the time
    retrain: bool = True  # run the retraining command when a performance alert fires

    def __post_init__(self) -> None:
        if not {0.0, 0.2} <= set(self.shift_sizes):
            raise ValueError("shift_sizes must include 0.0 (false alarms) and 0.2 (the headline detection rate)")


FAST = Config(calibration_windows=40, measured_windows=40, shift_sizes=(0.0, 0.2, 0.5), report_shifts=(0.5,),
              text_sentences=48, text_control_splits=20, stream_batches=22, drift_start=8, drift_ramp=4)  # fmt: skip


# --- (1) wine features -----------------------------------------------------------------------------------------------


def split_reference(wines: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Half the wines are the reference (what the model was trained and validated on), half the live pool."""
    order = rng.permutation(len(wines))
    half = len(wines) // 2
    return wines.iloc[order[:half]].reset_index(drop=True), wines.iloc[order[half:]].reset_index(drop=True)


def wine_reports(reference: pd.DataFrame, pool: pd.DataFrame, config: Config, out_dir: Path, rng) -> pd.DataFrame:
    """An Evidently report per shift size, and its per-column p-values next to scipy's."""
    scale = reference.std()
    rows = []
    for size in config.report_shifts:
        current = drift.shift(pool.iloc[rng.choice(len(pool), config.window, replace=False)], DRIFTING, size, scale)
        summary = drift.evidently_drift(reference, current, out_dir / "reports" / f"wine_shift_{size:g}sd")
        direct = {c: drift.ks_pvalue(reference[c], current[c]) for c in reference.columns}
        check = drift.cross_check(summary, direct)
        rows.append({"shift_sd": size, "evidently_drifted_columns": summary["count"],
                     "evidently_dataset_drift": summary["dataset_drift"],
                     "alcohol_p_evidently": summary["values"]["alcohol"], "alcohol_p_scipy": direct["alcohol"],
                     "max_abs_p_diff": check["abs_diff"].max(),
                     "verdicts_agree": bool(check["same_verdict"].all())})  # fmt: skip
    return pd.DataFrame(rows)


def measure_detectors(reference: pd.DataFrame, pool: pd.DataFrame, config: Config, rng) -> tuple[pd.DataFrame, float]:
    """Choose the PSI threshold on calibration windows, then measure every detector on fresh windows."""
    calibration = drift.windows(reference, pool, n_windows=config.calibration_windows, window=config.window, rng=rng)
    threshold = drift.calibrate_psi_threshold(reference, calibration, false_alarm=0.05)
    measured = drift.windows(reference, pool, n_windows=config.measured_windows, window=config.window, rng=rng)
    return drift.detection_rates(reference, measured, list(config.shift_sizes), DRIFTING, threshold), threshold


CHOSEN = "any column, KS Bonferroni"  # the detector we deploy: see the README for why


# --- (2) text ------------------------------------------------------------------------------------------------------


def text_drift_checks(config: Config, out_dir: Path, rng, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Length, vocabulary and embedding drift for the control and for IMDB; and the cheap checks' false alarms."""
    samples = text_drift.samples(config.text_sentences, rng)
    vocabulary = text_drift.training_vocabulary()
    top = text_drift.top_words(samples["reference"])
    embeddings = {name: text_drift.embed(texts) for name, texts in samples.items()}
    ref_features = text_drift.sentence_features(samples["reference"], vocabulary)
    rows = []
    for name in ("sst2_control", "imdb"):
        features = text_drift.sentence_features(samples[name], vocabulary)
        summary = drift.evidently_drift(ref_features, features, out_dir / "reports" / f"text_{name}")
        vocab = drift.evidently_drift(text_drift.word_labels(samples["reference"], top).to_frame(),
                                      text_drift.word_labels(samples[name], top).to_frame(),
                                      out_dir / "reports" / f"text_{name}_words", method="chisquare")  # fmt: skip
        direct = {
            "n_words": drift.ks_pvalue(ref_features["n_words"], features["n_words"]),
            "oov_rate": drift.ks_pvalue(ref_features["oov_rate"], features["oov_rate"]),
            "word": drift.chi2_pvalue(text_drift.word_labels(samples["reference"], top),
                                      text_drift.word_labels(samples[name], top)),
        }  # fmt: skip
        theirs = {**summary["values"], **vocab["values"]}
        auc = text_drift.domain_classifier_auc(embeddings["reference"], embeddings[name], seed=seed)
        for check, column, test in [("length", "n_words", "KS"), ("out-of-vocabulary rate", "oov_rate", "KS"),
                                    ("word mix (top 50 + other)", "word", "chi²")]:  # fmt: skip
            rows.append({"sample": name, "check": check, "test": test, "evidently": theirs[column],
                         "direct": direct[column], "drift": direct[column] < drift.ALPHA,
                         "agree": (theirs[column] < drift.ALPHA) == (direct[column] < drift.ALPHA)})  # fmt: skip
        rows.append({"sample": name, "check": "sentence embeddings", "test": "classifier AUC", "evidently": np.nan,
                     "direct": auc, "drift": auc > text_drift.AUC_THRESHOLD, "agree": True})  # fmt: skip
    return pd.DataFrame(rows), text_control_false_alarms(config, vocabulary, rng)


def text_control_false_alarms(config: Config, vocabulary: set[str], rng) -> pd.DataFrame:
    """Split SST-2 dev in random halves many times: how often does each cheap text check alarm with no drift?"""
    from shared.data.loaders import load_sst2

    dev = load_sst2("dev")["sentence"].tolist()
    features = text_drift.sentence_features(dev, vocabulary)
    hits = {"length": 0, "out-of-vocabulary rate": 0, "word mix (top 50 + other)": 0}
    for _ in range(config.text_control_splits):
        order = rng.permutation(len(dev))
        a, b = order[: len(dev) // 2], order[len(dev) // 2 :]
        top = text_drift.top_words([dev[i] for i in a])
        hits["length"] += drift.ks_pvalue(features["n_words"].iloc[a], features["n_words"].iloc[b]) < drift.ALPHA
        hits["out-of-vocabulary rate"] += (
            drift.ks_pvalue(features["oov_rate"].iloc[a], features["oov_rate"].iloc[b]) < drift.ALPHA
        )
        words_a = text_drift.word_labels([dev[i] for i in a], top)
        words_b = text_drift.word_labels([dev[i] for i in b], top)
        hits["word mix (top 50 + other)"] += drift.chi2_pvalue(words_a, words_b) < drift.ALPHA
    rows = []
    for check, count in hits.items():
        low, high = proportion_ci(int(count), config.text_control_splits)
        rows.append({"check": check, "false_alarms": int(count), "splits": config.text_control_splits,
                     "rate": count / config.text_control_splits, "ci_low": low, "ci_high": high})  # fmt: skip
    return pd.DataFrame(rows)


def usable_text_checks(false_alarms: pd.DataFrame, budget: float = 0.05) -> list[str]:
    """The text checks allowed to alarm: those whose measured false-alarm rate on SST-2 halves is within budget,
    plus the embedding classifier (its threshold, AUC 0.55, sits well above chance for samples of this size)."""
    quiet = false_alarms.loc[false_alarms["rate"] <= budget, "check"].tolist()
    return [*quiet, "sentence embeddings"]


# --- (3) the stream: prediction drift, late labels, retraining -----------------------------------------------------


def retrain_command(data: Path, out: Path, seed: int) -> list[str]:
    """The command the trigger runs: this week's `retrain` in a fresh process, as a scheduler would."""
    return [sys.executable, "-m", "week15_monitoring_ci", "retrain", "--data", str(data), "--out", str(out),
            "--seed", str(seed)]  # fmt: skip


def stream(reference: pd.DataFrame, pool: pd.DataFrame, config: Config, out_dir: Path, rng, seed: int):
    """Train on part of the reference, calibrate on the rest, then play the drifting stream from the pool."""
    order = rng.permutation(len(reference))
    train, val, calib = np.array_split(order, 3)  # fit / reference scores / calibration windows
    train, val, calib = reference.iloc[train], reference.iloc[val], reference.iloc[calib]
    served = model.fit(train, seed)
    features = model.features_of(reference)
    val_scores = served.predict_proba(val[features])[:, 1]
    calib_scores, calib_y = served.predict_proba(calib[features])[:, 1], calib[model.TARGET].to_numpy()
    accuracy = alerts.calibrate(val_scores, calib_scores, calib_y, window=config.stream_batch * config.label_window,
                                n_windows=500, rng=rng, quantile=config.alarm_quantile)  # fmt: skip
    prediction = alerts.calibrate(val_scores, calib_scores, calib_y, window=config.stream_batch, n_windows=500,
                                  rng=rng, quantile=config.alarm_quantile)  # fmt: skip
    thresholds = {"psi": prediction["psi"], "accuracy": accuracy["accuracy"]}
    picks = rng.choice(len(pool), size=(config.stream_batches, config.stream_batch), replace=True)
    batches = [pool.iloc[p].reset_index(drop=True) for p in picks]
    shifts = alerts.drift_schedule(config.stream_batches, config.drift_start, config.drift_ramp, config.drift_max_sd)
    folder = out_dir / "retrain"
    folder.mkdir(parents=True, exist_ok=True)
    data, model_file = folder / "labelled.csv", folder / "model.skops"
    trigger = alerts.RetrainTrigger(
        retrain_command(data, model_file, seed), cooldown=config.label_delay + config.label_window
    )

    def on_alert(alert: alerts.Alert, labelled: pd.DataFrame | None):
        if not config.retrain or labelled is None or alert.kind != trigger.on:
            return None
        labelled.to_csv(data, index=False)
        return model.load(model_file) if trigger(alert) else None

    timeline = alerts.simulate_stream(batches, target=model.TARGET, shifts=shifts, drifting=DRIFTING,
                                      scale=reference[features].std(), model=served, reference_scores=val_scores,
                                      thresholds=thresholds, label_delay=config.label_delay,
                                      label_window=config.label_window, on_alert=on_alert)  # fmt: skip
    return timeline, thresholds, trigger.runs


def stream_metrics(timeline: pd.DataFrame, config: Config, runs: list[dict]) -> dict:
    """False alarms are prediction alarms before the drift and performance alarms whose labels all come from before
    it (batch − label_delay < drift_start); the first true alarms and retraining come after those."""
    batch = timeline["batch"]
    quiet_labels = batch - config.label_delay < config.drift_start
    quiet = timeline[batch < config.drift_start]
    true_retrain = alerts.first_batch(timeline, "retrained", config.drift_start + config.label_delay)
    end = true_retrain if true_retrain is not None else len(timeline)
    drifted_old_model = timeline[(batch >= config.drift_start) & (batch <= end)]
    after = timeline[batch > end]
    false_alarms = (timeline["prediction_alarm"] & (batch < config.drift_start)).sum() + (
        timeline["performance_alarm"] & quiet_labels
    ).sum()
    return {
        "stream_false_alarms": int(false_alarms),
        "stream_false_retrains": int((timeline["retrained"] & quiet_labels).sum()),
        "stream_drift_start": config.drift_start,
        "stream_label_delay": config.label_delay,
        "stream_first_prediction_alarm": alerts.first_batch(timeline, "prediction_alarm", config.drift_start),
        "stream_first_performance_alarm": alerts.first_batch(
            timeline, "performance_alarm", config.drift_start + config.label_delay
        ),
        "stream_first_retrain": true_retrain,
        "stream_retrain_runs": len(runs),
        "stream_retrain_failures": sum(r["returncode"] != 0 for r in runs),
        "stream_accuracy_quiet": float(quiet["true_accuracy"].mean()),
        "stream_accuracy_drifted": float(drifted_old_model["true_accuracy"].mean()),
        "stream_accuracy_after_retrain": float(after["true_accuracy"].mean()) if len(after) else None,
    }


# --- figures -------------------------------------------------------------------------------------------------------


def plot_detection(table: pd.DataFrame, target_rate: float = 0.05) -> Figure:
    fig, ax = subplots(figsize=(8, 4.5))
    for name, rows in table.groupby("detector", sort=False):
        below, above = (rows["rate"] - rows["ci_low"]).clip(0), (rows["ci_high"] - rows["rate"]).clip(0)
        ax.errorbar(rows["shift_sd"], rows["rate"], yerr=[below, above], marker="o", capsize=3, label=name)
    ax.axhline(target_rate, ls="--", color="#8C8C8C", lw=1, label="5% (false-alarm budget at shift 0)")
    ax.set(xlabel="shift of alcohol (reference SDs)", ylabel="share of windows that alarm (95% CI)",
           title="Drift detectors, measured on windows of wine")  # fmt: skip
    ax.legend(fontsize=8)
    return fig


def plot_stream(timeline: pd.DataFrame, thresholds: dict, config: Config) -> Figure:
    fig, (top, bottom) = subplots(2, 1, figsize=(9, 6), sharex=True)
    top.plot(timeline["batch"], timeline["prediction_psi"], marker=".", label="PSI of predicted probabilities")
    top.axhline(thresholds["psi"], ls="--", color="#C44E52", lw=1, label="prediction-drift threshold")
    top.set(ylabel="PSI", title="A drifting alcohol sensor: what the monitor saw")
    bottom.plot(timeline["batch"], timeline["true_accuracy"], color="#8C8C8C", lw=1, label="true accuracy (hindsight)")
    bottom.plot(timeline["batch"], timeline["labelled_accuracy"], marker=".", label="accuracy on labelled batches")
    bottom.axhline(thresholds["accuracy"], ls="--", color="#C44E52", lw=1, label="performance threshold")
    for ax in (top, bottom):
        ax.axvline(config.drift_start - 0.5, color="#DD8452", lw=1)
        for batch in timeline.loc[timeline["retrained"], "batch"]:
            ax.axvline(batch + 0.5, color="#55A868", lw=2)
    bottom.set(xlabel="batch (orange: drift starts, green: retrained model serves)", ylabel="accuracy")
    top.legend(fontsize=8)
    bottom.legend(fontsize=8)
    return fig


# --- the run -------------------------------------------------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42, config: Config | None = None) -> Result:
    """Wine drift reports and measured detectors, text drift, the alerting stream; `config` overrides the mode's."""
    config = config or (FAST if fast else Config())
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    wines = model.load_wines()
    reference, pool = split_reference(wines, rng)
    features = model.features_of(wines)

    reports = wine_reports(reference[features], pool[features], config, out_dir, rng)
    detection, psi_threshold = measure_detectors(reference[features], pool[features], config, rng)
    texts, text_false_alarms = text_drift_checks(config, out_dir, rng, seed)
    timeline, thresholds, runs = stream(reference, pool, config, out_dir, rng, seed)

    chosen = detection[detection["detector"] == CHOSEN].set_index("shift_sd")
    usable = usable_text_checks(text_false_alarms)
    alarms = texts[texts["check"].isin(usable)].groupby("sample")["drift"].any()
    embeddings = texts[texts["check"] == "sentence embeddings"].set_index("sample")["direct"]
    metrics = {
        "n_reference": len(reference),
        "window": config.window,
        "measured_windows": config.measured_windows,
        "psi_threshold": psi_threshold,
        "chosen_detector": CHOSEN,
        "false_alarm_rate": float(chosen.loc[0.0, "rate"]),
        "false_alarm_rate_ci_low": float(chosen.loc[0.0, "ci_low"]),
        "false_alarm_rate_ci_high": float(chosen.loc[0.0, "ci_high"]),
        "detection_rate_at_0_2sd": float(chosen.loc[0.2, "rate"]),
        "detection_rate_at_0_2sd_ci_low": float(chosen.loc[0.2, "ci_low"]),
        "detection_rate_at_0_2sd_ci_high": float(chosen.loc[0.2, "ci_high"]),
        "evidently_scipy_max_p_diff": float(
            max(reports["max_abs_p_diff"].max(), (texts["evidently"] - texts["direct"]).abs().max())
        ),  # fmt: skip
        "evidently_verdicts_agree": bool(reports["verdicts_agree"].all() and texts["agree"].all()),
        "text_sentences": config.text_sentences,
        "text_checks_used": ", ".join(usable),
        "text_control_quiet": int(not alarms["sst2_control"]),
        "text_domain_detected": int(alarms["imdb"]),
        "text_embedding_auc_imdb": float(embeddings["imdb"]),
        "text_embedding_auc_control": float(embeddings["sst2_control"]),
        "stream_prediction_psi_threshold": thresholds["psi"],
        "stream_accuracy_threshold": thresholds["accuracy"],
        **stream_metrics(timeline, config, runs),
    }
    figures = [
        save_figure(plot_detection(detection), out_dir, "detection_vs_shift"),
        save_figure(plot_stream(timeline, thresholds, config), out_dir, "stream_alerts"),
    ]
    return Result(metrics=metrics, figures=figures,
                  tables={"wine_reports": reports, "detection": detection, "text_drift": texts,
                          "text_false_alarms": text_false_alarms, "stream": timeline,
                          "retrain_runs": pd.DataFrame(runs, columns=["batch", "returncode", "error"])})  # fmt: skip
