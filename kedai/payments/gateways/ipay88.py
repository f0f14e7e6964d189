"""iPay88 Malaysia (OPSG): hosted payment page, SHA-256 signatures.

Implements the iPay88 Technical Specification (MT) v1.0.6 (pp. 10, 26,
28, 39–40), summarised in docs/payments.md:

* Entry: browser form POST to ``/epayment/entry.asp`` with MerchantCode,
  PaymentId, RefNo, Amount ("1,278.99" style, 2 decimals), Currency,
  ProdDesc, UserName, UserEmail, UserContact, Remark, Lang,
  SignatureType=SHA256, Signature, ResponseURL, BackendURL.
* Request signature: SHA256(MerchantKey + MerchantCode + RefNo + Amount
  + Currency), hex, Amount with "." and "," removed.
* Response (ResponseURL, browser; BackendURL, server, success only):
  SHA256(MerchantKey + MerchantCode + PaymentId + RefNo + Amount +
  Currency + Status); Status "1" success, "0" fail.
* The backend page answers ``RECEIVEOK`` (otherwise iPay88 re-posts).
* Re-query: POST MerchantCode, RefNo, Amount to ``/epayment/enquiry.asp``;
  plain-text reply "00" (paid), "Invalid parameters", "Record not
  found", "Incorrect amount", "Payment fail", "M88Admin".

iPay88 publishes no refund API for this integration: refunds are manual.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kedai.core.money import Money, quantize
from kedai.payments.exceptions import CallbackRejected, GatewayError
from kedai.payments.gateways import transport
from kedai.payments.ports import (
    Acknowledgement,
    Incoming,
    PaymentRequest,
    PaymentResult,
    Redirect,
    RefundResult,
    ResultStatus,
)


def format_amount(amount: Money) -> str:
    """The form's Amount: two decimals with a thousands separator, "1,278.99"."""
    return f"{quantize(amount.amount, amount.currency):,.2f}"


def _digits(amount: str) -> str:
    # The spec signs the amount with "." and "," removed: "1,278.99" → 127899.
    return amount.replace(".", "").replace(",", "")


def request_signature(merchant_key: str, merchant_code: str, ref_no: str,
                      amount: str, currency: str) -> str:
    """SHA256(MerchantKey + MerchantCode + RefNo + Amount + Currency), hex."""
    source = f"{merchant_key}{merchant_code}{ref_no}{_digits(amount)}{currency}"
    return hashlib.sha256(source.encode()).hexdigest()


def response_signature(merchant_key: str, merchant_code: str, payment_id: str,
                       ref_no: str, amount: str, currency: str, status: str) -> str:
    """SHA256(MerchantKey + MerchantCode + PaymentId + RefNo + Amount +
    Currency + Status), hex."""
    source = (f"{merchant_key}{merchant_code}{payment_id}{ref_no}"
              f"{_digits(amount)}{currency}{status}")
    return hashlib.sha256(source.encode()).hexdigest()


def parse_amount(value: str, currency: str) -> Money:
    try:
        return Money(Decimal(value.replace(",", "")), currency)
    except (InvalidOperation, ValueError) as exc:
        raise CallbackRejected(f"ipay88: amount {value!r} is not a number") from exc


QUERY_REPLIES = {
    "00": ResultStatus.CAPTURED,
    "Payment fail": ResultStatus.FAILED,
    # Not seen by iPay88 yet: the shopper has not paid (or gave up).
    "Record not found": ResultStatus.PENDING,
}


class IPay88Gateway:
    """iPay88 hosted payment page (cards, FPX, e-wallets)."""

    label = "iPay88 (cards, FPX online banking, e-wallets)"
    min_query_interval = 60

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.merchant_code: str = options["MERCHANT_CODE"]
        self.merchant_key: str = options["MERCHANT_KEY"]
        self.payment_id: str = str(options.get("PAYMENT_ID", ""))
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "ipay88") + path

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """The signed entry form; iPay88 needs no server call to start."""
        amount = format_amount(request.amount)
        currency = request.amount.currency
        fields = (
            ("MerchantCode", self.merchant_code),
            ("PaymentId", self.payment_id),
            ("RefNo", request.reference),
            ("Amount", amount),
            ("Currency", currency),
            ("ProdDesc", request.description[:100]),
            ("UserName", request.customer_name[:100]),
            ("UserEmail", request.customer_email[:100]),
            ("UserContact", request.customer_phone[:20]),
            ("Remark", request.order_number),
            ("Lang", "UTF-8"),
            ("SignatureType", "SHA256"),
            ("Signature", request_signature(self.merchant_key, self.merchant_code,
                                            request.reference, amount, currency)),
            ("ResponseURL", request.return_url),
            ("BackendURL", request.callback_url),
        )
        # The RefNo is the reference until iPay88 assigns a TransId.
        return Redirect(url=self._url("/epayment/entry.asp"), method="POST",
                        fields=fields)

    def _verified(self, data: Mapping[str, str]) -> PaymentResult:
        required = ("MerchantCode", "PaymentId", "RefNo", "Amount", "Currency",
                    "Status")
        missing = [name for name in required if name not in data]
        if not data.get("Signature"):
            raise CallbackRejected("ipay88: missing Signature", status=403)
        if missing:
            raise CallbackRejected(f"ipay88: missing {', '.join(missing)}")
        expected = response_signature(
            self.merchant_key, data["MerchantCode"], data["PaymentId"],
            data["RefNo"], data["Amount"], data["Currency"], data["Status"])
        if not hmac.compare_digest(expected, data["Signature"].lower()):
            raise CallbackRejected("ipay88: Signature does not match", status=403)
        if data["MerchantCode"] != self.merchant_code:
            raise CallbackRejected("ipay88: another merchant's payment")
        status = (ResultStatus.CAPTURED if data["Status"] == "1"
                  else ResultStatus.FAILED)
        return PaymentResult(status=status, reference=data["RefNo"],
                             gateway_reference=data.get("TransId", ""),
                             transaction_id=data.get("TransId", ""),
                             amount=parse_amount(data["Amount"], data["Currency"]),
                             message=data.get("ErrDesc", "")[:255])

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify a backend post (sent for successful payments only)."""
        return self._verified(incoming.data)

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        return Acknowledgement("RECEIVEOK")

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify the ResponseURL post (same fields and signature)."""
        return self._verified(incoming.data)

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        """Re-query: "00" means paid for exactly this RefNo and Amount."""
        reply = transport.request(
            "POST", self._url("/epayment/enquiry.asp"),
            form={"MerchantCode": self.merchant_code, "RefNo": reference,
                  "Amount": format_amount(amount)},
            timeout=self.timeout).text.strip()
        status = QUERY_REPLIES.get(reply)
        if status is None:
            # "Incorrect amount", "Invalid parameters", "M88Admin": nothing to
            # apply automatically; the owner looks at the log.
            raise GatewayError(f"ipay88: re-query answered {reply[:60]!r}")
        # iPay88 confirmed *our* amount; the reply carries no other figures.
        return PaymentResult(status=status, reference=reference, amount=amount,
                             gateway_reference=gateway_reference, message=reply)

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        return None  # refunds are requested in the iPay88 merchant portal
