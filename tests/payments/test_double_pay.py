"""A double-clicked "Pay" (issue 13, defect 3): every bill the shop made is
known to it, and whichever is paid pays the order; a second one paid is a
flagged duplicate (defect 4), acknowledged so the gateway stops retrying."""

import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from kedai.orders.models import Order, OrderStatus
from kedai.payments.gateways.billplz import BillplzGateway
from kedai.payments.models import CallbackLog, Payment, PaymentFlag
from kedai.payments.services import payment_start
from kedai.sandbox import billplz as billplz_sim
from tests.backoffice.orders import conftest as office_fixtures
from tests.payments.conftest import deliveries, fetch, place_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_clicked_pay_makes_bills_the_shop_knows(gateways, live_server,
                                                      sandbox_url, monkeypatch):
    placed = place_order(method="billplz")
    # Both clicks are at the gateway at the same time (a slow gateway).
    both_inside = threading.Barrier(2)
    create = BillplzGateway.payment_create

    def slow_create(self, request):
        both_inside.wait(timeout=10)
        return create(self, request)

    monkeypatch.setattr(BillplzGateway, "payment_create", slow_create)
    started: list = []

    def click():
        try:
            started.append(payment_start(order=placed.order, method="billplz",
                                         site_url=f"{live_server.url}/"))
        except Exception as exc:  # noqa: BLE001 - asserted below
            started.append(repr(exc))
        finally:
            close_old_connections()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    assert all(not isinstance(s, str) for s in started), started
    bills = [s.redirect.url for s in started]
    assert len(set(bills)) == 2
    # The shopper pays the bill the browser showed last, then the other tab.
    for url in reversed(bills):
        fetch("POST", url, form={"decision": "approve", "callback": "normal"})
    assert [d["status"] for d in deliveries(sandbox_url, "billplz")] == [200, 200]
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    payments = Payment.objects.order_by("pk")
    assert len(payments) == 2
    assert sorted(p.pays_order for p in payments) == [False, True]
    assert [p.flag for p in payments if not p.pays_order] == [PaymentFlag.DUPLICATE]


def test_a_superseded_attempt_still_pays_the_order(gateways, live_server,
                                                   sandbox_url):
    placed = place_order(method="billplz")
    site = f"{live_server.url}/"
    first = payment_start(order=placed.order, method="billplz", site_url=site)
    second = payment_start(order=placed.order, method="billplz", site_url=site)
    assert first.payment.reference != second.payment.reference
    fetch("POST", first.redirect.url, form={"decision": "approve",
                                            "callback": "normal"})
    assert [d["status"] for d in deliveries(sandbox_url, "billplz")] == [200]
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert Payment.objects.get(pk=first.payment.pk).pays_order


# --- defect 4: a second capture of a paid attempt --------------------------------


@pytest.fixture
def client():
    return Client()


staff = office_fixtures.staff
office = office_fixtures.office


def test_second_capture_is_recorded_flagged_acknowledged_and_refundable(
        gateways, office, client):
    from tests.payments.test_attacks import approve, signed, start_bill

    placed = place_order(method="billplz")
    bill, url = start_bill(client, placed)
    approve(url)
    first = billplz_sim.callback_fields(bill)
    assert client.post("/pay/callback/billplz/", first).status_code == 200
    # The same bill captured again at the gateway: a new transaction id.
    again = signed({**first, "transaction_id": "BP-SECOND0001"})
    for _ in range(3):  # the gateway retries until acknowledged
        answer = client.post("/pay/callback/billplz/", again)
        assert (answer.status_code, answer.content) == (200, b"OK")
    order = Order.objects.get(pk=placed.order.pk)
    assert order.status == OrderStatus.PAID
    paid = Payment.objects.get(pays_order=True)
    duplicate = Payment.objects.get(duplicate_of=paid)
    assert duplicate.transaction_id == "BP-SECOND0001"
    assert (duplicate.status, duplicate.flag) == ("captured", PaymentFlag.DUPLICATE)
    assert duplicate.amount == paid.amount and not duplicate.pays_order
    assert "refund it" in order.events.last().note
    outcomes = list(CallbackLog.objects.filter(kind="callback").order_by("id")
                    .values_list("outcome", flat=True))
    assert [o.split(":")[0] for o in outcomes] == [
        "captured", "flagged", "duplicate", "duplicate"]

    # The back office shows it on the dashboard, with a link to the order,
    detail_url = f"/office/orders/o/{order.number}/"
    home = office.get("/office/").content.decode()
    assert f'href="{detail_url}#flagged-{duplicate.reference}"' in home
    # and offers its refund on the order page.
    page = office.get(detail_url).content.decode()
    refund_url = (f"/office/orders/o/{order.number}/payments/"
                  f"{duplicate.reference}/refund/")
    assert f'action="{refund_url}"' in page
    assert office.post(refund_url, {"manual": "on", "confirmed": "yes"}
                       ).status_code == 303
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.flag) == ("refunded", "")
    assert duplicate.refunds.get().amount == duplicate.amount
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert Payment.objects.get(pk=paid.pk).refunded_amount == 0
    assert "flagged-" not in office.get("/office/").content.decode()
    # The payment that paid the order is never refunded through this form.
    paid_url = f"/office/orders/o/{order.number}/payments/{paid.reference}/refund/"
    assert office.post(paid_url, {"manual": "on"}).status_code == 400
    assert Payment.objects.get(pk=paid.pk).refunded_amount == 0
