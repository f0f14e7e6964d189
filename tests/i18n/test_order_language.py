"""An order's emails and PDFs are in the language it was placed in (issue 14):
placed on the Malay storefront, the buyer gets Malay mail over real SMTP
with a Malay PDF, whatever language the worker runs in."""

import re

import pytest
from django.utils import translation

from kedai.checkout.placing import checkout_complete
from kedai.notifications.delivery import outbox_deliver_due
from kedai.orders.models import Order, order_language_normalise
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product
from tests.invoicing.conftest import pdf_text
from tests.notifications.conftest import FaultySMTP, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = FaultySMTP().start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def _place(language: str, key: str, email: str) -> Order:
    variant = make_product(name="Kopi Tenom", variants=[
        {"sku": f"KOPI-{key}", "price": "22.00", "stock": 5}]).variants.get()
    with translation.override(language):
        return checkout_complete(cart=cart_with((variant, 2)),
                                 details=details(email=email),
                                 checkout_key=key).order


def test_language_codes_are_normalised(settings):
    assert order_language_normalise("ms") == "ms"
    assert order_language_normalise("ms-my") == "ms"
    assert order_language_normalise("fr") == settings.LANGUAGE_CODE
    assert order_language_normalise(None) == settings.LANGUAGE_CODE


def test_malay_order_gets_malay_mail_and_pdf(smtp, seller, client):
    malay = _place("ms", "k-ms", "siti@example.my")
    english = _place("en", "k-en", "john@example.my")
    assert (malay.language, english.language) == ("ms", "en")

    # The worker sends in whatever language is active; each order's own wins.
    assert outbox_deliver_due().sent == 4
    to_buyer = {m["To"]: m for m in smtp.messages if "example.my" in m["To"]
                and "kedai" not in m["To"]}
    mail = to_buyer["siti@example.my"]
    assert re.match(rf"Invois INV-\d{{4}}-\d+ untuk pesanan anda {malay.number}$",
                    mail["Subject"])
    body = mail.get_body(("plain",)).get_content()
    assert "Siti Aminah yang dihormati," in body
    assert "Terima kasih atas pesanan anda" in body
    html = mail.get_body(("html",)).get_content()
    assert "Terima kasih atas pesanan anda" in html
    text = pdf_text(next(mail.iter_attachments()).get_content())
    assert "INVOIS" in text and "Jumlah kecil" in text and "Kuantiti" in text
    assert "Subtotal" not in text

    english_mail = to_buyer["john@example.my"]
    assert english_mail["Subject"].startswith("Invoice INV-")
    text = pdf_text(next(english_mail.iter_attachments()).get_content())
    assert "INVOICE" in text and "Subtotal" in text


def test_document_download_is_in_the_order_language(seller):
    from kedai.invoicing.models import Document
    from kedai.invoicing.services import document_pdf_render

    malay = _place("ms", "k-ms2", "siti@example.my")
    document = Document.objects.get(order=malay)
    with translation.override("en"):
        assert "INVOIS" in pdf_text(document_pdf_render(document))


def test_mail_asked_for_on_a_malay_page_is_malay(smtp, client, cart_token):
    for language in ("/ms", ""):
        response = client.post(f"/s/{cart_token}{language}/cart/email/",
                               {"email": f"siti{language.strip('/')}@example.my"})
        assert response.status_code == 303
    assert outbox_deliver_due().sent == 2
    by_to = {m["To"]: m for m in smtp.messages}
    malay, english = by_to["sitims@example.my"], by_to["siti@example.my"]
    assert malay["Subject"] == "Pautan troli anda"
    body = malay.get_body(("plain",)).get_content()
    assert "Ini pautan ke troli anda" in body and f"/s/{cart_token}/ms/" in body
    assert english["Subject"] == "Your cart link"
    assert "Here is the link to your cart" in english.get_body(("plain",)).get_content()
