"""How `roadmap grade week15 PATH` checks a learner's drift monitoring (see shared/grading).

The contract is the lesson's own functions (drift.py, ops.py) plus `drifted_columns`, the detector the lesson
deploys ("any column, KS Bonferroni") as one call. The grader owns the data: the wines split in a reference half and
a live pool with its own seed, no-drift windows drawn from the pool, the same windows with a simulated sensor shift,
and a table of service log records and a Prometheus histogram it builds itself. Checks ask what the unit's tests
ask: PSI by its formula on the reference's quantile bins, finite on empty bins; KS p-values as scipy gives them; a
PSI threshold that alarms on the stated share of quiet windows; few false alarms over many quiet windows, a 0.2-SD
shift caught, the drifted column named; the log summary's counts and percentiles; PromQL's `histogram_quantile`.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import once

CONTRACT = [
    Function("psi", "psi(reference, current, bins=10) -> float",
             "Population Stability Index of one numeric column (two 1-D arrays), on the reference's quantile bins"),
    Function("column_statistics", "column_statistics(reference: pd.DataFrame, current: pd.DataFrame) -> "
             "pd.DataFrame", "one row per column of `reference`: `column`, `ks_pvalue` (two-sample KS), `psi`"),
    Function("calibrate_psi_threshold", "calibrate_psi_threshold(reference, quiet, false_alarm=0.05) -> float",
             "the max-PSI threshold that a share `false_alarm` of the no-drift windows `quiet` (a list of "
             "DataFrames) crosses"),
    Function("drifted_columns", "drifted_columns(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]",
             "your deployed detector on one window: the columns it calls drifted ([] = no alarm), keeping false "
             "alarms on no-drift windows at about 5% or less"),
    Function("summarise_logs", "summarise_logs(records: pd.DataFrame) -> pd.DataFrame",
             "records: one row per JSON log line (week 14's fields; lines that are not requests have no route or "
             "status). One row per route: route, requests, share_5xx, share_429, p50_ms, p95_ms, p99_ms"),
    Function("histogram_quantile", "histogram_quantile(q, families, name, **labels) -> float",
             "PromQL's histogram_quantile on parsed Prometheus text: families is {family name: [samples with "
             ".name, .labels, .value]} as prometheus_client.parser gives them"),
]  # fmt: skip
REFERENCE = "week15_monitoring_ci.grading:Reference"
GRADER_SEED = 2026  # the grader's split and windows differ from the lesson's (seed 42)
WINDOW = 500  # rows per monitoring window, as the lesson's
QUIET_WINDOWS = 80  # no-drift windows the false-alarm rate is measured on (KS on 3,248 × 500 rows: ~0.1 s each)
SHIFTED_WINDOWS = 20  # windows per shifted check
CALIBRATION_WINDOWS, CALIBRATION_ROWS = 40, 200  # quiet windows handed to calibrate_psi_threshold, and their size
CALIBRATION_REFERENCE = 800  # reference rows for that check (its property does not depend on the sizes)
FALSE_ALARM_BUDGET = 0.05  # the lesson's target: at most 5% of quiet windows alarm
DETECTION_BAR = 0.8  # the lesson's target: a 0.2-SD shift of alcohol caught in 4 of 5 windows
DETECTOR_TIMEOUT_S = 90.0  # 150 windows × 11 columns of KS tests: seconds, more on a busy machine


class Reference:
    """The lesson's functions under the contract's names; `drifted_columns` is its chosen detector as one call."""

    @staticmethod
    def psi(reference, current, bins: int = 10) -> float:
        from week15_monitoring_ci.drift import psi

        return psi(reference, current, bins)

    @staticmethod
    def column_statistics(reference: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
        from week15_monitoring_ci.drift import column_statistics

        return column_statistics(reference, current)

    @staticmethod
    def calibrate_psi_threshold(reference: pd.DataFrame, quiet: list[pd.DataFrame], false_alarm: float = 0.05):
        from week15_monitoring_ci.drift import calibrate_psi_threshold

        return calibrate_psi_threshold(reference, quiet, false_alarm)

    @staticmethod
    def drifted_columns(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
        """monitoring.CHOSEN ("any column, KS Bonferroni"), naming the columns whose own test fails."""
        from week15_monitoring_ci.drift import ALPHA, column_statistics

        stats = column_statistics(reference, current)
        return stats.loc[stats["ks_pvalue"] < ALPHA / len(stats), "column"].tolist()

    @staticmethod
    def summarise_logs(records: pd.DataFrame) -> pd.DataFrame:
        from week15_monitoring_ci.ops import summarise_logs

        return summarise_logs(records)

    @staticmethod
    def histogram_quantile(q: float, families: dict, name: str, **labels: str) -> float:
        from week15_monitoring_ci.ops import histogram_quantile

        return histogram_quantile(q, families, name, **labels)


# --- the grader's data ---------------------------------------------------------------------------------------------


@functools.cache
def wines() -> SimpleNamespace:
    """The lesson's wines, split in halves with the grader's seed: the reference and the live pool."""
    from week15_monitoring_ci.model import features_of, load_wines

    frame = load_wines()
    features = features_of(frame)
    order = np.random.default_rng(GRADER_SEED).permutation(len(frame))
    half = len(frame) // 2
    reference = frame.iloc[order[:half]][features].reset_index(drop=True)
    pool = frame.iloc[order[half:]][features].reset_index(drop=True)
    return SimpleNamespace(reference=reference, pool=pool, scale=reference.std(), columns=features)


@functools.cache
def quiet(n: int, seed: int, rows: int = WINDOW) -> tuple[pd.DataFrame, ...]:
    """`n` no-drift windows of `rows` pool rows (rows the reference does not hold)."""
    pool, rng = wines().pool, np.random.default_rng(seed)
    return tuple(pool.iloc[rng.choice(len(pool), rows, replace=False)].reset_index(drop=True) for _ in range(n))


def shifted(window: pd.DataFrame, column: str, size_sd: float) -> pd.DataFrame:
    """A miscalibrated sensor: `column` moved by `size_sd` reference standard deviations."""
    return window.assign(**{column: window[column] + size_sd * wines().scale[column]})


def drifted(sol, current: pd.DataFrame) -> list[str]:
    out = sol.drifted_columns(wines().reference.copy(), current.copy())
    expect(isinstance(out, list | tuple | set | pd.Index | np.ndarray),
           f"drifted_columns returned {type(out).__name__}, expected a list of column names")  # fmt: skip
    names = [str(c) for c in out]
    unknown = set(names) - set(wines().columns)
    expect(not unknown, f"drifted_columns named {sorted(unknown)}, which are not columns of the data")
    return names


def quiet_alarms(sol) -> list[list[str]]:
    return once(sol, "quiet_alarms", lambda: [drifted(sol, w) for w in quiet(QUIET_WINDOWS, GRADER_SEED)])


def false_alarm_rate(sol) -> float:
    return float(np.mean([bool(cols) for cols in quiet_alarms(sol)]))


def detection_rate(sol, column: str, size_sd: float) -> tuple[float, list[list[str]]]:
    def make():
        hits = [drifted(sol, shifted(w, column, size_sd)) for w in quiet(SHIFTED_WINDOWS, GRADER_SEED + 1)]
        return float(np.mean([bool(cols) for cols in hits])), hits

    return once(sol, f"detect:{column}:{size_sd}", make)


STREAM_QUIET, STREAM_LENGTH, STREAM_STEP_SD = 10, 40, 0.02  # windows 10..39 drift by 0.02 SD more each


def detection_delay(sol) -> float:
    """Windows from the start of a slow alcohol drift to the first alarm (NaN: never within the stream)."""
    windows = quiet(STREAM_LENGTH, GRADER_SEED + 2)
    for t in range(STREAM_QUIET, STREAM_LENGTH):
        if drifted(sol, shifted(windows[t], "alcohol", STREAM_STEP_SD * (t - STREAM_QUIET + 1))):
            return float(t - STREAM_QUIET)
    return float("nan")


def max_psi(sol, reference: pd.DataFrame, window: pd.DataFrame) -> float:
    return max(float(sol.psi(reference[c].to_numpy(), window[c].to_numpy())) for c in reference.columns)


# --- reference formulas the checks compare with ----------------------------------------------------------------


def formula_psi(reference: np.ndarray, current: np.ndarray, bins: int = 10, eps: float = 1e-4) -> float:
    """Σ (cur% − ref%) · ln(cur% / ref%) on the reference's quantile bins (the lesson's definition)."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    ref = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1) / len(reference)
    cur = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1) / len(current)
    ref, cur = np.clip(ref, eps, None), np.clip(cur, eps, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def normal_samples(shift: float, seed: int = GRADER_SEED) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=5000), rng.normal(loc=shift, size=1000)


