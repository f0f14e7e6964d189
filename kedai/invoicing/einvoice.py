"""LHDN MyInvois e-invoices as UBL 2.1 JSON (export only, no submission).

Structure: the MyInvois SDK's UBL 2.1 JSON form (sdk.myinvois.hasil.gov.my,
document version 1.0, which needs no digital signature; version 1.1 adds
the issuer's XAdES signature, which needs the seller's certificate and is
left to the submitting software). Every element is a list of objects, a
value is under ``"_"`` with its attributes beside it. Mandatory fields
follow LHDN's e-Invoice Guideline; ``MANDATORY`` below is that list as
paths, and ``einvoice_problems`` checks a document against it.

Consolidated B2C e-invoice (LHDN guideline): buyer "General Public", TIN
EI00000000010, other buyer fields "NA", one line per receipt with its
number. Single sales above RM10,000 may not be consolidated from 2026 and
are listed as excluded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from kedai.core.money import quantize
from kedai.invoicing.models import Document, DocumentKind

NAMESPACES = {
    "_D": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "_A": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "_B": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
VERSION = "1.0"
TYPE_CODES = {DocumentKind.INVOICE: "01", DocumentKind.CREDIT_NOTE: "02"}
# e-invoice tax types: 01 sales tax, 02 service tax, 06 not applicable.
TAX_TYPES = {"sales": "01", "service": "02", "none": "06"}
GENERAL_PUBLIC_TIN = "EI00000000010"
CONSOLIDATED_CLASSIFICATION = "004"
CONSOLIDATION_LIMIT = Decimal("10000.00")
NA = "NA"

# The mandatory fields of LHDN's guideline as paths into Invoice[0]; "*" means
# every element of that list. Each must be present and non-empty.
MANDATORY: tuple[str, ...] = (
    "ID", "IssueDate", "IssueTime", "InvoiceTypeCode", "DocumentCurrencyCode",
    "AccountingSupplierParty.Party.PartyLegalEntity.RegistrationName",
    "AccountingSupplierParty.Party.PartyIdentification.*.ID",
    "AccountingSupplierParty.Party.IndustryClassificationCode",
    "AccountingSupplierParty.Party.PostalAddress.CityName",
    "AccountingSupplierParty.Party.PostalAddress.CountrySubentityCode",
    "AccountingSupplierParty.Party.PostalAddress.AddressLine.*.Line",
    "AccountingSupplierParty.Party.PostalAddress.Country.IdentificationCode",
    "AccountingSupplierParty.Party.Contact.Telephone",
    "AccountingCustomerParty.Party.PartyLegalEntity.RegistrationName",
    "AccountingCustomerParty.Party.PartyIdentification.*.ID",
    "AccountingCustomerParty.Party.PostalAddress.CityName",
    "AccountingCustomerParty.Party.PostalAddress.CountrySubentityCode",
    "AccountingCustomerParty.Party.PostalAddress.AddressLine.*.Line",
    "AccountingCustomerParty.Party.PostalAddress.Country.IdentificationCode",
    "AccountingCustomerParty.Party.Contact.Telephone",
    "TaxTotal.TaxAmount",
    "TaxTotal.TaxSubtotal.*.TaxAmount",
    "TaxTotal.TaxSubtotal.*.TaxCategory.ID",
    "LegalMonetaryTotal.LineExtensionAmount",
    "LegalMonetaryTotal.TaxExclusiveAmount",
    "LegalMonetaryTotal.TaxInclusiveAmount",
    "LegalMonetaryTotal.PayableRoundingAmount",
    "LegalMonetaryTotal.PayableAmount",
    "InvoiceLine.*.ID",
    "InvoiceLine.*.InvoicedQuantity",
    "InvoiceLine.*.LineExtensionAmount",
    "InvoiceLine.*.TaxTotal.TaxAmount",
    "InvoiceLine.*.TaxTotal.TaxSubtotal.*.TaxCategory.ID",
    "InvoiceLine.*.TaxTotal.TaxSubtotal.*.Percent",
    "InvoiceLine.*.Item.CommodityClassification.*.ItemClassificationCode",
    "InvoiceLine.*.Item.Description",
    "InvoiceLine.*.Price.PriceAmount",
    "InvoiceLine.*.ItemPriceExtension.Amount",
)
# Scheme ids the supplier (and buyer) identification must carry.
PARTY_SCHEMES = ("TIN", "SST", "TTX")
BUYER_ID_SCHEMES = ("BRN", "NRIC", "PASSPORT", "ARMY")


class EInvoiceError(ValueError):
    """The document cannot be exported (e.g. the seller has no TIN)."""


def _v(value: Any, **attrs: Any) -> list[dict[str, Any]]:
    return [{"_": value, **attrs}]


def _amount(value: str | Decimal, currency: str) -> list[dict[str, Any]]:
    return _v(quantize(Decimal(value), currency), currencyID=currency)


def _party(*, name: str, ids: list[tuple[str, str]], address: dict[str, str],
           phone: str, email: str, msic: tuple[str, str] | None = None
           ) -> list[dict[str, Any]]:
    lines = [x for x in (address.get("line1"), address.get("line2")) if x] or [NA]
    party: dict[str, Any] = {
        "PartyIdentification": [{"ID": _v(value or NA, schemeID=scheme)}
                                for scheme, value in ids],
        "PostalAddress": [{
            "CityName": _v(address.get("city") or NA),
            "PostalZone": _v(address.get("postcode") or ""),
            "CountrySubentityCode": _v(address.get("state_number") or "17"),
            "AddressLine": [{"Line": _v(line)} for line in lines],
            "Country": [{"IdentificationCode": _v("MYS", listID="ISO3166-1",
                                                  listAgencyID="6")}],
        }],
        "PartyLegalEntity": [{"RegistrationName": _v(name or NA)}],
        "Contact": [{"Telephone": _v(phone or NA),
                     **({"ElectronicMail": _v(email)} if email else {})}],
    }
    if msic:
        party = {"IndustryClassificationCode": _v(msic[0], name=msic[1]), **party}
    return [{"Party": [party]}]


def _supplier(data: dict[str, Any]) -> list[dict[str, Any]]:
    seller = data["seller"]
    missing = [label for label, key in (("legal name", "legal_name"),
                                        ("TIN", "tin"),
                                        ("SSM registration no.", "registration_number"),
                                        ("MSIC code", "msic_code"))
               if not seller.get(key)]
    if missing:
        raise EInvoiceError(
            f"{data['number']}: the seller profile had no {', '.join(missing)} "
            "when it was issued.")
    return _party(
        name=seller["legal_name"],
        ids=[("TIN", seller["tin"]), ("BRN", seller["registration_number"]),
             ("SST", seller["sst_number"] or NA),
             ("TTX", seller["tourism_tax_number"] or NA)],
        address=seller["address"], phone=seller["phone"], email=seller["email"],
        msic=(seller["msic_code"], seller["business_activity"]))


def _general_public() -> list[dict[str, Any]]:
    return _party(name="General Public",
                  ids=[("TIN", GENERAL_PUBLIC_TIN), ("BRN", NA), ("SST", NA),
                       ("TTX", NA)],
                  address={}, phone=NA, email="")


def _buyer(data: dict[str, Any]) -> list[dict[str, Any]]:
    einvoice = data["buyer"].get("einvoice") or {}
    if not einvoice.get("tin"):
        # A consumer who did not ask for an e-invoice: LHDN's general TIN.
        return _party(name=data["buyer"]["name"],
                      ids=[("TIN", GENERAL_PUBLIC_TIN), ("NRIC", NA),
                           ("SST", NA), ("TTX", NA)],
                      address=data["buyer"]["billing"], phone=data["buyer"]["phone"],
                      email=data["buyer"]["email"])
    scheme = einvoice.get("id_type") or "BRN"
    return _party(name=data["buyer"]["name"],
                  ids=[("TIN", einvoice["tin"]),
                       (scheme, einvoice.get("id_number") or NA),
                       ("SST", einvoice.get("sst_number") or NA), ("TTX", NA)],
                  address=data["buyer"]["billing"], phone=data["buyer"]["phone"],
                  email=data["buyer"]["email"])


def _tax_subtotal(*, taxable: Decimal, tax: Decimal, kind: str, rate: str,
                  currency: str) -> dict[str, Any]:
    return {
        "TaxableAmount": _amount(taxable, currency),
        "TaxAmount": _amount(tax, currency),
        "Percent": _v(Decimal(rate or "0")),
        "TaxCategory": [{
            "ID": _v(TAX_TYPES.get(kind, "06")),
            "TaxScheme": [{"ID": _v("OTH", schemeID="UN/ECE 5153",
                                    schemeAgencyID="6")}],
        }],
    }


def _line(*, index: int, description: str, quantity: Decimal, unit_price: Decimal,
          net: Decimal, tax: Decimal, kind: str, rate: str, currency: str,
          classification: str, code: str = "",
          discount: Decimal = Decimal(0)) -> dict[str, Any]:
    """One InvoiceLine. ``discount`` (net, before tax) goes in the line's
    AllowanceCharge (ChargeIndicator false): Price and ItemPriceExtension
    are before it, LineExtensionAmount (``net``) after it."""
    item: dict[str, Any] = {
        "CommodityClassification": [{"ItemClassificationCode":
                                     _v(classification, listID="CLASS")}],
        "Description": _v(description),
    }
    if code:
        item["SellersItemIdentification"] = [{"ID": _v(code)}]
    line: dict[str, Any] = {
        "ID": _v(str(index)),
        "InvoicedQuantity": _v(quantity, unitCode="C62"),
        "LineExtensionAmount": _amount(net, currency),
        "TaxTotal": [{"TaxAmount": _amount(tax, currency),
                      "TaxSubtotal": [_tax_subtotal(taxable=net, tax=tax, kind=kind,
                                                    rate=rate, currency=currency)]}],
        "Item": [item],
        "Price": [{"PriceAmount": _amount(unit_price, currency)}],
        "ItemPriceExtension": [{"Amount": _amount(net + discount, currency)}],
    }
    if discount:
        line["AllowanceCharge"] = [{
            "ChargeIndicator": _v(False),
            "AllowanceChargeReason": _v("Discount"),
            "Amount": _amount(discount, currency),
        }]
    return line


def _net_discount(line: dict[str, Any], tax_included: bool, currency: str) -> Decimal:
    """A line's discount without tax: with tax-inclusive prices the discount
    (taken off the gross) carried its share of SST at the line's rate."""
    discount = Decimal(line.get("discount") or 0)
    rate = Decimal(line["tax_rate"] or 0) if line["tax_kind"] != "none" else 0
    if not discount or not tax_included or not rate:
        return discount
    return quantize(discount / (1 + Decimal(rate) / 100), currency)


