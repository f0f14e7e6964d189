"""Webhooks: queued with the event, posted signed to a real receiver (the
sandbox, over HTTP), retried, resent from the back office."""

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from kedai.api import webhooks
from kedai.api.models import WebhookEndpoint
from kedai.notifications.delivery import backoff, outbox_deliver_due
from kedai.notifications.models import Message, MessageStatus
from tests.api.conftest import api_post

pytestmark = pytest.mark.django_db


def inbox(sandbox_url, name):
    with urllib.request.urlopen(f"{sandbox_url}/webhooks/{name}") as response:  # noqa: S310
        return json.loads(response.read())


def empty(sandbox_url, name):
    request = urllib.request.Request(  # noqa: S310
        f"{sandbox_url}/webhooks/{name}", method="DELETE")
    urllib.request.urlopen(request).close()  # noqa: S310


def endpoint(sandbox_url, name, events) -> WebhookEndpoint:
    empty(sandbox_url, name)
    made = webhooks.endpoint_create(url=f"{sandbox_url}/webhooks/{name}",
                                    events=events)
    # The receiver verifies the signature as docs/api.md tells integrators to.
    made.url = f"{made.url}?secret={made.secret}"
    made.save(update_fields=["url"])
    return made


def test_signature_round_trip():
    body = b'{"id":"evt_1"}'
    header = webhooks.signature_header("whsec_x", body, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert webhooks.signature_verify(secret="whsec_x", header=header, body=body,
                                     now=1_700_000_100)
    assert not webhooks.signature_verify(secret="whsec_y", header=header, body=body,
                                         now=1_700_000_100)
    assert not webhooks.signature_verify(secret="whsec_x", header=header,
                                         body=body + b" ", now=1_700_000_100)
    assert not webhooks.signature_verify(secret="whsec_x", header=header, body=body,
                                         now=1_700_001_000)  # a replay


def test_order_events_are_signed_and_delivered(client, shop, sandbox_url, make_key,
                                               placed_order_with_hooks):
    hook = placed_order_with_hooks
    number = hook["number"]
    queued = Message.objects.filter(kind="webhook")
    assert [m.subject for m in queued] == ["order.placed"]
    outbox_deliver_due()
    received = inbox(sandbox_url, "orders")
    assert [r["event"] for r in received] == ["order.placed"]
    assert received[0]["verified"] is True
    body = json.loads(received[0]["body"])
    assert body["type"] == "order.placed" and body["data"]["number"] == number
    _key, headers = make_key("orders:write")
    api_post(client, f"/api/admin/v1/orders/{number}/cancel", {"reason": "x"},
             **headers)
    outbox_deliver_due()
    assert [r["event"] for r in inbox(sandbox_url, "orders")] == [
        "order.placed", "order.cancelled"]


@pytest.fixture
def placed_order_with_hooks(client, shop, sandbox_url):
    endpoint(sandbox_url, "orders", ["order.placed", "order.cancelled"])
    from tests.api.conftest import place_order

    number, token = place_order(client, shop)
    return {"number": number, "token": token}


def test_a_rolled_back_event_sends_nothing(shop, sandbox_url):
    from django.db import transaction

    endpoint(sandbox_url, "rollback", ["product.changed"])
    with pytest.raises(RuntimeError), transaction.atomic():
        webhooks.products_changed([shop["kopi"].pk])
        raise RuntimeError
    assert not Message.objects.filter(kind="webhook").exists()


def test_failures_are_retried_with_backoff_and_resent(shop, sandbox_url):
    endpoint(sandbox_url, "fail-1", ["product.changed"])
    webhooks.products_changed([shop["kopi"].pk])
    report = outbox_deliver_due()
    assert report.retrying == 1
    message = Message.objects.get(kind="webhook")
    assert message.status == MessageStatus.PENDING
    assert "HTTP 500" in message.last_error
    attempt = message.delivery_attempts.get()
    assert attempt.smtp_code == 500
    later = timezone.now() + backoff(1) + timedelta(seconds=1)
    assert outbox_deliver_due(now=later).sent == 1
    assert len(inbox(sandbox_url, "fail-1")) == 2
    # The owner's "resend" sends a copy, signed afresh.
    copy = webhooks.delivery_resend(message_id=message.pk)
    assert copy.pk != message.pk and copy.status == MessageStatus.PENDING
    outbox_deliver_due(now=later)
    assert len(inbox(sandbox_url, "fail-1")) == 3


def test_owner_manages_keys_and_webhooks_in_the_back_office(owner_client, shop,
                                                           sandbox_url):
    page = owner_client.post("/office/api/keys/", {
        "name": "Accounting", "scopes": ["orders:read", "documents:read"]})
    assert page.status_code == 200
    from kedai.api.models import ApiKey

    key = ApiKey.objects.get(name="Accounting")
    text = page.content.decode()
    start = text.index('<code id="new-secret">') + len('<code id="new-secret">')
    secret = text[start:text.index("</code>", start)]
    assert secret.startswith("kd_") and key.prefix == secret[:10]
    listing = owner_client.get("/office/api/").content.decode()
    assert secret not in listing and "Accounting" in listing
    owner_client.post(f"/office/api/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    added = owner_client.post("/office/api/webhooks/", {
        "url": f"{sandbox_url}/webhooks/office", "events": ["product.changed"]})
    assert added.status_code == 200
    assert WebhookEndpoint.objects.get().events == ["product.changed"]
    webhooks.products_changed([shop["kopi"].pk])
    outbox_deliver_due()
    message = Message.objects.get(kind="webhook")
    page = owner_client.get("/office/api/").content.decode()
    assert "product.changed" in page and "HTTP 200" in page
    owner_client.post(f"/office/api/deliveries/{message.pk}/resend/")
    assert Message.objects.filter(kind="webhook").count() == 2


def test_staff_cannot_manage_keys(staff_client):
    assert staff_client.get("/office/api/").status_code == 403


@pytest.mark.parametrize(("shop_wide", "own", "sent"), [
    (5, 9, [9]),      # the variant's own threshold is crossed (9 left)
    (9, None, [9]),   # no own threshold: the shop's
    (9, 2, []),       # its own threshold (2) wins over the shop's (9)
    (5, None, []),
])
def test_stock_low_uses_each_variants_own_threshold(client, shop, settings,
                                                    shop_wide, own, sent):
    from kedai.catalog.models import Variant
    from kedai.reports.services import stock_alert_set
    from tests.api.conftest import place_order

    settings.KEDAI_LOW_STOCK_THRESHOLD = shop_wide
    stock_alert_set(variant=Variant.objects.get(sku="KOPI-1"), threshold=own)
    webhooks.endpoint_create(url="http://127.0.0.1:9/hook", events=["stock.low"])
    place_order(client, shop)  # one of the 10 Kopi Tenom: 9 left
    bodies = [json.loads(m.body_text) for m in Message.objects.filter(
        kind="webhook", subject="stock.low")]
    assert [b["data"]["threshold"] for b in bodies] == sent
    assert all(b["data"] == {"sku": "KOPI-1", "stock": 9, "threshold": sent[0]}
               for b in bodies)