# --- checks: drift statistics ----------------------------------------------------------------------------------


def check_psi_formula(sol) -> None:
    ref = np.repeat([1.0, 2.0, 3.0, 4.0], 25)  # quartiles: four bins of 25%
    cur = np.repeat([1.0, 2.0, 3.0, 4.0], [40, 20, 20, 20])
    shares = np.array([0.4, 0.2, 0.2, 0.2])
    expected = float(np.sum((shares - 0.25) * np.log(shares / 0.25)))
    got = float(sol.psi(ref, cur, bins=4))
    expect(np.isclose(got, expected, rtol=1e-6),
           f"psi on quartile bins with shares 40/20/20/20% against 25% each is {got:.6g}, expected "
           f"Σ(c − r)·ln(c/r) = {expected:.6g}")  # fmt: skip
    same = float(sol.psi(ref, ref.copy(), bins=4))
    expect(abs(same) < 1e-9, f"psi of a sample against itself is {same:.3g}, not 0")
    for shift in (0.1, 0.3, 0.6):
        reference, current = normal_samples(shift)
        got, want = float(sol.psi(reference, current)), formula_psi(reference, current)
        expect(np.isclose(got, want, rtol=0.02), f"psi(N(0, 1) × 5000, N({shift}, 1) × 1000) with 10 bins is "
                                                 f"{got:.4g}; on the reference's deciles it is {want:.4g}")  # fmt: skip