def _issue_time(issued_at: str) -> tuple[str, str]:
    # MyInvois wants UTC date and time ("2026-11-26", "04:12:00Z").
    utc = datetime.fromisoformat(issued_at).astimezone(UTC)
    return utc.date().isoformat(), utc.strftime("%H:%M:%SZ")


def _wrap(invoice: dict[str, Any]) -> dict[str, Any]:
    return {**NAMESPACES, "Invoice": [invoice]}


def document_einvoice(document: Document) -> dict[str, Any]:
    """The MyInvois e-invoice (or credit note) of one issued document."""
    data = document.data
    kind = data["kind"]
    if kind not in TYPE_CODES:
        raise EInvoiceError(f"{document.number}: a {kind} is not an e-invoice.")
    currency = data["currency"]
    issue_date, issue_time = _issue_time(data["issued_at"])
    invoice: dict[str, Any] = {
        "ID": _v(document.number),
        "IssueDate": _v(issue_date), "IssueTime": _v(issue_time),
        "InvoiceTypeCode": _v(TYPE_CODES[kind], listVersionID=VERSION),
        "DocumentCurrencyCode": _v(currency), "TaxCurrencyCode": _v(currency),
        "AccountingSupplierParty": _supplier(data),
        "AccountingCustomerParty": _buyer(data),
    }
    classification = settings.KEDAI_EINVOICE_CLASSIFICATION
    if kind == DocumentKind.INVOICE:
        lines = []
        for i, line in enumerate(data["lines"], start=1):
            description = line["name"] + (f" ({line['variant_label']})"
                                          if line["variant_label"] else "")
            qty = Decimal(line["quantity"])
            cut = _net_discount(line, data["totals"]["tax_included"], currency)
            lines.append(_line(
                index=i, description=description, quantity=qty,
                unit_price=quantize((Decimal(line["net"]) + cut) / qty, currency),
                net=Decimal(line["net"]), tax=Decimal(line["tax"]),
                kind=line["tax_kind"], rate=line["tax_rate"], currency=currency,
                classification=classification, code=line["sku"], discount=cut))
        lines_tax = sum((Decimal(x["tax"]) for x in data["lines"]), Decimal(0))
        shipping_tax = Decimal(data["totals"]["tax"]) - lines_tax
        shipping = Decimal(data["totals"]["shipping"])
        if shipping:
            lines.append(_line(
                index=len(lines) + 1,
                description=f"Shipping: {data['order']['shipping_method']}",
                quantity=Decimal(1), unit_price=shipping - shipping_tax,
                net=shipping - shipping_tax, tax=shipping_tax,
                kind="service" if shipping_tax else "none",
                rate="", currency=currency, classification=classification))
        invoice["InvoiceLine"] = lines
        _totals(invoice, lines, currency,
                rounding=Decimal(data["totals"]["rounding"]),
                payable=Decimal(data["totals"]["total"]))
    else:
        amount = Decimal(data["credit"]["amount"])
        invoice["BillingReference"] = [{"InvoiceDocumentReference": [{
            "ID": _v(data.get("invoice_number") or NA), "UUID": _v(NA)}]}]
        # A credit without line allocation: one line, tax not recomputed.
        lines = [_line(index=1, description=f"Refund: {data.get('reason') or NA}",
                       quantity=Decimal(1), unit_price=amount, net=amount,
                       tax=Decimal(0), kind="none", rate="", currency=currency,
                       classification=classification)]
        invoice["InvoiceLine"] = lines
        _totals(invoice, lines, currency, rounding=Decimal(0), payable=amount)
    return _wrap(invoice)


