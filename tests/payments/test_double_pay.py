"""A double-clicked "Pay" (issue 13, defect 3): every bill the shop made is
known to it, and whichever is paid pays the order; a second one paid is a
flagged duplicate (defect 4), acknowledged so the gateway stops retrying."""

import threading

import pytest
from django.db import close_old_connections

from kedai.orders.models import Order, OrderStatus
from kedai.payments.gateways.billplz import BillplzGateway
from kedai.payments.models import Payment, PaymentFlag
from kedai.payments.services import payment_start
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
