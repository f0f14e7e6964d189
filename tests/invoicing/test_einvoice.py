"""MyInvois export: UBL 2.1 JSON with the mandatory fields of LHDN guideline."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from kedai.core.money import Money
from kedai.invoicing import services
from kedai.invoicing.einvoice import (
    GENERAL_PUBLIC_TIN,
    MANDATORY,
    EInvoiceError,
    consolidated_einvoice,
    document_einvoice,
    einvoice_json,
    einvoice_problems,
)
from kedai.invoicing.selectors import invoices_for_consolidation
from kedai.invoicing.snapshot import seller_snapshot
from tests.invoicing.conftest import place_order

pytestmark = pytest.mark.django_db


def paid_invoice(key: str = "k1", **kwargs):
    order = place_order(key=key, **kwargs).order
    invoice = services.order_placed(order)
    services.payment_captured(order, amount=Money(order.total),
                              method_label="FPX", reference=f"BP-{key}")
    return invoice


def test_invoice_export_has_every_mandatory_field(seller):
    invoice = paid_invoice()
    document = document_einvoice(invoice)
    assert einvoice_problems(document) == []
    inv = document["Invoice"][0]
    assert inv["ID"][0]["_"] == invoice.number
    assert inv["InvoiceTypeCode"][0] == {"_": "01", "listVersionID": "1.0"}
    supplier = inv["AccountingSupplierParty"][0]["Party"][0]
    assert {i["ID"][0]["schemeID"]: i["ID"][0]["_"]
            for i in supplier["PartyIdentification"]} == {
        "TIN": "C25845632020", "BRN": "202301012345", "SST": "W10-1808-32000123",
        "TTX": "NA"}
    assert supplier["IndustryClassificationCode"][0]["_"] == "47912"
    assert supplier["PostalAddress"][0]["CountrySubentityCode"][0]["_"] == "14"
    buyer = inv["AccountingCustomerParty"][0]["Party"][0]
    assert buyer["PartyIdentification"][0]["ID"][0]["_"] == GENERAL_PUBLIC_TIN
    lines = inv["InvoiceLine"]
    assert [x["Item"][0]["SellersItemIdentification"][0]["ID"][0]["_"]
            for x in lines[:2]] == ["KOPI-1", "KUIH-1"]
    assert lines[0]["TaxTotal"][0]["TaxSubtotal"][0]["TaxCategory"][0]["ID"][0][
        "_"] == "01"
    totals = inv["LegalMonetaryTotal"][0]
    assert totals["PayableAmount"][0]["_"] == Decimal("67.90")
    assert totals["TaxInclusiveAmount"][0]["_"] == Decimal("67.90")
    assert inv["TaxTotal"][0]["TaxAmount"][0]["_"] == Decimal("4.00")


def test_buyer_who_asked_for_an_einvoice_gets_their_tin(seller):
    order = place_order(buyer_einvoice={
        "tin": "C1234567890", "id_type": "BRN", "id_number": "201901000005",
        "sst_number": ""}).order
    document = document_einvoice(services.order_placed(order))
    assert einvoice_problems(document) == []
    ids = {i["ID"][0]["schemeID"]: i["ID"][0]["_"] for i in document["Invoice"][0][
        "AccountingCustomerParty"][0]["Party"][0]["PartyIdentification"]}
    assert ids == {"TIN": "C1234567890", "BRN": "201901000005", "SST": "NA",
                   "TTX": "NA"}


def test_credit_note_refers_to_its_invoice(seller):
    invoice = paid_invoice()
    note = services.order_refunded(invoice.order, amount=Money("10.00"),
                                   reason="Damaged")
    document = document_einvoice(note)
    assert einvoice_problems(document) == []
    inv = document["Invoice"][0]
    assert inv["InvoiceTypeCode"][0]["_"] == "02"
    assert inv["BillingReference"][0]["InvoiceDocumentReference"][0]["ID"][0][
        "_"] == invoice.number
    assert inv["LegalMonetaryTotal"][0]["PayableAmount"][0]["_"] == Decimal("10.00")


def test_json_amounts_are_exact_numbers(seller):
    text = einvoice_json(document_einvoice(paid_invoice()))
    parsed = json.loads(text, parse_float=Decimal)
    assert parsed["Invoice"][0]["LegalMonetaryTotal"][0]["PayableAmount"][0][
        "_"] == Decimal("67.90")
    assert '"_": 67.90' in text


def test_structure_check_catches_each_missing_mandatory_field(seller):
    document = document_einvoice(paid_invoice())
    for path in MANDATORY:
        broken = copy.deepcopy(document)
        node = broken["Invoice"][0]
        keys = [k for k in path.split(".") if k != "*"]
        for key in keys[:-1]:
            node = node[key][0]
        del node[keys[-1]]
        assert einvoice_problems(broken), path


def test_seller_without_tin_cannot_export(db, seller):
    seller.tin = ""
    seller.save()
    with pytest.raises(EInvoiceError, match="TIN"):
        document_einvoice(paid_invoice())


def test_month_of_b2c_sales_is_one_consolidated_einvoice(seller):
    first, second = paid_invoice("a"), paid_invoice("b")
    unpaid = services.order_placed(place_order(key="c").order)
    company = place_order(key="d", buyer_einvoice={
        "tin": "C1234567890", "id_type": "BRN", "id_number": "201901000005"}).order
    services.order_placed(company)
    services.payment_captured(company, amount=Money(company.total),
                              method_label="FPX", reference="BP-d")
    today = timezone.localdate()

    invoices = invoices_for_consolidation(year=today.year, month=today.month)
    document, excluded = consolidated_einvoice(
        documents=invoices, year=today.year, month=today.month,
        seller_data={"seller": seller_snapshot(seller)}, number="CONS-TEST")

    assert [d.number for d in invoices] == [first.number, second.number]
    assert unpaid.number not in [d.number for d in invoices]
    assert excluded == []
    assert einvoice_problems(document) == []
    inv = document["Invoice"][0]
    buyer = inv["AccountingCustomerParty"][0]["Party"][0]
    assert buyer["PartyLegalEntity"][0]["RegistrationName"][0]["_"] == "General Public"
    assert buyer["PartyIdentification"][0]["ID"][0]["_"] == GENERAL_PUBLIC_TIN
    assert [x["Item"][0]["Description"][0]["_"] for x in inv["InvoiceLine"]] == [
        f"Receipt {first.number}", f"Receipt {second.number}"]
    assert {x["Item"][0]["CommodityClassification"][0]["ItemClassificationCode"][0]
            ["_"] for x in inv["InvoiceLine"]} == {"004"}
    assert inv["LegalMonetaryTotal"][0]["PayableAmount"][0]["_"] == Decimal("135.80")
    assert inv["InvoicePeriod"][0]["Description"][0]["_"] == "Monthly"


def test_sale_above_rm10000_is_left_out_of_the_consolidation(seller):
    big = paid_invoice("big", items=[("GOLD-1", "10500.00", 1, "none")])
    small = paid_invoice("small")
    today = timezone.localdate()
    document, excluded = consolidated_einvoice(
        documents=[big, small], year=today.year, month=today.month,
        seller_data={"seller": seller_snapshot(seller)}, number="CONS-TEST")
    assert excluded == [big.number]
    assert len(document["Invoice"][0]["InvoiceLine"]) == 1