def _totals(invoice: dict[str, Any], lines: list[dict[str, Any]], currency: str, *,
            rounding: Decimal, payable: Decimal) -> None:
    net = sum((line["LineExtensionAmount"][0]["_"] for line in lines), Decimal(0))
    subtotals: dict[tuple[str, Decimal], list[Decimal]] = {}
    for line in lines:
        sub = line["TaxTotal"][0]["TaxSubtotal"][0]
        key = (sub["TaxCategory"][0]["ID"][0]["_"], sub["Percent"][0]["_"])
        acc = subtotals.setdefault(key, [Decimal(0), Decimal(0)])
        acc[0] += sub["TaxableAmount"][0]["_"]
        acc[1] += sub["TaxAmount"][0]["_"]
    tax = sum((acc[1] for acc in subtotals.values()), Decimal(0))
    kinds = {v: k for k, v in TAX_TYPES.items()}
    invoice["TaxTotal"] = [{
        "TaxAmount": _amount(tax, currency),
        "TaxSubtotal": [_tax_subtotal(taxable=acc[0], tax=acc[1], kind=kinds[code],
                                      rate=str(rate), currency=currency)
                        for (code, rate), acc in sorted(subtotals.items())],
    }]
    invoice["LegalMonetaryTotal"] = [{
        "LineExtensionAmount": _amount(net, currency),
        "TaxExclusiveAmount": _amount(net, currency),
        "TaxInclusiveAmount": _amount(net + tax, currency),
        "PayableRoundingAmount": _amount(rounding, currency),
        "PayableAmount": _amount(payable, currency),
    }]


