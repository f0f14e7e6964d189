"""The order page (its own token URL) and the order lookup."""

import pytest

from kedai.checkout.placing import checkout_complete
from kedai.orders.models import OrderStatus
from kedai.orders.services import order_change_status
from kedai.storefront.views.orders import LOOKUPS_PER_HOUR
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed():
    variant = make_product(name="Kopi <b>Tenom</b>",
                           variants=[{"sku": "KOPI-1", "price": "22.00",
                                      "stock": 5}]).variants.get()
    return checkout_complete(cart=cart_with((variant, 2)), details=details(),
                             checkout_key="key-1")


def test_order_page_shows_status_lines_and_totals(client, placed):
    order_change_status(order=placed.order, to=OrderStatus.PAID, actor="owner",
                        note="Transfer received")
    response = client.get(f"/order/{placed.token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert placed.order.number in body
    assert "Awaiting payment" in body and "Transfer received" in body
    assert "KOPI-1" in body and "RM52.00" in body  # 44.00 + 8.00 shipping
    assert "Kopi &lt;b&gt;Tenom&lt;/b&gt;" in body
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert not response.cookies
    assert client.get(f"/order/{placed.token}/").get("X-Kedai-Cache") is None


def test_order_page_masks_the_street_and_phone(client, placed):
    """SEC-08: a long-lived link shows enough to recognise the delivery."""
    body = client.get(f"/order/{placed.token}/").content.decode()
    assert "Siti Aminah" in body and "50450 Kuala Lumpur" in body
    assert "12 J…" in body and "12 Jalan Ampang" not in body
    assert "+60 ••• ••• 89" in body and "123456789" not in body
    assert "siti@example.my" not in body


def test_wrong_order_token_is_a_404(client, placed):
    response = client.get("/order/" + "A" * 32 + "/")
    assert response.status_code == 404
    assert "Track an order" in response.content.decode()


def test_lookup_shows_the_link_for_number_and_email(client, placed):
    response = client.post("/orders/lookup/", {
        "number": placed.order.number.lower(), "email": "SITI@example.my"})
    assert response.status_code == 200
    assert f"http://testserver/order/{placed.token}/" in response.content.decode()


@pytest.mark.parametrize("data,message", [
    ({"number": "KD-2026-999999", "email": "siti@example.my"}, "No order matches"),
    ({"number": "", "email": "siti@example.my"}, "required"),
    ({"number": "<script>", "email": "x@example.my"}, "look like"),
    ({"number": "KD-2026-000001", "email": "nope"}, "valid email"),
])
def test_lookup_refuses_wrong_details(client, placed, data, message):
    response = client.post("/orders/lookup/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert placed.token not in body


def test_lookup_is_rate_limited(client, placed):
    """Issue 13 defect 21: too many tries from one client get 429 with
    Retry-After; the order's owner, elsewhere, still finds her order."""
    from django.test import Client

    for _ in range(LOOKUPS_PER_HOUR):
        client.post("/orders/lookup/", {"number": placed.order.number,
                                        "email": "wrong@example.my"})
    response = client.post("/orders/lookup/", {"number": placed.order.number,
                                               "email": "siti@example.my"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many attempts" in response.content.decode()
    assert placed.token not in response.content.decode()
    owner = Client(REMOTE_ADDR="203.0.113.7")
    response = owner.post("/orders/lookup/", {"number": placed.order.number,
                                              "email": "siti@example.my"})
    assert response.status_code == 200
    assert placed.token in response.content.decode()


def test_lookup_of_one_number_from_many_clients_is_limited_loosely(client, placed):
    from django.test import Client

    from kedai.storefront.views.orders import FAILED_LOOKUPS_PER_NUMBER_PER_HOUR

    for number in range(FAILED_LOOKUPS_PER_NUMBER_PER_HOUR):
        Client(REMOTE_ADDR=f"10.0.{number // 250}.{number % 250}").post(
            "/orders/lookup/", {"number": placed.order.number,
                                "email": f"guess{number}@example.my"})
    response = client.post("/orders/lookup/", {"number": placed.order.number,
                                               "email": "siti@example.my"})
    assert response.status_code == 429


def test_lookup_from_another_site_is_refused(client, placed):
    response = client.post("/orders/lookup/", {"number": placed.order.number,
                                               "email": "siti@example.my"},
                           HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403


def test_order_tokens_never_reach_the_logs(client, placed, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        client.get("/order/" + "B" * 32 + "/")
        client.get(f"/order/{placed.token}/review/")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "B" * 32 not in text and placed.token not in text
    assert "/order/<token>/" in text
