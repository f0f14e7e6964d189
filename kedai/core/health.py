"""Health, readiness and metrics endpoints, answered before any other
middleware (no sessions, no host check, no storefront headers, never cached).

- ``/healthz``: the process is up (no I/O at all), for a load balancer.
- ``/readyz``: this process can serve a shop: the database answers, the
  caches answer, every migration is applied, a task worker wrote its
  heartbeat recently, and the outbox backlog is below
  KEDAI_READY_OUTBOX_MAX. 200 or 503, with each check in the JSON body.
- ``/metrics``: Prometheus text, only for KEDAI_METRICS_TOKEN (a
  ``Authorization: Bearer`` header) or an address in
  KEDAI_METRICS_ALLOWED_IPS; anyone else gets a 404.
"""

import hmac
import json
import logging
import time
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse

from kedai.core import log_format, metrics

logger = logging.getLogger(__name__)
HEARTBEAT_KEY = "tasks:worker-heartbeat"
_migrated = False


def heartbeat_write() -> None:
    """Record that a task worker is alive (shared cache, epoch seconds)."""
    caches["shared"].set(HEARTBEAT_KEY, time.time(), timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since the newest worker heartbeat; None if there was none."""
    beat = caches["shared"].get(HEARTBEAT_KEY)
    return None if beat is None else max(0.0, time.time() - float(beat))


def outbox_backlog() -> int:
    """Outbox messages not yet delivered (waiting or being sent)."""
    message = apps.get_model("notifications", "Message")
    return message.objects.filter(status__in=("pending", "sending")).count()


def task_queue_depth() -> int:
    """Background tasks ready to run now."""
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    return task_result.objects.ready().count()


def _check_database() -> str | None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def _check_cache() -> str | None:
    for alias in ("default", "shared"):
        cache = caches[alias]
        key = f"readyz:{alias}"
        cache.set(key, "ok", 30)
        if cache.get(key) != "ok":
            return f"cache {alias} does not keep a value"
    return None


def _check_migrations() -> str | None:
    global _migrated
    if _migrated:  # applied migrations are not unapplied under a live app
        return None
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migrations not applied"
    _migrated = True
    return None


def _check_worker() -> str | None:
    age = heartbeat_age()
    limit = settings.KEDAI_READY_HEARTBEAT_SECONDS
    if age is None:
        return "no task worker heartbeat yet"
    if age > limit:
        return f"last task worker heartbeat {age:.0f} s ago (limit {limit} s)"
    return None


def _check_outbox() -> str | None:
    backlog, limit = outbox_backlog(), settings.KEDAI_READY_OUTBOX_MAX
    if backlog > limit:
        return f"{backlog} outbox messages waiting (limit {limit})"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "migrations": _check_migrations,
    "worker": _check_worker,
    "outbox": _check_outbox,
}


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; a check that raises is a failure, never a 500."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:  # any failure means "not ready"
            problem = f"{type(exc).__name__}: {exc}"
        results[name] = problem or "ok"
    return all(v == "ok" for v in results.values()), results


def _json(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status,
                            content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.KEDAI_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.KEDAI_METRICS_ALLOWED_IPS


def healthz(request: HttpRequest) -> HttpResponse:
    return _json({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = readiness()
    if not ready:
        logger.warning("Not ready: %s", checks)
    return _json({"status": "ok" if ready else "unavailable", "checks": checks},
                 status=200 if ready else 503)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return HttpResponse(metrics.metrics_render(), content_type=metrics.CONTENT_TYPE)


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class OperationsMiddleware:
    """First in MIDDLEWARE: answers the operations endpoints and measures
    every other request for the metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is not None and request.method in ("GET", "HEAD"):
            return endpoint(request)
        started = time.perf_counter()
        # Kept until request_finished: Django logs 4xx/5xx after the
        # middleware chain has returned.
        request_id = log_format.request_id_start(request.headers.get("X-Request-ID"))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        match = getattr(request, "resolver_match", None)
        # The URL pattern's name, never the path: paths carry tokens.
        view = (match.view_name if match is not None else "") or "unmatched"
        metrics.observe_request(method=request.method or "", view=view,
                                status=response.status_code, started=started)
        return response