def check_psi_quantile_bins(sol) -> None:
    reference, current = normal_samples(0.4)
    plain = float(sol.psi(reference, current))
    for name, transform in (("exp(x)", np.exp), ("1000·x + 7", lambda x: 1000 * x + 7)):
        moved = float(sol.psi(transform(reference), transform(current)))
        expect(np.isclose(moved, plain, rtol=1e-6),
               f"psi changes from {plain:.4g} to {moved:.4g} when both samples are re-expressed as {name} (same "
               "order, other units)")  # fmt: skip


def check_psi_empty_bins(sol) -> None:
    reference, _ = normal_samples(0.0)
    beyond = reference.max() + np.linspace(1, 2, 1000)  # every value above the reference's largest one
    far = float(sol.psi(reference, beyond))
    expect(np.isfinite(far) and far > 1, f"psi of a sample entirely above the reference's range is {far}: expected "
                                         "a large finite number (all of it in the top bin)")  # fmt: skip
    inside = np.full(1000, np.median(reference))  # every value in one bin: nine empty bins
    one_bin = float(sol.psi(reference, inside))
    expect(np.isfinite(one_bin) and one_bin > 1, f"psi of a sample that fills one bin and leaves nine empty is "
                                                 f"{one_bin}: expected a large finite number")  # fmt: skip


