"""Monitoring the deployed news model on a stream of new articles, with week 15's drift checks.

The stream: batches of held-out AG News items (the same source as training: nothing should fire), then batches of
BBC News full-text articles (another outlet, longer texts, one topic AG News lacks: a real source and topic shift).
Per batch, week 15's text features (`text_drift.sentence_features`: words per text, share of words outside the
training vocabulary) plus the model's confidence (its top probability) are compared with a reference sample by
week 15's `drift.column_statistics` (KS p-value and PSI per column).

The alert rule is week 15's "max PSI > calibrated": the threshold is the quantile of max-PSI on quiet windows
(validation rows the reference does not contain) that leaves a 5% chance of ANY false alarm over the whole stream
(the per-batch rate divided by the number of batches: Bonferroni across time). The first alert pulls week 15's
`RetrainTrigger`, which runs this unit's `retrain` command on AG train + a labelled sample of the new source; the
retrained model is then scored on the rest of the BBC stream next to the old one.

BBC's five categories map onto AG's four where they match (business → Business, sport → Sports, tech → Sci/Tech,
politics → World); entertainment has no AG class, so its articles count in the drift checks but not in accuracy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from week15_monitoring_ci.alerts import Alert, RetrainTrigger
from week15_monitoring_ci.drift import calibrate_psi_threshold, column_statistics
from week15_monitoring_ci.text_drift import sentence_features, words
from week16_pipeline.inference import LABELS, predict_proba

BBC_TO_AG = {"business": "Business", "sport": "Sports", "tech": "Sci/Tech", "politics": "World"}


def vocabulary(texts: list[str]) -> set[str]:
    return {w for t in texts for w in words(t)}


def features(model, texts: list[str], vocab: set[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """(per-text drift features, class probabilities): the model is called once per batch."""
    probs = predict_proba(model, texts)
    frame = sentence_features(texts, vocab).assign(confidence=probs.max(1))
    return frame, probs


def make_stream(ag: pd.DataFrame, bbc: pd.DataFrame, *, batch: int, ag_batches: int, bbc_batches: int,
                seed: int) -> list[pd.DataFrame]:  # fmt: skip
    """Batches of [text, label_id, source]: `ag_batches` of AG News first, then `bbc_batches` of BBC (label_id −1
    where BBC's category has no AG class)."""
    rng = np.random.default_rng(seed)
    ag_rows = ag.iloc[rng.permutation(len(ag))[: batch * ag_batches]]
    bbc_rows = bbc.iloc[rng.permutation(len(bbc))[: batch * bbc_batches]]
    if len(ag_rows) < batch * ag_batches or len(bbc_rows) < batch * bbc_batches:
        raise ValueError("not enough rows for the stream; lower the batch size or the number of batches")
    ag_part = pd.DataFrame({"text": ag_rows["text"].to_numpy(), "label_id": ag_rows["label_id"].to_numpy(),
                            "source": "ag_news"})  # fmt: skip
    bbc_ids = bbc_rows["label"].map(lambda c: LABELS.index(BBC_TO_AG[c]) if c in BBC_TO_AG else -1)
    bbc_part = pd.DataFrame({"text": bbc_rows["text"].to_numpy(), "label_id": bbc_ids.to_numpy(), "source": "bbc"})
    both = pd.concat([ag_part, bbc_part], ignore_index=True)
    return [both.iloc[i : i + batch].reset_index(drop=True) for i in range(0, len(both), batch)]


def calibrate(model, reference_texts: list[str], quiet_texts: list[str], vocab: set[str], *, batch: int,
              n_windows: int, false_alarm: float, n_batches: int, seed: int) -> tuple[pd.DataFrame, float]:  # fmt: skip
    """(reference features, PSI threshold): quiet windows drawn from `quiet_texts` (not in the reference)."""
    reference, _ = features(model, reference_texts, vocab)
    quiet_all, _ = features(model, quiet_texts, vocab)
    rng = np.random.default_rng(seed)
    quiet = [quiet_all.iloc[rng.choice(len(quiet_all), size=batch, replace=False)] for _ in range(n_windows)]
    return reference, calibrate_psi_threshold(reference, quiet, false_alarm=false_alarm / n_batches)


def watch(model, stream: list[pd.DataFrame], reference: pd.DataFrame, vocab: set[str], threshold: float, *,
          on_alert) -> pd.DataFrame:  # fmt: skip
    """Play the stream; one row per batch: source, drift statistics, alert, accuracy on the mappable rows."""
    rows = []
    for t, batch in enumerate(stream):
        current, probs = features(model, batch["text"].tolist(), vocab)
        stats = column_statistics(reference, current).set_index("column")
        known = batch["label_id"].to_numpy() >= 0
        row = {"batch": t, "source": batch["source"].iloc[0], "max_psi": float(stats["psi"].max()),
               "drifting_column": str(stats["psi"].idxmax()), "min_ks_pvalue": float(stats["ks_pvalue"].min()),
               "mean_words": float(current["n_words"].mean()), "mean_confidence": float(current["confidence"].mean()),
               "accuracy": float(np.mean(probs.argmax(1)[known] == batch["label_id"].to_numpy()[known]))
               if known.any() else np.nan}  # fmt: skip
        row["alert"] = row["max_psi"] > threshold
        row["retrain_triggered"] = bool(row["alert"] and on_alert(Alert(t, "input_drift", row["max_psi"], threshold)))
        rows.append(row)
    return pd.DataFrame(rows)


def retrain_trigger(data_csv: Path, out: Path, seed: int, C: float, cooldown: int) -> RetrainTrigger:
    """Week 15's trigger around this unit's `retrain` command (a subprocess: what a scheduler would run)."""
    command = [sys.executable, "-m", "week16_pipeline", "retrain", "--data", str(data_csv), "--out", str(out),
               "--seed", str(seed), "--C", str(C)]  # fmt: skip
    return RetrainTrigger(command, cooldown=cooldown, on="input_drift")


def first_alert(timeline: pd.DataFrame) -> int | None:
    hits = timeline.loc[timeline["alert"], "batch"]
    return int(hits.iloc[0]) if len(hits) else None


def plot_stream(timeline: pd.DataFrame, threshold: float, shift_batch: int, retrained: pd.DataFrame | None = None):
    from shared.plotting import subplots

    fig, (top, bottom) = subplots(2, 1, figsize=(8, 5.5), sharex=True)
    top.plot(timeline["batch"], timeline["max_psi"], marker="o", label="max PSI over the features")
    top.axhline(threshold, color="red", linestyle="--", label="calibrated threshold")
    top.set(yscale="log", ylabel="max PSI", title="Drift on the stream: AG News, then BBC News")
    bottom.plot(timeline["batch"], timeline["accuracy"], marker="o", label="serving model")
    if retrained is not None and len(retrained):
        bottom.plot(retrained["batch"], retrained["accuracy"], marker="s", label="retrained on the new source")
    bottom.set(ylabel="accuracy (mappable rows)", xlabel="batch")
    for ax in (top, bottom):
        ax.axvline(shift_batch - 0.5, color="grey", linestyle=":", label="true shift")
        ax.legend(fontsize=8)
    return fig
