"""Discounts on the invoice, its PDF, the MyInvois export and refunds."""

from decimal import Decimal

import pytest

from kedai.catalog.models import TaxClass
from kedai.checkout.placing import checkout_complete
from kedai.invoicing import services as invoicing
from kedai.invoicing.einvoice import document_einvoice
from kedai.invoicing.pdf import render_pdf
from kedai.orders.services import order_lines_refund_reserve
from kedai.promotions.services import cart_code_apply
from tests.factories import make_product
from tests.invoicing.conftest import pdf_text, seller  # noqa: F401 - fixture
from tests.promotions.conftest import cart_with, details, voucher


@pytest.fixture
def order(db, seller):  # noqa: F811 - the fixture imported above
    sst = TaxClass.objects.create(code="sst10", name="Sales tax 10%",
                                  kind="sales", rate=Decimal("10"))
    kopi = make_product(name="Kopi Tenom", tax_class=sst, variants=[
        {"sku": "KOPI-1", "price": "22.00", "stock": 9}]).variants.get()
    kuih = make_product(name="Kuih Bangkit", variants=[
        {"sku": "KUIH-1", "price": "15.90", "stock": 9}]).variants.get()
    voucher("RAYA10", kind="fixed", value=Decimal("10.00"))
    cart = cart_with((kopi, 2), (kuih, 1))
    cart_code_apply(cart=cart, code="raya10")
    return checkout_complete(cart=cart, details=details(), checkout_key="k").order


def test_lines_carry_their_share_of_the_discount(order):
    lines = {x.sku: x for x in order.lines.all()}
    # RM10 over 44.00 and 15.90 by largest remainder: 7.35 + 2.65.
    assert (lines["KOPI-1"].discount, lines["KUIH-1"].discount) == (
        Decimal("7.35"), Decimal("2.65"))
    assert (lines["KOPI-1"].line_total, lines["KUIH-1"].line_total) == (
        Decimal("36.65"), Decimal("13.25"))
    assert order.total == Decimal("57.90")  # 59.90 - 10.00 + 8.00
    assert order.tax_total == Decimal("3.33")  # SST on the discounted 36.65


def test_invoice_pdf_and_myinvois_show_the_discount_per_line(order):
    document = invoicing.order_placed(order)
    data = document.data
    assert [x.get("discount") for x in data["lines"]] == ["7.35", "2.65"]
    assert data["totals"]["discount"] == "10.00"
    text = pdf_text(render_pdf(data).content)
    assert "Discount -RM7.35 included" in text
    assert "Discounts (included above)" in text
    invoice = document_einvoice(document)["Invoice"][0]
    kopi = invoice["InvoiceLine"][0]
    allowance = kopi["AllowanceCharge"][0]
    assert allowance["ChargeIndicator"][0]["_"] is False
    cut = allowance["Amount"][0]["_"]
    assert cut == Decimal("6.68")  # 7.35 without its 10% SST
    assert (kopi["ItemPriceExtension"][0]["Amount"][0]["_"] - cut
            == kopi["LineExtensionAmount"][0]["_"])
    payable = invoice["LegalMonetaryTotal"][0]["PayableAmount"][0]["_"]
    assert payable == order.total


def test_a_refunded_line_refunds_what_was_paid_for_it(order):
    kopi = order.lines.get(sku="KOPI-1")
    assert order_lines_refund_reserve(order=order, quantities={kopi.pk: 2}) == \
        Decimal("36.65")
