"""The service side of monitoring: read week 14's JSON logs and scrape its Prometheus `/metrics`.

Week 14 writes one JSON object per request (request id, route, status, latency, model version, batch size; never
the text) through `logging` into a rotating file, and counts requests and latencies for Prometheus. Here we read
both back the way a log shipper and a Prometheus server would, and turn them into the numbers an on-call engineer
looks at: requests, error share, rate-limited share, latency percentiles. Overload shows here first (429s, p99),
long before any drift statistic moves.

Parsing the Prometheus text format is `prometheus_client.parser` (the library's own parser, not ours);
`histogram_quantile` is PromQL's interpolation, written out because Grafana panels use it and a learner should
see what a "p99 from a histogram" is: an interpolation inside a bucket, not an observed request.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from prometheus_client.parser import text_string_to_metric_families

from shared.errors import DataError

# --- logs ------------------------------------------------------------------------------------------------------------


def log_files(path: Path | str) -> list[Path]:
    """`service.log` and its rotated backups (`service.log.1` is newer than `.2`), oldest first."""
    path = Path(path)
    backups = sorted(path.parent.glob(f"{path.name}.[0-9]*"), key=lambda p: int(p.suffix[1:]), reverse=True)
    files = [p for p in [*backups, path] if p.is_file()]
    if not files:
        raise DataError(f"no log file at {path} (nor rotated backups {path.name}.1, ...)")
    return files


def read_logs(path: Path | str) -> pd.DataFrame:
    """Every JSON log record of `path` and its backups, oldest first; non-JSON lines are counted, not fatal."""
    records, skipped = [], 0
    for file in log_files(path):
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                skipped += 1
                continue
            if isinstance(record, dict):
                records.append(record)
            else:
                skipped += 1
    frame = pd.DataFrame(records)
    frame.attrs["skipped_lines"] = skipped
    return frame


def summarise_logs(records: pd.DataFrame) -> pd.DataFrame:
    """Per route: requests, share of 5xx, share of 429, latency p50/p95/p99 (ms) from the access-log records."""
    if records.empty or "route" not in records or "status" not in records:
        raise DataError("the log holds no access records (no `route`/`status` fields): is ACCESS_LOG on?")
    access = records.dropna(subset=["route", "status"])
    rows = []
    for route, group in access.groupby("route"):
        status = group["status"].astype(int)
        latency = group["latency_ms"].astype(float) if "latency_ms" in group else pd.Series(dtype=float)
        rows.append({"route": route, "requests": len(group), "share_5xx": float((status >= 500).mean()),
                     "share_429": float((status == 429).mean()),
                     **{f"p{q}_ms": float(np.percentile(latency, q)) if len(latency) else np.nan
                        for q in (50, 95, 99)}})  # fmt: skip
    return pd.DataFrame(rows)


# --- Prometheus ------------------------------------------------------------------------------------------------------


def parse_metrics(text: str) -> dict[str, list]:
    """Prometheus text → {family name: [samples]}; each sample has .name, .labels (dict) and .value."""
    try:
        return {family.name: list(family.samples) for family in text_string_to_metric_families(text)}
    except ValueError as exc:
        raise DataError(f"not Prometheus text format: {exc}") from None


def sample_names(families: dict[str, list]) -> set[str]:
    """Every series name a query can use (`x_total`, `x_bucket`, `x_sum`, `x_count`, `x_info`, ...)."""
    return {sample.name for samples in families.values() for sample in samples}


def counter_total(families: dict[str, list], name: str, **labels: str) -> float:
    """Sum of a counter's samples whose labels include `labels`."""
    return sum(s.value for s in families.get(name, []) if s.name.endswith("_total")
               and all(s.labels.get(k) == v for k, v in labels.items()))  # fmt: skip


def histogram_quantile(q: float, families: dict[str, list], name: str, **labels: str) -> float:
    """PromQL's `histogram_quantile(q, <name>_bucket)`: linear interpolation inside the bucket holding rank q·n."""
    buckets = sorted(
        (float(s.labels["le"]), s.value) for s in families.get(name, [])
        if s.name.endswith("_bucket") and all(s.labels.get(k) == v for k, v in labels.items())
    )  # fmt: skip
    if not buckets or buckets[-1][1] == 0:
        return float("nan")
    rank = q * buckets[-1][1]
    lower_edge, lower_count = 0.0, 0.0
    for edge, count in buckets:
        if count >= rank:
            if np.isinf(edge):  # rank in the +Inf bucket: Prometheus answers the last finite edge
                return lower_edge
            return lower_edge + (edge - lower_edge) * (rank - lower_count) / max(count - lower_count, 1e-12)
        lower_edge, lower_count = edge, count
    return lower_edge


# --- the Grafana dashboard -----------------------------------------------------------------------------------------

DASHBOARD = Path(__file__).resolve().parent / "dashboards" / "sentiment_service.json"
PROMQL_WORDS = {"sum", "rate", "irate", "increase", "by", "without", "histogram_quantile", "max", "min", "avg",
                "count", "le", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "clamp_min",
                "vector", "scalar", "bool", "offset"}  # fmt: skip
_IDENT = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def dashboard_queries(path: Path = DASHBOARD) -> list[str]:
    """Every Prometheus query (`targets[].expr`) of every panel."""
    dashboard = json.loads(Path(path).read_text(encoding="utf-8"))
    return [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]


def metric_names_in(expr: str) -> set[str]:
    """The series names a PromQL expression reads: identifiers that are not functions, keywords or label names."""
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    expr = re.sub(r"\b(by|without)\s*\([^)]*\)", "", expr)  # grouping labels
    expr = re.sub(r'"[^"]*"', "", expr)
    expr = re.sub(r"(?<![\w:.])\d+(\.\d*)?([eE][-+]?\d+)?", "", expr)  # numbers such as 0.99 or 1e-9
    return {name for name in _IDENT.findall(expr) if name not in PROMQL_WORDS and not name[0].isdigit()}
