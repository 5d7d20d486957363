"""Prometheus metrics: requests by route and status, retrieval and generation time, index size."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SLOW = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class Telemetry:
    """One registry per app, so several apps (tests) never share counters."""

    def __init__(self, index_size: Callable[[], float]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "advisor_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "advisor_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=_FAST,
            registry=self.registry,
        )
        self.retrieval = Histogram("advisor_retrieval_seconds", "Retrieval time", buckets=_FAST, registry=self.registry)
        self.generation = Histogram(
            "advisor_generation_seconds", "Answer and plan writing time", ["generator"], buckets=_SLOW,
            registry=self.registry,
        )  # fmt: skip
        index = Gauge("advisor_index_chunks", "Chunks in the index", registry=self.registry)
        index.set_function(index_size)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)