def consolidated_einvoice(*, documents: Iterable[Document], year: int, month: int,
                          seller_data: dict[str, Any], number: str
                          ) -> tuple[dict[str, Any], list[str]]:
    """One consolidated e-invoice for a month's B2C invoices.

    ``documents`` are the month's invoices of paid orders whose buyer did
    not ask for an e-invoice. Returns the e-invoice and the numbers left
    out because a single sale above RM10,000 may not be consolidated.
    """
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
    lines: list[dict[str, Any]] = []
    excluded: list[str] = []
    currency = "MYR"
    docs = sorted(documents, key=lambda d: d.number)
    for document in docs:
        data = document.data
        total = Decimal(data["totals"]["total"])
        if total > CONSOLIDATION_LIMIT:
            excluded.append(document.number)
            continue
        currency = data["currency"]
        tax = Decimal(data["totals"]["tax"])
        kinds = {x["kind"] for x in data["tax_breakdown"]} - {""}
        kind = kinds.pop() if len(kinds) == 1 else ("sales" if tax else "none")
        rates = {x["rate"] for x in data["tax_breakdown"] if x["rate"]}
        rate = rates.pop() if len(rates) == 1 else ""
        net = total - tax - Decimal(data["totals"]["rounding"])
        lines.append(_line(
            index=len(lines) + 1, description=f"Receipt {document.number}",
            quantity=Decimal(1), unit_price=net, net=net, tax=tax, kind=kind,
            rate=rate, currency=currency,
            classification=CONSOLIDATED_CLASSIFICATION))
    if not lines:
        raise EInvoiceError(f"No B2C sales to consolidate in {year}-{month:02d}.")
    now = datetime.now().astimezone()
    issue_date, issue_time = _issue_time(now.isoformat())
    invoice: dict[str, Any] = {
        "ID": _v(number),
        "IssueDate": _v(issue_date), "IssueTime": _v(issue_time),
        "InvoiceTypeCode": _v("01", listVersionID=VERSION),
        "DocumentCurrencyCode": _v(currency), "TaxCurrencyCode": _v(currency),
        "InvoicePeriod": [{"StartDate": _v(start.isoformat()),
                           "EndDate": _v(date.fromordinal(end).isoformat()),
                           "Description": _v("Monthly")}],
        "AccountingSupplierParty": _supplier({**seller_data, "number": number}),
        "AccountingCustomerParty": _general_public(),
        "InvoiceLine": lines,
    }
    rounding = sum((Decimal(d.data["totals"]["rounding"]) for d in docs
                    if d.number not in excluded), Decimal(0))
    payable = sum((Decimal(d.data["totals"]["total"]) for d in docs
                   if d.number not in excluded), Decimal(0))
    _totals(invoice, lines, currency, rounding=rounding, payable=payable)
    return _wrap(invoice), excluded


