"""/healthz, /readyz, /metrics, the worker heartbeat and JSON logs."""

import json
import logging
import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from prometheus_client import REGISTRY

from kedai.core import health
from kedai.core.log_format import JsonFormatter, RequestIdFilter
from kedai.notifications.models import Message
from kedai.payments.services import payment_mark_received
from tests.payments.conftest import place_order

pytestmark = pytest.mark.django_db
TOKEN = "A" * 20 + "b_c-" + "9" * 8


@pytest.fixture(autouse=True)
def _no_heartbeat():
    caches["shared"].delete(health.HEARTBEAT_KEY)
    yield
    caches["shared"].delete(health.HEARTBEAT_KEY)


def test_healthz_answers_without_touching_the_database(client,
                                                       django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # any Host
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_readyz_needs_a_worker_heartbeat(client):
    """Database, caches and migrations are fine, but no worker ever beat."""
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == checks["cache"] == checks["migrations"] == "ok"
    assert checks["outbox"] == "ok"
    assert "no task worker heartbeat" in checks["worker"]

    health.heartbeat_write()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_readyz_fails_on_a_stale_heartbeat(client, settings):
    settings.KEDAI_READY_HEARTBEAT_SECONDS = 60
    caches["shared"].set(health.HEARTBEAT_KEY, time.time() - 61, timeout=None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "61 s ago" in response.json()["checks"]["worker"]


def test_readyz_fails_when_the_outbox_backs_up(client, settings):
    settings.KEDAI_READY_OUTBOX_MAX = 2
    health.heartbeat_write()
    for i in range(3):
        Message.objects.create(kind="test", to_email="a@example.com", subject="s",
                               body_text="b", message_id=f"<{i}@test>")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"].startswith("3 outbox messages")


def test_readyz_reports_a_broken_cache_as_unavailable(client, settings):
    """A check that raises is a 503 with the reason, never a 500."""
    health.heartbeat_write()
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0"}}
    try:
        response = client.get("/readyz")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    assert "ConnectionError" in response.json()["checks"]["cache"]


def test_metrics_are_not_public(client, settings):
    settings.KEDAI_METRICS_TOKEN = ""
    settings.KEDAI_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404
    settings.KEDAI_METRICS_TOKEN = "s3cret-metrics"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics")
    assert response.status_code == 200
    settings.KEDAI_METRICS_TOKEN = ""
    settings.KEDAI_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics").status_code == 200


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_count_requests_orders_payments_and_backlogs(
        client, settings, django_capture_on_commit_callbacks):
    settings.KEDAI_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    orders = _sample("kedai_orders_placed_total")
    paid = _sample("kedai_payments_total", gateway="bank_transfer",
                   outcome="captured")
    not_found = _sample("kedai_http_requests_total", method="GET", status="404",
                        view="unmatched")
    with django_capture_on_commit_callbacks(execute=True):
        placed = place_order(method="bank_transfer")
    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_received(order=placed.order, amount=placed.order.total,
                              reference="TRX-1", actor="owner")
    client.get(f"/s/{TOKEN}/no-such-page/")

    assert _sample("kedai_orders_placed_total") == orders + 1
    assert _sample("kedai_payments_total", gateway="bank_transfer",
                   outcome="captured") == paid + 1
    assert _sample("kedai_http_requests_total", method="GET", status="404",
                   view="unmatched") >= not_found + 1
    text = client.get("/metrics").content.decode()
    backlog = Message.objects.filter(status__in=("pending", "sending")).count()
    assert f"kedai_outbox_backlog {float(backlog)}" in text
    assert "kedai_task_queue_depth " in text
    assert "kedai_http_request_duration_seconds_bucket" in text
    assert TOKEN not in text


def test_scheduler_runs_every_job_once(settings):
    settings.KEDAI_SCHEDULE = {"purge_carts": 60, "outbox_deliver": 60}
    call_command("scheduler", "--once")  # returns; a failing job would log


def test_json_log_lines_carry_the_request_id_and_no_token(client, settings):
    """LOG_FORMAT=json: one object per line, request id, tokens redacted."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get(f"/s/{TOKEN}/no-such-page/",
                              HTTP_X_REQUEST_ID="req-12345678")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-12345678"
    assert records, "a 404 is logged by django.request"
    line = JsonFormatter().format(records[-1])
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-12345678"
    assert entry["level"] == "WARNING"
    assert TOKEN not in line and "/s/<token>/" in entry["message"]


def test_json_formatter_redacts_exceptions():
    try:
        raise ValueError(f"bad /order/{TOKEN}/ link")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (),
                                   exc_info=__import__("sys").exc_info())
    line = JsonFormatter().format(record)
    assert TOKEN not in line and json.loads(line)["exception"]


def test_a_made_up_request_id_is_replaced(client):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 16
