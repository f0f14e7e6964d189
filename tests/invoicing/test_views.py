"""The order page's documents, by token; the back office exports."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from kedai.core.money import Money
from kedai.invoicing import services
from tests.invoicing.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_documents_are_listed_and_downloaded_by_the_order_token(client, placed):
    invoice = services.order_placed(placed.order)
    url = reverse("invoicing:order_documents", kwargs={"token": placed.token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert invoice.number in response.content.decode()
    assert not response.cookies

    pdf = client.get(reverse("invoicing:document_download",
                             kwargs={"token": placed.token, "number": invoice.number}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert pdf["Cache-Control"] == "private, no-store"
    assert "RM67.90" in pdf_text(pdf.content)


def test_unknown_token_or_another_orders_document_is_not_found(client, placed):
    from tests.invoicing.conftest import place_order

    other = place_order(key="other")
    invoice = services.order_placed(other.order)
    bad_token = reverse("invoicing:order_documents", kwargs={"token": "x" * 32})
    assert client.get(bad_token).status_code == 404
    foreign = reverse("invoicing:document_download",
                      kwargs={"token": placed.token, "number": invoice.number})
    assert client.get(foreign).status_code == 404


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("owner", "owner@example.my", "pw")
    client.force_login(user)
    return user


def test_admin_lists_documents_and_downloads_pdf_and_myinvois_json(client, staff,
                                                                   placed):
    invoice = services.order_placed(placed.order)
    services.payment_captured(placed.order, amount=Money("67.90"),
                              method_label="FPX", reference="BP-1")
    listing = client.get(reverse("admin:invoicing_document_changelist"))
    assert listing.status_code == 200 and invoice.number in listing.content.decode()
    pdf = client.get(reverse("admin:invoicing_document_pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    json_response = client.get(reverse("admin:invoicing_document_einvoice",
                                       args=[invoice.pk]))
    assert json_response.status_code == 200
    assert json_response.json()["Invoice"][0]["ID"][0]["_"] == invoice.number
    page = client.get(reverse("admin:invoicing_document_consolidated"))
    assert page.status_code == 200
    month = invoice.issued_at.astimezone().strftime("%Y-%m")
    consolidated = client.get(reverse("admin:invoicing_document_consolidated"),
                              {"month": month})
    assert consolidated.status_code == 200
    assert consolidated.json()["Invoice"][0]["InvoiceLine"][0]["Item"][0][
        "Description"][0]["_"] == f"Receipt {invoice.number}"


def test_admin_outbox_shows_status_and_resends(client, staff, placed):
    from kedai.notifications.models import Message, MessageStatus

    services.order_placed(placed.order)
    message = Message.objects.get(kind="invoice:customer")
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED,
                                                 last_error="550 No such user")
    listing = client.get(reverse("admin:notifications_message_changelist"))
    assert "550 No such user" in listing.content.decode()
    detail = client.get(reverse("admin:notifications_message_change",
                                args=[message.pk]))
    assert detail.status_code == 200 and "srcdoc" in detail.content.decode()
    client.post(reverse("admin:notifications_message_changelist"),
                {"action": "resend", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 0


def test_seller_profile_is_a_singleton_in_the_admin(client, staff, seller):
    add = client.get(reverse("admin:invoicing_sellerprofile_add"))
    assert add.status_code == 403
    change = client.get(reverse("admin:invoicing_sellerprofile_change",
                                args=[seller.pk]))
    assert change.status_code == 200
