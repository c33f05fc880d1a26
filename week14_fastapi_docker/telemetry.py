"""Prometheus metrics for the service, served as text at `GET /metrics` (prometheus_client).

The names week 15's dashboard and alerts query:

| metric | type | labels |
|---|---|---|
| `sentiment_requests_total` | counter | route, method, status |
| `sentiment_request_latency_seconds` | histogram | route |
| `sentiment_batch_size` | histogram (texts per forward pass) | |
| `sentiment_request_texts` | histogram (texts per request) | |
| `sentiment_model_info` | info | version, quantized, torch_threads, micro_batching |
| `sentiment_model_ready` | gauge (1 once the model is loaded) | |

Each app gets its own registry, so two apps in one process (tests) never clash. With several uvicorn workers each
process counts only its own requests and a scrape reaches one of them at random: that is why the container runs one
worker and scales by replicas, each scraped on its own (the benchmark's 2-worker runs read the load generator's
numbers, not these).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)  # seconds
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class Telemetry:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sentiment_requests",
            "HTTP requests by route, method and status code",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sentiment_request_latency_seconds",
            "Time from request to response, seconds",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "sentiment_batch_size", "Texts per forward pass of the model", buckets=BATCH_BUCKETS, registry=self.registry
        )
        self.request_texts = Histogram(
            "sentiment_request_texts", "Texts per /predict request", buckets=BATCH_BUCKETS, registry=self.registry
        )
        self.model_info = Info("sentiment_model", "The model being served", registry=self.registry)
        self.ready = Gauge("sentiment_model_ready", "1 once the model is loaded and warm", registry=self.registry)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def exposition(self) -> bytes:
        """The Prometheus text format (what `GET /metrics` returns)."""
        return generate_latest(self.registry)