def check_column_statistics(sol) -> None:
    from scipy.stats import ks_2samp

    reference = wines().reference
    current = shifted(quiet(1, GRADER_SEED + 3)[0], "alcohol", 0.5)
    stats = sol.column_statistics(reference.copy(), current.copy())
    expect(isinstance(stats, pd.DataFrame) and {"column", "ks_pvalue", "psi"} <= set(stats.columns),
           "column_statistics must return a DataFrame with columns column, ks_pvalue, psi")  # fmt: skip
    expect(
        sorted(stats["column"].astype(str)) == sorted(reference.columns),
        f"column_statistics has rows for {sorted(stats['column'].astype(str))}, expected one per column",
    )
    by_column = stats.set_index(stats["column"].astype(str))
    for column in reference.columns:
        want = float(ks_2samp(reference[column], current[column]).pvalue)
        got = float(by_column.loc[column, "ks_pvalue"])
        expect(abs(got - want) <= 1e-9 * max(1.0, want) + 1e-12,
               f"ks_pvalue of {column!r} is {got:.4g}; scipy's two-sample KS p-value is {want:.4g}")  # fmt: skip
    top = str(by_column["psi"].astype(float).idxmax())
    expect(top == "alcohol", f"with only alcohol shifted by 0.5 SD, the largest psi is {top!r}'s")


# --- checks: the detector ----------------------------------------------------------------------------------------


def check_calibration(sol) -> None:
    reference = wines().reference.iloc[:CALIBRATION_REFERENCE]
    windows = quiet(CALIBRATION_WINDOWS, GRADER_SEED + 4, CALIBRATION_ROWS)
    maxima = np.array([max_psi(sol, reference, w) for w in windows])
    for rate, (low, high) in ((0.05, (0.025, 0.075)), (0.2, (0.15, 0.25))):  # 1–3 and 6–10 of 40 windows
        threshold = float(sol.calibrate_psi_threshold(reference.copy(), [w.copy() for w in windows], rate))
        crossed = float(np.mean(maxima > threshold))
        expect(low <= crossed <= high,
               f"with false_alarm={rate:g} the threshold {threshold:.4g} is crossed by {crossed:.0%} of the "
               f"{len(windows)} quiet windows it was chosen on (max PSI over the columns, with your psi)")  # fmt: skip


def check_false_alarms(sol) -> None:
    from shared.stats import proportion_ci

    alarms = quiet_alarms(sol)
    hits = sum(bool(cols) for cols in alarms)
    low, high = proportion_ci(hits, len(alarms))
    expect(low <= FALSE_ALARM_BUDGET,
           f"{hits} of {len(alarms)} no-drift windows alarmed: {hits / len(alarms):.0%} (95% CI {low:.0%}–{high:.0%}), "
           f"over the {FALSE_ALARM_BUDGET:.0%} budget even at the interval's low end")  # fmt: skip


def check_detection(sol) -> None:
    rate, _ = detection_rate(sol, "alcohol", 0.2)
    expect(rate >= DETECTION_BAR, f"alcohol shifted by 0.2 SD alarmed in {rate:.0%} of {SHIFTED_WINDOWS} windows "
                                  f"of {WINDOW} wines; the bar is {DETECTION_BAR:.0%}")  # fmt: skip


def check_names_the_column(sol) -> None:
    for column, size_sd in (("alcohol", 0.2), ("residual sugar", 0.3)):
        _, hits = detection_rate(sol, column, size_sd)
        named = {c: float(np.mean([c in cols for cols in hits])) for c in wines().columns}
        expect(named[column] >= 0.9, f"{column!r} shifted by {size_sd} SD is named in only {named[column]:.0%} of the "
                                     "windows")  # fmt: skip
        others = {c: share for c, share in named.items() if c != column and share > 0.2}
        expect(not others, f"with only {column!r} shifted, unshifted columns are named too: "
                           f"{ {c: f'{s:.0%}' for c, s in others.items()} } of the windows")  # fmt: skip


