"""Settlement reconciliation: match a gateway's payout report to payments.

The owner uploads the gateway's settlement / payout CSV. Each line is
matched to its payment and judged (matched, no such payment, amount
differs, not captured, settled twice); captured payments the report
should contain but does not are added as "captured, never settled".
Gross, fees and net are summed per payout. The result downloads as CSV.

Formats (docs/payments.md, "Reconciliation"):

* ``stripe``: Stripe's itemized payout reconciliation report
  (docs.stripe.com/reports/payout-reconciliation): balance_transaction_id,
  automatic_payout_id, available_on_utc / created_utc, currency, gross,
  fee, net, reporting_category, payment_intent_id.
* ``kedai``: for gateways that publish no settlement file format
  (Billplz, iPay88, Fiuu, senangPay — see docs/payments.md): payout_id,
  settled_on, reference, gateway_reference, gross, fee, net, currency,
  typed from the gateway portal's transaction report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.core.money import round_places
from kedai.payments.exceptions import PaymentError
from kedai.payments.models import (
    Payment,
    PaymentStatus,
    SettlementLine,
    SettlementReport,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
SETTLED = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED,
           PaymentStatus.REFUNDED)
KEDAI_COLUMNS = ("payout_id", "settled_on", "reference", "gateway_reference",
                 "gross", "fee", "net", "currency")
STRIPE_REQUIRED = ("balance_transaction_id", "currency", "gross", "fee", "net",
                   "reporting_category")
R = SettlementLine.Result


class SettlementError(PaymentError):
    """The uploaded file cannot be read; ``extra["errors"]`` lists lines."""


@dataclass
class ParsedLine:
    line_number: int
    payout_id: str
    settled_on: dt.date | None
    reference: str
    gateway_reference: str
    transaction_id: str
    gross: Decimal
    fee: Decimal
    net: Decimal
    currency: str
    is_charge: bool = True


@dataclass
class PayoutSummary:
    payout_id: str
    currency: str
    gross: Decimal = Decimal("0.00")
    fee: Decimal = Decimal("0.00")
    net: Decimal = Decimal("0.00")
    lines: int = 0
    problems: int = 0
    results: dict[str, int] = field(default_factory=dict)


def _amount(value: str) -> Decimal:
    text = (value or "").strip().replace(",", "")
    result = Decimal(text)
    if not result.is_finite():
        raise InvalidOperation(value)
    return round_places(result)


def _date(value: str) -> dt.date | None:
    text = (value or "").strip()[:10]
    return dt.date.fromisoformat(text) if text else None


def _parse(content: bytes) -> tuple[str, list[ParsedLine]]:
    if len(content) > MAX_BYTES:
        raise SettlementError(_("The file is larger than 5 MB."), code="too_big")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettlementError(_("The file is not UTF-8 text (CSV)."),
                              code="encoding") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = {name.strip() for name in reader.fieldnames or []}
    if set(STRIPE_REQUIRED) <= header:
        file_format = "stripe"
    elif set(KEDAI_COLUMNS) <= header:
        file_format = "kedai"
    else:
        raise SettlementError(
            _("Unknown columns. Expected Stripe's itemized payout reconciliation "
              "report or: %(columns)s.") % {"columns": ", ".join(KEDAI_COLUMNS)},
            code="header")
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise SettlementError(_("The file has too many lines."), code="too_big")
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            lines.append(_line(file_format, number, row))
        except (InvalidOperation, ValueError):
            errors.append(number)
    if errors:
        raise SettlementError(
            _("Unreadable amounts or dates on lines %(lines)s; nothing was "
              "imported.") % {"lines": ", ".join(map(str, errors[:20]))},
            code="rows", extra={"errors": errors})
    return file_format, lines


def _line(file_format: str, number: int, row: dict[str, str]) -> ParsedLine:
    gross, fee, net = _amount(row["gross"]), _amount(row["fee"]), _amount(row["net"])
    currency = row["currency"].upper()[:3]
    if file_format == "stripe":
        return ParsedLine(
            line_number=number, payout_id=row.get("automatic_payout_id", ""),
            settled_on=_date(row.get("available_on_utc") or row.get("created_utc", "")),
            reference="", gateway_reference="",
            transaction_id=row.get("payment_intent_id", ""), gross=gross, fee=fee,
            net=net, currency=currency,
            is_charge=row["reporting_category"] == "charge")
    if not (row["reference"] or row["gateway_reference"]):
        raise ValueError("no reference")
    return ParsedLine(line_number=number, payout_id=row["payout_id"],
                      settled_on=_date(row["settled_on"]),
                      reference=row["reference"],
                      gateway_reference=row["gateway_reference"],
                      transaction_id="", gross=gross, fee=fee, net=net,
                      currency=currency, is_charge=gross >= 0)


def _find(gateway: str, line: ParsedLine) -> Payment | None:
    conditions = Q()
    if line.reference:
        conditions |= Q(reference=line.reference)
    if line.gateway_reference:
        conditions |= Q(gateway_reference=line.gateway_reference)
    if line.transaction_id:
        conditions |= Q(transaction_id=line.transaction_id)
    if not conditions:
        return None
    return Payment.objects.filter(conditions, gateway=gateway).first()


def settlement_import(*, gateway: str, file_name: str, content: bytes,
                      actor: str) -> SettlementReport:
    """Read a settlement CSV and reconcile it; all or nothing.

    Raises SettlementError (with the line numbers) for an unreadable file.
    Matched lines record the gateway's fee on the payment. Moves no money
    and never changes an order.
    """
    file_format, parsed = _parse(content)
    with transaction.atomic(durable=True):
        report = SettlementReport.objects.create(
            gateway=gateway, file_name=file_name[:255], file_format=file_format,
            uploaded_by=actor[:100],
            period_end=max((p.settled_on for p in parsed if p.settled_on),
                           default=None))
        settled_here: set[int] = set()
        for line in parsed:
            payment = _find(gateway, line)
            result, note = _judge(payment, line, settled_here)
            SettlementLine.objects.create(
                report=report, line_number=line.line_number, payout_id=line.payout_id,
                settled_on=line.settled_on, reference=line.reference,
                gateway_reference=line.gateway_reference or line.transaction_id,
                gross=line.gross, fee=line.fee, net=line.net, currency=line.currency,
                payment=payment, result=result, note=note)
            if payment is not None and result == R.MATCHED and line.is_charge:
                settled_here.add(payment.pk)
                Payment.objects.filter(pk=payment.pk).update(fee=line.fee)
        _add_never_settled(report, settled_here)
    return report


def _judge(payment: Payment | None, line: ParsedLine,
           settled_here: set[int]) -> tuple[str, str]:
    if payment is None:
        return R.UNMATCHED, _("No payment with this reference.")
    if not line.is_charge:
        return R.MATCHED, _("Refund or adjustment.")
    if payment.status not in SETTLED:
        return R.NOT_CAPTURED, _("Payment is %(status)s.") % {
            "status": payment.get_status_display()}
    if line.currency != payment.currency or line.gross != payment.amount:
        return R.AMOUNT_MISMATCH, _("Captured %(amount)s %(currency)s.") % {
            "amount": payment.amount, "currency": payment.currency}
    earlier = SettlementLine.objects.filter(payment=payment, result=R.MATCHED,
                                            gross__gte=0).exists()
    if payment.pk in settled_here or earlier:
        return R.DUPLICATE, _("This payment was already settled.")
    return R.MATCHED, ""


def _add_never_settled(report: SettlementReport, settled_here: set[int]) -> None:
    grace = timedelta(days=getattr(settings, "KEDAI_SETTLEMENT_GRACE_DAYS", 3))
    end = report.period_end
    zone = timezone.get_current_timezone()
    cutoff = (dt.datetime.combine(end, dt.time.max, tzinfo=zone)
              if end else timezone.now()) - grace
    missing = (Payment.objects.filter(gateway=report.gateway, status__in=SETTLED,
                                      captured_at__lte=cutoff)
               .exclude(pk__in=settled_here)
               .exclude(settlement_lines__result=R.MATCHED)
               .order_by("captured_at"))
    for payment in missing:
        SettlementLine.objects.create(
            report=report, line_number=0, reference=payment.reference,
            gateway_reference=payment.gateway_reference, gross=payment.amount,
            fee=Decimal("0.00"), net=Decimal("0.00"), currency=payment.currency,
            payment=payment, result=R.NEVER_SETTLED,
            note=_("Captured %(date)s, not in any settlement.")
            % {"date": payment.captured_at.date() if payment.captured_at else "?"})


def settlement_summary(*, report: SettlementReport) -> list[PayoutSummary]:
    """Gross, fees and net per payout (lines from the file only)."""
    payouts: dict[tuple[str, str], PayoutSummary] = {}
    problems: defaultdict[tuple[str, str], int] = defaultdict(int)
    for line in report.lines.all():
        if line.result == R.NEVER_SETTLED:
            continue
        key = (line.payout_id, line.currency)
        summary = payouts.setdefault(key, PayoutSummary(line.payout_id, line.currency))
        summary.gross += line.gross
        summary.fee += line.fee
        summary.net += line.net
        summary.lines += 1
        summary.results[line.result] = summary.results.get(line.result, 0) + 1
        if line.result != R.MATCHED:
            problems[key] += 1
    for key, count in problems.items():
        payouts[key].problems = count
    return sorted(payouts.values(), key=lambda s: (s.payout_id, s.currency))


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs text starting with these as a formula (SEC-15);
    # numbers (including negative amounts) are written as they are.
    if text and text[0] in "=+-@\t\r\0" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def settlement_export_csv(*, report: SettlementReport) -> str:
    """The reconciled report as CSV: every line with its result."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "payout_id", "settled_on", "reference",
                     "gateway_reference", "gross", "fee", "net", "currency",
                     "result", "payment", "note"])
    for line in report.lines.select_related("payment"):
        writer.writerow([_cell(v) for v in (
            line.line_number or "", line.payout_id, line.settled_on or "",
            line.reference, line.gateway_reference, line.gross, line.fee, line.net,
            line.currency, line.result,
            line.payment.reference if line.payment else "", line.note)])
    return out.getvalue()
