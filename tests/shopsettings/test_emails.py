"""Email wording: placeholders checked, preview, test send, and the
wording used by the real order emails."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kedai.core.money import Money
from kedai.invoicing import services as invoicing
from kedai.invoicing.models import SellerProfile
from kedai.notifications.models import Message
from kedai.notifications.rendering import message_render
from kedai.shopsettings.models import EmailWording
from kedai.shopsettings.wording import wording_check
from tests.invoicing.conftest import place_order

pytestmark = pytest.mark.django_db
URL = "/office/settings/emails/"


@pytest.fixture
def seller(db):
    return SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn. Bhd.", address_line1="Lot 5",
        city="Kuala Lumpur", postcode="50400", state_code="KUL",
        phone="+60321234567", owner_email="owner@kedai.example.my")


@pytest.mark.parametrize("text", [
    "Order {order_number} from {shop_name}", "Thanks {customer_name}!",
    "Literal braces {{like this}}", "", "Total {total}",
])
def test_known_placeholders_pass(text):
    wording_check(text, event="invoice")


@pytest.mark.parametrize(("text", "shown"), [
    ("Hello {name}", "{name}"),
    ("Paid {amount}", "{amount}"),  # invoices have no amount paid
    ("{order_number.__class__}", "{order_number.__class__}"),
    ("{total:>20}", "{total:>20}"),
    ("{total!r}", "{total!r}"),
    ("{0}", "{0}"),
])
def test_unknown_placeholders_are_refused(text, shown):
    with pytest.raises(ValidationError) as error:
        wording_check(text, event="invoice")
    assert shown in error.value.messages[0]
    assert "{order_number}" in error.value.messages[0]  # what is allowed


def test_unbalanced_braces_are_refused():
    with pytest.raises(ValidationError) as error:
        wording_check("Order {order_number", event="invoice")
    assert "Braces must come in pairs" in error.value.messages[0]


def test_the_owner_saves_wording_and_it_is_shown_again(owner_client):
    response = owner_client.post(f"{URL}invoice/", {
        "subject": "Your {shop_name} invoice {document_number}",
        "intro": "Terima kasih, {customer_name}!",
        "footer": "WhatsApp us: 012-345 6789",
        "save": "1"})
    assert response.status_code == 302
    wording = EmailWording.objects.get(event="invoice")
    assert wording.subject == "Your {shop_name} invoice {document_number}"
    assert wording.updated_by == "nurul"
    page = owner_client.get(f"{URL}invoice/").content.decode()
    assert "Terima kasih, {customer_name}!" in page
    assert "yours (changed" in owner_client.get(URL).content.decode()


def test_wording_with_an_unknown_placeholder_is_not_saved(owner_client):
    response = owner_client.post(f"{URL}shipping/", {
        "subject": "Shipped: {order_number}", "intro": "Tracking {tracking_no}",
        "footer": "", "save": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown placeholder {tracking_no}" in page
    assert "Nothing was saved" in page
    assert not EmailWording.objects.exists()


def test_an_unknown_event_is_404(owner_client):
    assert owner_client.get(f"{URL}birthday/").status_code == 404


def test_preview_with_a_sample_order_when_the_shop_has_none(owner_client):
    response = owner_client.post(f"{URL}receipt/", {
        "subject": "Paid {amount} for {order_number}", "intro": "",
        "footer": "See you again at {shop_name}", "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "With a sample order" in page
    assert "Paid RM128.00 for KD-" in page
    assert "See you again at Kedai" in page
    # The HTML email sits escaped in the sandboxed iframe's srcdoc.
    assert 'sandbox srcdoc="&lt;!doctype html&gt;' in page
    assert "We have received your payment of RM128.00" in page  # built-in intro
    assert not EmailWording.objects.exists()  # preview saves nothing


def test_preview_uses_the_latest_real_document(owner_client, seller):
    placed = place_order(name="Siti Aminah")
    with transaction.atomic():
        document = invoicing.order_placed(placed.order)
    EmailWording.objects.create(event="invoice",
                                subject="Invois {document_number}",
                                intro="Hai {customer_name}, order {order_number}.")
    page = owner_client.get(f"{URL}invoice/?preview=1").content.decode()
    assert f"Invois {document.number}" in page
    assert f"Hai Siti Aminah, order {placed.order.number}." in page
    assert "With the latest real document" in page


def test_preview_of_an_event_without_documents_uses_the_latest_order(owner_client,
                                                                     seller):
    placed = place_order()
    page = owner_client.get(f"{URL}shipping/?preview=1").content.decode()
    assert f"Your order {placed.order.number} has shipped" in page
    assert "EP123456789MY" in page
    assert "With the latest order" in page


def test_test_send_queues_the_saved_wording_to_the_owner(owner_client, seller):
    EmailWording.objects.create(event="new_order", subject="Order {order_number}!",
                                intro="Pack it today.", footer="-- Kedai bot")
    response = owner_client.post(f"{URL}new_order/test/", follow=True)
    assert "Test email queued to owner@kedai.example.my" in response.content.decode()
    message = Message.objects.get()
    assert message.to_email == "owner@kedai.example.my"
    assert message.kind == "test:new_order"
    assert message.subject.startswith("[Test] Order KD-")
    assert "Pack it today." in message.body_text
    assert "-- Kedai bot" in message.body_text
    assert "Pack it today." in message.body_html
    assert message.status == "pending"


def test_test_send_without_an_owner_email_is_refused(owner_client, settings):
    settings.KEDAI_OWNER_EMAIL = ""
    response = owner_client.post(f"{URL}invoice/test/", follow=True)
    assert "There is no owner email" in response.content.decode()
    assert not Message.objects.exists()


def test_reset_goes_back_to_the_built_in_wording(owner_client):
    EmailWording.objects.create(event="refund", subject="Refund {amount}")
    owner_client.post(f"{URL}refund/", {"reset": "1"})
    assert not EmailWording.objects.exists()


def test_order_emails_use_the_owners_wording(seller):
    EmailWording.objects.create(
        event="invoice", subject="{shop_name}: invoice {document_number}",
        intro="Hi {customer_name}, thanks for order {order_number} ({total}).",
        footer="Follow us on Instagram @kedai")
    placed = place_order(name="Siti Aminah", email="siti@example.my")
    with transaction.atomic():
        document = invoicing.order_placed(placed.order)
    # Rendered when sent, from the document's snapshot.
    customer = message_render(Message.objects.get(kind="invoice:customer"))
    assert customer.subject == f"Kedai: invoice {document.number}"
    total = Money(placed.order.total).format()
    assert (f"Hi Siti Aminah, thanks for order {placed.order.number} ({total})."
            in customer.body_text)
    assert "Follow us on Instagram @kedai" in customer.body_text
    assert "Follow us on Instagram @kedai" in customer.body_html
    # The owner's notice has its own (here built-in) wording.
    owner = message_render(Message.objects.get(kind="invoice:owner"))
    assert owner.subject.startswith(f"New order {placed.order.number}")
    assert "Instagram" not in owner.body_text


def test_refund_wording_reaches_buyer_and_owner(seller):
    EmailWording.objects.create(event="refund", subject="Refunded {amount}",
                                intro="")
    placed = place_order()
    with transaction.atomic():
        invoicing.order_placed(placed.order)
        invoicing.order_refunded(placed.order, amount=Money("5.00"), reason="Torn")
    subjects = {message_render(m).subject for m in
                Message.objects.filter(kind__startswith="credit_note")}
    assert subjects == {"Refunded RM5.00"}
    body = message_render(
        Message.objects.filter(kind="credit_note:customer").get()).body_text
    assert "A refund of RM5.00 has been issued" in body  # built-in intro kept


def test_the_test_email_reaches_a_real_smtp_server(owner_client, seller, settings):
    from kedai.notifications.delivery import outbox_deliver_due
    from tests.notifications.conftest import FaultySMTP, use_smtp

    server = FaultySMTP().start()
    try:
        use_smtp(settings, server.port)
        EmailWording.objects.create(event="shipping",
                                    subject="On its way: {order_number}",
                                    footer="Terima kasih!")
        owner_client.post(f"{URL}shipping/test/")
        assert outbox_deliver_due().sent == 1
        [mail] = server.messages
        assert mail["To"] == "owner@kedai.example.my"
        assert mail["Subject"].startswith("[Test] On its way: KD-")
        assert "Terima kasih!" in mail.get_body(("plain",)).get_content()
    finally:
        server.stop()