# --- checks: logs and metrics ----------------------------------------------------------------------------------


@functools.cache
def log_records() -> pd.DataFrame:
    """JSON log lines as `ops.read_logs` returns them: access records of three routes, and lines without a route."""
    rng = np.random.default_rng(GRADER_SEED)
    rows = [{"level": "INFO", "logger": "week14", "message": "model loaded", "model_version": "abc123"}]
    plan = {"/predict": (300, [200] * 280 + [429] * 12 + [500] * 5 + [422] * 3),
            "/predict/batch": (80, [200] * 70 + [503] * 6 + [413] * 4),
            "/ready": (40, [200] * 40)}  # fmt: skip
    for route, (n, statuses) in plan.items():
        latency = rng.lognormal(mean=np.log(12 if route != "/ready" else 1), sigma=0.6, size=n)
        for i, status in enumerate(rng.permutation(statuses)):
            rows.append(
                {
                    "level": "INFO" if status < 500 else "ERROR",
                    "logger": "week14.access",
                    "message": "request",
                    "request_id": f"{route}-{i}",
                    "route": route,
                    "method": "GET" if route == "/ready" else "POST",
                    "status": int(status),
                    "latency_ms": round(float(latency[i]), 3),
                    "model_version": "abc123",
                }
            )
        rows.append({"level": "WARNING", "logger": "week14", "message": f"slow start on {route}"})  # fmt: skip
    order = np.random.default_rng(GRADER_SEED + 1).permutation(len(rows))
    return pd.DataFrame([rows[i] for i in order])


def expected_summary() -> pd.DataFrame:
    access = log_records().dropna(subset=["route", "status"])
    rows = []
    for route, group in access.groupby("route"):
        status, latency = group["status"].astype(int), group["latency_ms"].astype(float)
        rows.append({"route": route, "requests": len(group), "share_5xx": float((status >= 500).mean()),
                     "share_429": float((status == 429).mean()),
                     **{f"p{q}_ms": float(np.percentile(latency, q)) for q in (50, 95, 99)}})  # fmt: skip
    return pd.DataFrame(rows).set_index("route")


def learner_summary(sol) -> pd.DataFrame:
    out = sol.summarise_logs(log_records().copy())
    expect(isinstance(out, pd.DataFrame), f"summarise_logs returned {type(out).__name__}, expected a DataFrame")
    needed = ["route", "requests", "share_5xx", "share_429", "p50_ms", "p95_ms", "p99_ms"]
    missing = [c for c in needed if c not in out.columns]
    expect(not missing, f"summarise_logs lacks column(s) {missing}; expected {needed}")
    routes = sorted(out["route"].astype(str))
    expect(
        routes == sorted(expected_summary().index),
        f"summarise_logs has rows for routes {routes}, expected {sorted(expected_summary().index)} (one per route)",
    )
    return out.set_index(out["route"].astype(str))


def check_log_counts(sol) -> None:
    got, want = learner_summary(sol), expected_summary()
    for route in want.index:
        for column in ("requests", "share_5xx", "share_429"):
            g, w = float(got.loc[route, column]), float(want.loc[route, column])
            expect(np.isclose(g, w, rtol=1e-9, atol=1e-12), f"{route}: {column} is {g:.4g}, expected {w:.4g}")


def check_log_latency(sol) -> None:
    got, want = learner_summary(sol), expected_summary()
    for route in want.index:
        for column in ("p50_ms", "p95_ms", "p99_ms"):
            g, w = float(got.loc[route, column]), float(want.loc[route, column])
            expect(np.isclose(g, w, rtol=1e-6), f"{route}: {column} is {g:.4g} ms, expected {w:.4g} ms "
                                                f"(the percentile of that route's latency_ms)")  # fmt: skip


