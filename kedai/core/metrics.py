"""Prometheus metrics (prometheus-client).

Counters and histograms are updated where things happen (requests here,
orders and payments by model signals in ``CoreConfig.ready``); the outbox
backlog and the task queue depth are read from the database when
``/metrics`` is scraped, so every process reports the same figure.

Under gunicorn with several workers set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty directory (wiped at each start) before the app starts: each process
then writes its samples there and any of them answers for all
(prometheus-client "multiprocess mode").
"""

import os
import time
from collections.abc import Iterator

from django.db import transaction
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "kedai_http_requests_total", "HTTP requests answered.",
    ["method", "status", "view"])
LATENCY = Histogram(
    "kedai_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
ORDERS_PLACED = Counter("kedai_orders_placed_total", "Orders placed.")
PAYMENTS = Counter(
    "kedai_payments_total", "Payments reaching an outcome, by gateway.",
    ["gateway", "outcome"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


class BacklogCollector(Collector):
    """Outbox backlog and task queue depth, counted at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from kedai.core.health import outbox_backlog, task_queue_depth

        yield GaugeMetricFamily(
            "kedai_outbox_backlog", "Outbox messages waiting or being sent.",
            value=outbox_backlog())
        yield GaugeMetricFamily(
            "kedai_task_queue_depth", "Background tasks ready to run.",
            value=task_queue_depth())


def metrics_render() -> bytes:
    """The exposition text of every process (multiprocess) or this one."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(BacklogCollector())
    return generate_latest(registry)


def observe_request(*, method: str, status: int, view: str,
                    started: float) -> None:
    """Count one answered request and its duration."""
    method = method if method in _METHODS else "other"
    REQUESTS.labels(method=method, status=str(status), view=view).inc()
    LATENCY.labels(method=method).observe(time.perf_counter() - started)


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def order_saved(sender, instance, created: bool, **kwargs) -> None:
    """post_save of Order: count a new order once its transaction commits."""
    if created:
        transaction.on_commit(ORDERS_PLACED.inc)


def payment_loaded(sender, instance, **kwargs) -> None:
    """post_init of Payment: remember the status to spot a change on save."""
    instance._metrics_status = instance.status


def payment_saved(sender, instance, created: bool, **kwargs) -> None:
    """post_save of Payment: count a move to a new status after commit."""
    before = None if created else getattr(instance, "_metrics_status", None)
    status = instance.status
    instance._metrics_status = status
    if status != before and status != "pending":
        labels = PAYMENTS.labels(gateway=instance.gateway, outcome=status)
        transaction.on_commit(labels.inc)