def einvoice_problems(document: dict[str, Any]) -> list[str]:
    """What the e-invoice lacks against ``MANDATORY``; [] when complete."""
    problems = [f"missing namespace {key}" for key, value in NAMESPACES.items()
                if document.get(key) != value]
    invoices = document.get("Invoice")
    if not isinstance(invoices, list) or len(invoices) != 1:
        return [*problems, "Invoice must be a list of one document"]
    invoice = invoices[0]
    for path in MANDATORY:
        problems += [f"{path}: {p}" for p in _check(invoice, path.split("."))]
    if problems:
        # The value checks below assume the structure is complete.
        return problems
    for party in ("AccountingSupplierParty", "AccountingCustomerParty"):
        schemes = {i["ID"][0].get("schemeID") for i in
                   _get(invoice, [party, "Party", "PartyIdentification"]) or []}
        for scheme in ("TIN", "SST"):
            if scheme not in schemes:
                problems.append(f"{party}: no {scheme} identification")
        if party == "AccountingSupplierParty" and "BRN" not in schemes:
            problems.append(f"{party}: no BRN identification")
        if party == "AccountingCustomerParty" and not (
                schemes & {*BUYER_ID_SCHEMES}):
            problems.append(f"{party}: no registration or identity number")
    code = (_get(invoice, ["InvoiceTypeCode"]) or [{}])[0]
    if code.get("_") not in ("01", "02", "03", "04"):
        problems.append("InvoiceTypeCode: not 01–04")
    if code.get("_") in ("02", "03", "04") and not invoice.get("BillingReference"):
        problems.append("BillingReference: a note must refer to its invoice")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(_first(invoice, "IssueDate"))):
        problems.append("IssueDate: not YYYY-MM-DD")
    if not re.fullmatch(r"\d{2}:\d{2}:\d{2}Z", str(_first(invoice, "IssueTime"))):
        problems.append("IssueTime: not HH:MM:SSZ (UTC)")
    for line in invoice.get("InvoiceLine") or []:
        cls = line["Item"][0]["CommodityClassification"][0]
        if not re.fullmatch(r"\d{3}", str(cls["ItemClassificationCode"][0]["_"])):
            problems.append(f"line {line['ID'][0]['_']}: classification not 3 digits")
        for sub in line["TaxTotal"][0]["TaxSubtotal"]:
            if sub["TaxCategory"][0]["ID"][0]["_"] not in (
                    "01", "02", "03", "04", "05", "06", "E"):
                problems.append(f"line {line['ID'][0]['_']}: unknown tax type")
    msic = _get(invoice, ["AccountingSupplierParty", "Party",
                          "IndustryClassificationCode"])
    if msic and not re.fullmatch(r"\d{5}", str(msic[0]["_"])):
        problems.append("IndustryClassificationCode: MSIC must be 5 digits")
    return problems


def _first(invoice: dict[str, Any], key: str) -> Any:
    value = invoice.get(key)
    return value[0].get("_") if isinstance(value, list) and value else None


def _get(node: Any, path: list[str]) -> Any:
    for key in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _check(node: Any, path: list[str]) -> list[str]:
    if not path:
        if isinstance(node, list):
            node = node[0] if node else None
        value = node.get("_") if isinstance(node, dict) else None
        return [] if value not in (None, "") else ["empty"]
    key, rest = path[0], path[1:]
    if isinstance(node, list):
        if not node:
            return ["empty list"]
        if key == "*":
            problems = []
            for item in node:
                problems += _check(item, rest)
            return problems
        node = node[0]
    if key == "*":
        return _check([node], path)
    if not isinstance(node, dict) or key not in node:
        return ["missing"]
    return _check(node[key], rest)


_DECIMAL = re.compile(r'"__decimal__(-?\d+(?:\.\d+)?)"')


def einvoice_json(document: dict[str, Any]) -> str:
    """Serialise with amounts as exact JSON numbers (never via float)."""
    def default(value: Any) -> str:
        if isinstance(value, Decimal):
            return f"__decimal__{value:f}"
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return _DECIMAL.sub(r"\1", json.dumps(document, default=default,
                                          ensure_ascii=False, indent=1))