@functools.cache
def histogram_families() -> dict:
    """A Prometheus latency histogram with two routes, rendered and parsed the way a scrape is."""
    from prometheus_client import CollectorRegistry, Histogram, generate_latest
    from prometheus_client.parser import text_string_to_metric_families

    registry = CollectorRegistry()
    histogram = Histogram("latency_seconds", "request latency", ["route"], buckets=(0.01, 0.02, 0.04, 0.08),
                          registry=registry)  # fmt: skip
    for value in [0.005] * 10 + [0.015] * 10 + [0.03] * 20:  # /predict: 10, 10, 20 in the first three buckets
        histogram.labels(route="/predict").observe(value)
    for value in [0.005] * 90 + [0.5] * 10:  # /ready: 10% beyond the last finite bucket
        histogram.labels(route="/ready").observe(value)
    text = generate_latest(registry).decode()
    return {family.name: list(family.samples) for family in text_string_to_metric_families(text)}


HISTOGRAM_CASES = [  # (q, route, PromQL's answer)
    (0.25, "/predict", 0.01),  # rank 10 of 40: the top of the first bucket
    (0.75, "/predict", 0.03),  # rank 30: halfway through (0.02, 0.04]
    (0.5, "/predict", 0.02),  # rank 20: the top of the second bucket
    (0.45, "/ready", 0.005),  # rank 45 of 100: halfway through (0, 0.01]
    (0.99, "/ready", 0.08),  # rank 99 in the +Inf bucket: the last finite edge
]


def check_histogram_quantile(sol) -> None:
    families = histogram_families()
    for q, route, want in HISTOGRAM_CASES:
        got = float(sol.histogram_quantile(q, families, "latency_seconds", route=route))
        expect(np.isclose(got, want, rtol=1e-6), f"histogram_quantile({q}, latency_seconds{{route={route!r}}}) is "
                                                 f"{got:.4g}, PromQL gives {want:.4g}")  # fmt: skip


CHECKS = [
    Check("psi_matches_formula", "drift statistics", check_psi_formula,
          "PSI = Σ (cur% − ref%) · ln(cur% / ref%) over bins cut at the reference's deciles; divide counts by each "
          "sample's own size"),
    Check("psi_uses_reference_quantile_bins", "drift statistics", check_psi_quantile_bins,
          "cut the bins at the reference's quantiles (np.quantile), not at equal widths: equal-width bins change "
          "with the units, so a log scale or a unit change alters the PSI"),
    Check("psi_finite_on_empty_bins", "drift statistics", check_psi_empty_bins,
          "floor each bin's share at a small ε (1e-4) before the log, and count values beyond the reference's range "
          "in the end bins (np.histogram drops them)"),
    Check("column_statistics_match_scipy", "drift statistics", check_column_statistics,
          "use scipy.stats.ks_2samp(reference[c], current[c]).pvalue (not .statistic) for every column, and psi "
          "of the same two columns"),
    Check("calibrated_threshold_holds_its_rate", "detector", check_calibration,
          "the threshold is the (1 − false_alarm) quantile of max-PSI over the quiet windows: np.quantile(maxima, "
          "1 − false_alarm), not the false_alarm quantile, and not the textbook 0.1 / 0.25",
          timeout_s=DETECTOR_TIMEOUT_S),
    Check("few_false_alarms", "detector", check_false_alarms,
          "eleven KS tests at p < 0.05 each alarm on ~43% of quiet windows: correct for the number of tests "
          "(Bonferroni: p < 0.05 / number of columns)", timeout_s=DETECTOR_TIMEOUT_S),
    Check("detects_a_shifted_sensor", "detector", check_detection,
          "one broken sensor is one column of eleven: a rule that needs half the columns to drift (Evidently's "
          "dataset default) never fires; alarm when any column's own (corrected) test fails",
          timeout_s=DETECTOR_TIMEOUT_S),
    Check("names_the_drifted_column", "detector", check_names_the_column,
          "return the columns whose own test fails, not every column once the window alarms",
          timeout_s=DETECTOR_TIMEOUT_S),
    Check("log_summary_counts", "logs and metrics", check_log_counts,
          "count only access records (lines with a route and a status) per route; share_5xx is status ≥ 500 "
          "(a 422 or 429 is the client's, not an error of the service); share_429 is status == 429"),
    Check("log_summary_latency", "logs and metrics", check_log_latency,
          "percentiles of latency_ms within each route (np.percentile, linear), not over every route together"),
    Check("histogram_quantile_like_promql", "logs and metrics", check_histogram_quantile,
          "find the bucket holding rank q·count and interpolate linearly inside it (from the previous bucket's "
          "edge); a rank in the +Inf bucket answers the last finite edge; keep only samples with the given labels"),
]  # fmt: skip


