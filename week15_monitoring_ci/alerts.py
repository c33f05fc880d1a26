"""Alerts on a live model, and the retraining trigger they pull.

A deployed model meets its inputs at once and their labels late (a wine's tasting grade, a review's star rating,
a loan's default: days to years later). So two alarms, with different speeds and different evidence:
- **prediction drift** (now, no labels): the distribution of the model's own scores moves away from what it was on
  validation data. PSI of the predicted probabilities, threshold calibrated on validation windows.
- **performance drop** (late, labels): accuracy on the most recently labelled batches falls below what validation
  windows of the same size reach 99% of the time.

`RetrainTrigger` starts a command (by default this week's `retrain`, a cheap refit on the latest labelled rows)
when a performance alert fires, at most once per cooldown, and records what happened. `simulate_stream` plays a
stream of wine batches through all of it: quiet first, then a sensor drifting more and more.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from week15_monitoring_ci.drift import psi


@dataclass(frozen=True)
class Alert:
    batch: int
    kind: str  # "prediction_drift" or "performance_drop"
    value: float
    threshold: float


@dataclass
class RetrainTrigger:
    """Run `command` (argv list) when an alert of kind `on` fires; not again within `cooldown` batches.

    A failed command is recorded (exit code and the end of its stderr), not raised: the monitor keeps watching,
    and the failure itself is something to alert on.
    """

    command: Sequence[str]
    cooldown: int
    on: str = "performance_drop"
    timeout_s: float = 600
    runs: list[dict] = field(default_factory=list)

    def __call__(self, alert: Alert) -> bool:
        """True when the command ran and succeeded."""
        if alert.kind != self.on:
            return False
        if self.runs and alert.batch - self.runs[-1]["batch"] < self.cooldown:
            return False
        try:
            done = subprocess.run(list(self.command), capture_output=True, text=True, timeout=self.timeout_s)
            status, error = done.returncode, done.stderr[-500:]
        except (OSError, subprocess.TimeoutExpired) as exc:
            status, error = -1, f"{type(exc).__name__}: {exc}"
        self.runs.append({"batch": alert.batch, "returncode": status, "error": error if status else ""})
        return status == 0


# --- thresholds, calibrated on validation windows (never on the stream) ---------------------------------------------


def calibrate(
    reference_scores: np.ndarray,
    scores: np.ndarray,
    y: np.ndarray,
    *,
    window: int,
    n_windows: int,
    rng: np.random.Generator,
    quantile: float,
) -> dict[str, float]:
    """Thresholds that a no-drift window crosses with probability `1 − quantile`.

    Windows are drawn from (`scores`, `y`), validation rows *other* than those behind `reference_scores`: a window
    drawn from the reference itself would look more alike than new data ever does, and the threshold would be too low.
    """
    psis, accuracies = [], []
    for _ in range(n_windows):
        pick = rng.choice(len(scores), size=window, replace=False)
        psis.append(psi(reference_scores, scores[pick]))
        accuracies.append(np.mean((scores[pick] >= 0.5) == y[pick]))
    return {"psi": float(np.quantile(psis, quantile)), "accuracy": float(np.quantile(accuracies, 1 - quantile))}


# --- the stream ----------------------------------------------------------------------------------------------------


def drift_schedule(n_batches: int, start: int, ramp: int, max_shift: float) -> np.ndarray:
    """Shift (in reference SDs) per batch: 0 until `start`, then growing linearly to `max_shift` over `ramp` batches."""
    steps = np.clip((np.arange(n_batches) - start + 1) / ramp, 0, 1)
    return max_shift * steps


def simulate_stream(
    batches: list[pd.DataFrame],
    *,
    target: str,
    shifts: np.ndarray,
    drifting: list[str],
    scale: pd.Series,
    model,
    reference_scores: np.ndarray,
    thresholds: dict[str, float],
    label_delay: int,
    label_window: int,
    on_alert: Callable[[Alert, pd.DataFrame], object | None],
) -> pd.DataFrame:
    """Play `batches` in order; return one row per batch (what the monitor saw and did).

    Batch t's features are shifted by `shifts[t]` SDs on `drifting` columns (the sensor), its labels stay true and
    arrive `label_delay` batches later. `on_alert(alert, labelled_rows)` may return a new model (retraining), which
    then serves the next batches; its scores on `labelled_rows` become the new prediction-drift reference.
    """
    rows, seen = [], {}  # seen: batch index → its features, label and the score the serving model gave
    since = 0  # first batch scored by the model now serving: older labels say nothing about it
    features = [c for c in batches[0].columns if c != target]
    for t, batch in enumerate(batches):
        x = batch[features].copy()
        for column in drifting:
            x[column] = x[column] + shifts[t] * scale[column]
        scores = model.predict_proba(x)[:, 1]
        seen[t] = x.assign(**{target: batch[target].to_numpy(), "_score": scores})
        row = {"batch": t, "shift_sd": float(shifts[t]), "prediction_psi": psi(reference_scores, scores)}
        row["prediction_alarm"] = row["prediction_psi"] > thresholds["psi"]
        alerts = [Alert(t, "prediction_drift", row["prediction_psi"], thresholds["psi"])] * row["prediction_alarm"]
        newest = t - label_delay  # the newest batch whose labels have arrived
        labelled = [seen[b] for b in range(max(since, newest - label_window + 1), newest + 1)]
        row["labelled_accuracy"], row["performance_alarm"] = np.nan, False
        if len(labelled) == label_window:
            window = pd.concat(labelled)
            row["labelled_accuracy"] = float(np.mean((window["_score"] >= 0.5) == window[target]))
            row["performance_alarm"] = row["labelled_accuracy"] < thresholds["accuracy"]
            if row["performance_alarm"]:
                alerts.append(Alert(t, "performance_drop", row["labelled_accuracy"], thresholds["accuracy"]))
        row["retrained"] = False
        for alert in alerts:
            new_model = on_alert(alert, pd.concat(labelled).drop(columns="_score") if labelled else None)
            if new_model is not None:
                model, row["retrained"], since = new_model, True, t + 1
                reference_scores = model.predict_proba(pd.concat(labelled)[features])[:, 1]
        row["true_accuracy"] = float(np.mean((scores >= 0.5) == batch[target].to_numpy()))
        rows.append(row)
    return pd.DataFrame(rows)


def first_batch(frame: pd.DataFrame, column: str, after: int = 0) -> int | None:
    hits = frame.loc[(frame[column]) & (frame["batch"] >= after), "batch"]
    return int(hits.iloc[0]) if len(hits) else None
