"""Documents and their mail are written with the events that cause them:
placing, shipping and cancelling an order (ARCHITECTURE.md §6)."""

import pytest

from kedai.checkout.exceptions import OutOfStock
from kedai.checkout.placing import checkout_complete
from kedai.invoicing.models import Document, DocumentKind
from kedai.notifications.models import Message
from kedai.notifications.rendering import message_render
from kedai.orders.models import OrderStatus
from kedai.orders.services import order_cancel_unpaid_expired, order_change_status
from kedai.shipping.services import shipment_record
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product


@pytest.fixture
def kopi(db):
    return make_product(name="Kopi Tenom",
                        variants=[{"sku": "KOPI-1", "price": "22.00", "stock": 3}])


def _kinds():
    return sorted(Document.objects.values_list("kind", flat=True))


@pytest.mark.django_db
def test_placing_an_order_issues_the_invoice_and_queues_both_mails(kopi, settings):
    settings.KEDAI_OWNER_EMAIL = "owner@kedai.example"
    placed = checkout_complete(cart=cart_with((kopi.variants.get(), 2)),
                               details=details(), checkout_key="k1")
    invoice = Document.objects.get()
    assert invoice.kind == DocumentKind.INVOICE and invoice.order == placed.order
    assert invoice.number.startswith("INV-") and invoice.number.endswith("-000001")
    assert sorted(Message.objects.values_list("to_email", flat=True)) == [
        "owner@kedai.example", "siti@example.my"]
    # Placing the same checkout again issues nothing more.
    checkout_complete(cart=cart_with((kopi.variants.get(), 1)), details=details(),
                      checkout_key="k1")
    assert Document.objects.count() == 1 and Message.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_order_leaves_no_invoice_and_no_mail(kopi):
    checkout_complete(cart=cart_with((kopi.variants.get(), 2)), details=details(),
                      checkout_key="k1")
    late = cart_with((kopi.variants.get(), 1))  # 1 left…
    kopi.variants.update(stock=0)  # …then sold elsewhere
    with pytest.raises(OutOfStock):
        checkout_complete(cart=late, details=details(), checkout_key="k2")
    assert _kinds() == [DocumentKind.INVOICE]
    assert Message.objects.count() == 2  # the first order's two mails only


@pytest.mark.django_db
def test_shipping_and_cancelling_queue_their_notices(kopi):
    placed = checkout_complete(cart=cart_with((kopi.variants.get(), 1)),
                               details=details(), checkout_key="k1")
    order = placed.order
    order_change_status(order=order, to=OrderStatus.PAID, actor="owner")
    shipment_record(order=order, carrier="poslaju",
                    tracking_numbers=["ER123456789MY"], actor="owner")
    notice = Document.objects.get(kind=DocumentKind.SHIPPING_NOTICE)
    assert "ER123456789MY" in str(notice.data)
    assert Message.objects.filter(dedupe_key=f"{notice.number}:customer",
                                  to_email="siti@example.my").exists()

    other = checkout_complete(cart=cart_with((kopi.variants.get(), 1)),
                              details=details(), checkout_key="k2").order
    other.reserved_until = other.created_at
    other.save(update_fields=["reserved_until"])
    assert order_cancel_unpaid_expired() == 1
    cancellation = Document.objects.get(kind=DocumentKind.CANCELLATION_NOTICE)
    assert cancellation.order == other
    assert "Not paid in time" in str(cancellation.data)


@pytest.mark.django_db
def test_the_buyers_invoice_mail_links_the_order_and_gives_bank_details(
        kopi, settings, client):
    settings.KEDAI_SITE_URL = "https://shop.example.my/"
    settings.KEDAI_BANK_TRANSFER = {"bank": "Maybank", "account_name": "Kedai Siti",
                                    "account_number": "5140 1234 5678"}
    placed = checkout_complete(cart=cart_with((kopi.variants.get(), 2)),
                               details=details(), checkout_key="k1")
    row = Message.objects.get(to_email="siti@example.my")
    mail = message_render(row)  # the text is made when it is sent
    link = f"https://shop.example.my/order/{placed.token}/"
    assert link in mail.body_text and f'href="{link}"' in mail.body_html
    assert "Account number: 5140 1234 5678" in mail.body_text
    assert f"Reference: {placed.order.number}" in mail.body_text
    assert "Please transfer RM52.00" in mail.body_text  # 2 × 22.00 + 8.00
    assert client.get(link.removeprefix("https://shop.example.my")).status_code == 200

    cod = checkout_complete(cart=cart_with((kopi.variants.get(), 1)),
                            details=details(payment_method="cod"),
                            checkout_key="k2")
    cod_mail = message_render(Message.objects.filter(
        to_email="siti@example.my").exclude(pk=row.pk).get())
    assert "Account number" not in cod_mail.body_text
    assert f"/order/{cod.token}/" in cod_mail.body_text