# --- metrics -----------------------------------------------------------------------------------------------------


def _by_pvalue(rule):
    def drifted_columns(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
        from scipy.stats import ks_2samp

        p = pd.Series({c: ks_2samp(reference[c], current[c]).pvalue for c in reference.columns})
        return rule(p)

    return SimpleNamespace(drifted_columns=drifted_columns)


UNCORRECTED = _by_pvalue(lambda p: p.index[p < 0.05].tolist())
HALF_THE_COLUMNS = _by_pvalue(lambda p: p.index[p < 0.05].tolist() if (p < 0.05).mean() >= 0.5 else [])


def _rule_of_thumb_psi(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    return [c for c in reference.columns if formula_psi(reference[c].to_numpy(), current[c].to_numpy()) > 0.25]


RULE_OF_THUMB = SimpleNamespace(drifted_columns=_rule_of_thumb_psi)

METRICS = [
    Metric("false_alarm_rate", false_alarm_rate, "lower", baseline=UNCORRECTED,
           baseline_name="any column at KS p < 0.05 (no correction)", timeout_s=DETECTOR_TIMEOUT_S,
           description=f"share of {QUIET_WINDOWS} no-drift windows of {WINDOW} wines that alarm"),
    Metric("detection_rate_0_1sd", lambda sol: detection_rate(sol, "alcohol", 0.1)[0], "higher",
           baseline=HALF_THE_COLUMNS, baseline_name="half the columns drift (Evidently's dataset default)",
           description=f"share of {SHIFTED_WINDOWS} windows that alarm with alcohol shifted by 0.1 SD",
           timeout_s=DETECTOR_TIMEOUT_S),
    Metric("detection_delay_windows", detection_delay, "lower", baseline=RULE_OF_THUMB,
           baseline_name="any column's PSI > 0.25 (the rule of thumb)", timeout_s=DETECTOR_TIMEOUT_S,
           description=f"windows from the start of a slow alcohol drift (+{STREAM_STEP_SD} SD a window) to the "
                       "first alarm; — : never within the stream"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "drift statistics",
    "detector",
    "logs and metrics",
    self_assessment=[
        SelfCheck("Do you measure each detector's false-alarm and detection rates on many windows, with intervals, "
                  "before choosing one, and cross-check Evidently's p-values with scipy?",
                  "week15_monitoring_ci/README.md#what-the-numbers-say"),
        SelfCheck("Does your text-drift check stay quiet on a sample against itself (SST-2 halves) and say why the "
                  "word-mix chi² does not?", "week15_monitoring_ci/README.md#what-the-numbers-say"),
        SelfCheck("Do you list failure scenarios (data drift, silent model failure, dependency drift, overload, bad "
                  "input) with what catches each, and a CI/CD diagram?",
                  "week15_monitoring_ci/README.md#failure-scenarios-and-what-catches-each"),
        SelfCheck("Does your ethics section say what the logs must never hold, and how an average can hide one "
                  "group's drift?", "week15_monitoring_ci/README.md#ethics"),
    ],
)  # fmt: skip
