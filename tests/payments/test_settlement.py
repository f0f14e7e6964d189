"""Settlement reconciliation: match payout lines to payments, flag the rest."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kedai.payments.models import Payment, SettlementLine
from kedai.payments.settlement import (
    SettlementError,
    settlement_export_csv,
    settlement_import,
    settlement_summary,
)
from tests.payments.conftest import captured_payment

pytestmark = pytest.mark.django_db
R = SettlementLine.Result
HEADER = "payout_id,settled_on,reference,gateway_reference,gross,fee,net,currency\n"


def _billplz_payments(n):
    return [captured_payment("billplz")[1] for _ in range(n)]


def test_billplz_report_is_matched_and_flagged(gateways):
    first, second, never = _billplz_payments(3)
    Payment.objects.filter(pk=never.pk).update(
        captured_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate().isoformat()
    csv = (HEADER
           + f"PO-1,{today},{first.reference},,100.00,1.50,98.50,MYR\n"
           + f"PO-1,{today},,{second.gateway_reference},90.00,1.35,88.65,MYR\n"
           + f"PO-1,{today},=HYPERLINK(1),,25.00,0.50,24.50,MYR\n"
           + f"PO-2,{today},{first.reference},,100.00,1.50,98.50,MYR\n")
    report = settlement_import(gateway="billplz", file_name="payout.csv",
                               content=csv.encode(), actor="owner")
    results = {(line.line_number, line.result) for line in report.lines.all()}
    assert results == {(2, R.MATCHED), (3, R.AMOUNT_MISMATCH), (4, R.UNMATCHED),
                       (5, R.DUPLICATE), (0, R.NEVER_SETTLED)}
    assert report.lines.get(result=R.NEVER_SETTLED).payment_id == never.pk
    first.refresh_from_db()
    assert first.fee == Decimal("1.50")
    payouts = {p.payout_id: p for p in settlement_summary(report=report)}
    assert payouts["PO-1"].gross == Decimal("215.00")
    assert payouts["PO-1"].fee == Decimal("3.35")
    assert payouts["PO-1"].net == Decimal("211.65")
    assert payouts["PO-1"].problems == 2 and payouts["PO-2"].problems == 1
    exported = settlement_export_csv(report=report)
    assert "amount_mismatch" in exported and "never_settled" in exported
    assert "'=HYPERLINK(1)" in exported  # formula escaped (SEC-15)


def test_second_report_does_not_settle_a_payment_twice(gateways):
    (payment,) = _billplz_payments(1)
    line = f"PO-1,2026-11-20,{payment.reference},,100.00,1.50,98.50,MYR\n"
    settlement_import(gateway="billplz", file_name="a.csv",
                      content=(HEADER + line).encode(), actor="owner")
    again = settlement_import(gateway="billplz", file_name="b.csv",
                              content=(HEADER + line).encode(), actor="owner")
    assert again.lines.get().result == R.DUPLICATE


def test_stripe_itemized_payout_report(gateways):
    placed, payment = captured_payment("stripe")
    csv = ("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,"
           "net,reporting_category,source_id,description,payment_intent_id,"
           "automatic_payout_id\n"
           f"txn_1,2026-11-20 10:00:00,2026-11-22 00:00:00,myr,100.00,3.20,96.80,"
           f"charge,ch_1,Order,{payment.transaction_id},po_1\n"
           f"txn_2,2026-11-21 10:00:00,2026-11-22 00:00:00,myr,-20.00,0.00,-20.00,"
           f"refund,re_1,Refund,{payment.transaction_id},po_1\n")
    report = settlement_import(gateway="stripe", file_name="po_1.csv",
                               content=csv.encode(), actor="owner")
    assert report.file_format == "stripe"
    assert [line.result for line in report.lines.all()] == [R.MATCHED, R.MATCHED]
    (summary,) = settlement_summary(report=report)
    assert (summary.payout_id, summary.gross, summary.fee, summary.net) == (
        "po_1", Decimal("80.00"), Decimal("3.20"), Decimal("76.80"))
    payment.refresh_from_db()
    assert payment.fee == Decimal("3.20")


def test_unreadable_files_import_nothing(gateways):
    with pytest.raises(SettlementError):
        settlement_import(gateway="billplz", file_name="x.csv",
                          content="\xff\xfe".encode("latin-1"), actor="owner")
    with pytest.raises(SettlementError):
        settlement_import(gateway="billplz", file_name="x.csv",
                          content=b"a,b\n1,2\n", actor="owner")
    bad = HEADER + "PO,2026-11-20,KD-1,,12.5x,0,0,MYR\nPO,2026-13-40,KD-2,,1,0,1,MYR\n"
    with pytest.raises(SettlementError) as error:
        settlement_import(gateway="billplz", file_name="x.csv", content=bad.encode(),
                          actor="owner")
    assert error.value.extra["errors"] == [2, 3]
    assert SettlementLine.objects.count() == 0


def test_bom_is_accepted(gateways):
    report = settlement_import(
        gateway="billplz", file_name="x.csv",
        content=("\ufeff" + HEADER + "PO,2026-11-20,KD-NONE,,1.00,0,1.00,MYR\n")
        .encode(), actor="owner")
    assert report.lines.get().result == R.UNMATCHED
