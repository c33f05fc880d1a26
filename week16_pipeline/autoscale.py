"""Autoscaling basics, grounded in the benchmark: how many replicas a day of traffic needs, and what it costs.

1. **Capacity** of one replica: the highest offered rate the benchmark held with p99 under the latency bound.
2. **Manifests**: `k8s/deployment.yaml` + `k8s/hpa.yaml`, validated offline against the Kubernetes OpenAPI JSON
   schemas shipped by the `kubernetes-validate` package (no cluster, no network).
3. **A day of traffic**, simulated per minute: a seeded diurnal curve (quiet night, two daytime peaks) with Poisson
   noise. Two policies: *fixed* replicas sized for the peak, and *HPA-like* (target utilisation, bounded replicas,
   a scale-up lag and a slower scale-down, as the real HPA's stabilisation windows). Latency comes from a queueing
   model — each replica an M/M/1 queue with service rate μ (its saturation throughput), so the response time is
   exponential with rate μ − λ and p99 = ln(100) / (μ − λ). Real servers are not M/M/1 (micro-batching helps at
   high load, GC pauses hurt); the model is for comparing policies, not for promising a latency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from shared.errors import RoadmapError

K8S = Path(__file__).parent / "k8s"
K8S_VERSION = "1.33.0"  # the schema version the manifests are checked against


# ---------------------------------------------------------------- capacity
def capacity_rps(load: pd.DataFrame, p99_bound_ms: float) -> float:
    """Highest offered rate with no errors and p99 ≤ bound (0 when none held)."""
    steps = load[(load["step"] != "saturation") & (load["errors"] == 0) & (load["p99_ms"] <= p99_bound_ms)]
    return float(steps["offered_rps"].max()) if len(steps) else 0.0


# ---------------------------------------------------------------- manifests
def load_manifests(folder: Path = K8S) -> list[dict]:
    docs = []
    for path in sorted(folder.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def validate_manifests(docs: list[dict], version: str = K8S_VERSION) -> list[str]:
    """Validate each resource against the Kubernetes schema (strict: unknown fields are errors); return kinds."""
    import kubernetes_validate

    kinds = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise RoadmapError(f"{doc.get('kind')} {doc.get('metadata', {}).get('name')}: {exc.message}") from None
        kinds.append(doc["kind"])
    return kinds


def hpa_policy(docs: list[dict]) -> dict[str, float]:
    """min/max replicas and the CPU utilisation target, read from the HPA manifest (the simulation uses them)."""
    [hpa] = [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]
    [metric] = [m for m in hpa["spec"]["metrics"] if m["type"] == "Resource"]
    return {"min_replicas": hpa["spec"]["minReplicas"], "max_replicas": hpa["spec"]["maxReplicas"],
            "target_utilisation": metric["resource"]["target"]["averageUtilization"] / 100}  # fmt: skip


# ---------------------------------------------------------------- a day of traffic
def diurnal_traffic(peak_rps: float, seed: int, minutes: int = 24 * 60) -> np.ndarray:
    """Requests per second for each minute of a day: night trough ~10% of peak, peaks at 10:00 and 20:00."""
    t = np.arange(minutes) / 60  # hours
    shape = 0.1 + 0.6 * np.exp(-((t - 10) ** 2) / 8) + 0.9 * np.exp(-((t - 20) ** 2) / 4.5)
    mean = peak_rps * shape / shape.max()
    rng = np.random.default_rng(seed)
    return rng.poisson(mean * 60) / 60  # Poisson counts per minute → rate


def p99_ms(rate_per_replica: np.ndarray, mu: float) -> np.ndarray:
    """M/M/1 p99 response time; infinite when the replica is overloaded (the queue grows without bound)."""
    headroom = mu - rate_per_replica
    return np.where(headroom > 0, 1000 * math.log(100) / np.maximum(headroom, 1e-9), np.inf)


@dataclass(frozen=True)
class Policy:
    name: str
    min_replicas: int
    max_replicas: int
    target_utilisation: float  # HPA target: replicas = ceil(load / (capacity × target)); fixed: unused
    scale_up_lag_min: int = 1  # metrics scrape + pod start
    scale_down_window_min: int = 5  # HPA's default stabilisation window for scaling down


def simulate(traffic: np.ndarray, policy: Policy, *, mu: float, capacity: float, price_per_hour: float) -> pd.DataFrame:
    """Per minute: replicas, utilisation, p99 (M/M/1 per replica). Fixed = min_replicas == max_replicas."""
    replicas = np.empty(len(traffic), dtype=int)
    current = policy.min_replicas
    desired_history: list[int] = []
    for minute, _ in enumerate(traffic):
        seen = traffic[max(0, minute - policy.scale_up_lag_min)]  # the controller acts on slightly old metrics
        desired = math.ceil(seen / (capacity * policy.target_utilisation)) if capacity > 0 else policy.max_replicas
        desired = int(np.clip(desired, policy.min_replicas, policy.max_replicas))
        desired_history.append(desired)
        if desired > current:
            current = desired
        else:  # scale down only to the highest recommendation of the window (no flapping)
            current = max(desired_history[-policy.scale_down_window_min :])
        replicas[minute] = current
    per_replica = traffic / replicas
    return pd.DataFrame({
        "minute": np.arange(len(traffic)), "rps": traffic, "replicas": replicas,
        "utilisation": per_replica / mu, "p99_ms": p99_ms(per_replica, mu),
        "cost": replicas * price_per_hour / 60,
    })  # fmt: skip


def summarise_day(days: dict[str, pd.DataFrame], p99_bound_ms: float) -> pd.DataFrame:
    rows = []
    for name, day in days.items():
        weights = day["rps"] / day["rps"].sum()  # share of the day's requests in each minute
        rows.append({
            "policy": name, "replica_hours": float(day["replicas"].sum() / 60),
            "max_replicas": int(day["replicas"].max()), "cost_per_day": float(day["cost"].sum()),
            "worst_p99_ms": float(day["p99_ms"].max()),
            "requests_in_slo_minutes": float(weights[day["p99_ms"] <= p99_bound_ms].sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)


def plot_day(days: dict[str, pd.DataFrame], p99_bound_ms: float):
    from shared.plotting import subplots

    fig, axes = subplots(3, 1, figsize=(8, 7), sharex=True)
    first = next(iter(days.values()))
    axes[0].plot(first["minute"] / 60, first["rps"], color="grey")
    axes[0].set_ylabel("requests/s")
    for name, day in days.items():
        axes[1].step(day["minute"] / 60, day["replicas"], where="post", label=name)
        axes[2].plot(day["minute"] / 60, np.minimum(day["p99_ms"], 10 * p99_bound_ms), label=name)
    axes[2].axhline(p99_bound_ms, color="black", linestyle="--", linewidth=0.8, label="p99 bound")
    axes[1].set_ylabel("replicas")
    axes[2].set(ylabel="p99 ms (M/M/1, capped)", xlabel="hour of day", yscale="log")
    axes[1].legend()
    axes[2].legend()
    axes[0].set_title("A simulated day: fixed replicas vs HPA-like autoscaling")
    return fig
