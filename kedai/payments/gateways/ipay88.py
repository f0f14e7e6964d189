"""iPay88 Malaysia (OPSG): hosted payment page, SHA-256 or HMAC-SHA512 signatures.

Implements the iPay88 Technical Specification (MT) v1.0.6 (pp. 10, 26,
28, 39–40) and, for HMAC-SHA512, the OPSG specification v1.6.4.4 as
implemented by the omnipay-ipay88 forks (repository
``masdimdev/omnipay-ipay88``, ``src/Message/AbstractRequest.php``,
``PurchaseRequest.php``, ``src/Enum/ErrorDescription.php``), summarised
in docs/payments.md:

* Hosts: ``payment.ipay88.com.my`` (live), ``sandbox.ipay88.com.my``
  (sandbox; iPay88 issues demo accounts on request).

* Entry: browser form POST to ``/epayment/entry.asp`` with MerchantCode,
  PaymentId, RefNo, Amount ("1,278.99" style, 2 decimals), Currency,
  ProdDesc, UserName, UserEmail, UserContact, Remark, Lang,
  SignatureType (SHA256 or HMACSHA512, ``OPTIONS["SIGNATURE_TYPE"]``),
  Signature, ResponseURL, BackendURL.
* Request signature: SHA256(MerchantKey + MerchantCode + RefNo + Amount
  + Currency), hex, Amount with "." and "," removed; HMACSHA512 signs the
  same string with HMAC-SHA512 keyed by the MerchantKey.
* Response (ResponseURL, browser; BackendURL, server, success only):
  the same hash of MerchantKey + MerchantCode + PaymentId + RefNo +
  Amount + Currency + Status; Status "1" success, "0" fail. Because only
  the amount's digits are signed, the Amount must be exactly the
  2-decimal form ("1,278.99" or "1278.99"): "127899" or "12789.9" carry
  the same signature and are refused (issue 13, defect 20).
* The backend page answers ``RECEIVEOK`` (otherwise iPay88 re-posts).
* Re-query: POST MerchantCode, RefNo, Amount to ``/epayment/enquiry.asp``;
  plain-text reply "00" (paid), "Payment fail", "M88Admin" (failed);
  "Record not found", "Payment Pending", "Payment In Progress" /
  "haven't paid" (still pending); "Invalid parameters", "Incorrect
  amount" (nothing to apply).

iPay88 publishes no refund API for this integration: refunds are manual.
"""

from __future__ import annotations

import hashlib
import hmac
import re
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

HOSTS = {"live": "https://payment.ipay88.com.my",
         "sandbox": "https://sandbox.ipay88.com.my"}
# iPay88's published signature example uses merchant code M00003 with key
# "apple": the simulator's account, never valid outside the sandbox.
DEMO_SECRETS = {"MERCHANT_KEY": "apple"}
SIGNATURE_TYPES = ("SHA256", "HMACSHA512")
# An Amount as iPay88 echoes it: exactly two decimals, thousands
# separated by commas or not at all.
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}$")


def format_amount(amount: Money) -> str:
    """The form's Amount: two decimals with a thousands separator, "1,278.99"."""
    return f"{quantize(amount.amount, amount.currency):,.2f}"


def _digits(amount: str) -> str:
    # The spec signs the amount with "." and "," removed: "1,278.99" → 127899.
    return amount.replace(".", "").replace(",", "")


def _sign(merchant_key: str, source: str, signature_type: str) -> str:
    if signature_type == "HMACSHA512":
        return hmac.new(merchant_key.encode(), source.encode(),
                        hashlib.sha512).hexdigest()
    return hashlib.sha256(source.encode()).hexdigest()


def request_signature(merchant_key: str, merchant_code: str, ref_no: str,
                      amount: str, currency: str,
                      signature_type: str = "SHA256") -> str:
    """Hash of MerchantKey + MerchantCode + RefNo + Amount + Currency, hex."""
    source = f"{merchant_key}{merchant_code}{ref_no}{_digits(amount)}{currency}"
    return _sign(merchant_key, source, signature_type)


def response_signature(merchant_key: str, merchant_code: str, payment_id: str,
                       ref_no: str, amount: str, currency: str, status: str,
                       signature_type: str = "SHA256") -> str:
    """Hash of MerchantKey + MerchantCode + PaymentId + RefNo + Amount +
    Currency + Status, hex."""
    source = (f"{merchant_key}{merchant_code}{payment_id}{ref_no}"
              f"{_digits(amount)}{currency}{status}")
    return _sign(merchant_key, source, signature_type)


def parse_amount(value: str, currency: str) -> Money:
    """An echoed Amount; refused unless in the exact 2-decimal form, since
    the signature covers only its digits (13.20)."""
    if not _AMOUNT.match(value):
        raise CallbackRejected(f"ipay88: amount {value[:20]!r} is not in the "
                               "2-decimal form signed for")
    try:
        return Money(Decimal(value.replace(",", "")), currency)
    except (InvalidOperation, ValueError) as exc:
        raise CallbackRejected(
            f"ipay88: amount {value[:20]!r} is not a number") from exc


QUERY_REPLIES = {
    "00": ResultStatus.CAPTURED,
    "payment fail": ResultStatus.FAILED,
    # "Payment status updated by iPay88 Admin (Failed)".
    "m88admin": ResultStatus.FAILED,
    # Not seen by iPay88 yet, or not paid yet: the shopper may still pay
    # (FPX, bank transfer at an ATM), so the payment stays pending.
    "record not found": ResultStatus.PENDING,
    "payment pending": ResultStatus.PENDING,
    "payment in progress": ResultStatus.PENDING,
    "haven't paid": ResultStatus.PENDING,
    "havent paid": ResultStatus.PENDING,
}


def query_status(reply: str) -> ResultStatus | None:
    """What an enquiry.asp reply means, or None for one that says nothing
    about the payment ("Invalid parameters", "Incorrect amount")."""
    text = " ".join(reply.replace("\u2019", "'").split()).lower()
    return QUERY_REPLIES.get(text)


class IPay88Gateway:
    """iPay88 hosted payment page (cards, FPX, e-wallets)."""

    label = "iPay88 (cards, FPX online banking, e-wallets)"
    min_query_interval = 60
    hosts = HOSTS
    demo_secrets = DEMO_SECRETS
    # No refund API: a refund is given back by hand in the gateway's
    # dashboard, and waits for the owner to confirm it.
    refunds_by_api = False
    required_options = ("MERCHANT_CODE", "MERCHANT_KEY")

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.merchant_code: str = options["MERCHANT_CODE"]
        self.merchant_key: str = options["MERCHANT_KEY"]
        self.payment_id: str = str(options.get("PAYMENT_ID", ""))
        signature_type = str(options.get("SIGNATURE_TYPE") or "SHA256").upper()
        self.signature_type = (signature_type if signature_type in SIGNATURE_TYPES
                               else "SHA256")
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "ipay88", HOSTS) + path

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
            ("SignatureType", self.signature_type),
            ("Signature", request_signature(self.merchant_key, self.merchant_code,
                                            request.reference, amount, currency,
                                            self.signature_type)),
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
        transport.refuse_demo_secrets(self.options, "ipay88", DEMO_SECRETS)
        expected = response_signature(
            self.merchant_key, data["MerchantCode"], data["PaymentId"],
            data["RefNo"], data["Amount"], data["Currency"], data["Status"],
            self.signature_type)
        if not hmac.compare_digest(expected, data["Signature"].lower()):
            raise CallbackRejected("ipay88: Signature does not match", status=403)
        if data["MerchantCode"] != self.merchant_code:
            raise CallbackRejected("ipay88: another merchant's payment")
        status = {"1": ResultStatus.CAPTURED,
                  "0": ResultStatus.FAILED}.get(data["Status"])
        if status is None:
            raise CallbackRejected(f"ipay88: unknown Status {data['Status'][:10]!r}")
        # Checked before anything is looked up: a signed but re-formatted
        # Amount is a replay, not news about the payment (13.20).
        amount = parse_amount(data["Amount"], data["Currency"])
        return PaymentResult(status=status, reference=data["RefNo"],
                             gateway_reference=data.get("TransId", ""),
                             transaction_id=data.get("TransId", ""),
                             amount=amount, message=data.get("ErrDesc", "")[:255])

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
        status = query_status(reply)
        if status is None:
            # "Incorrect amount", "Invalid parameters", "M88Admin": nothing to
            # apply automatically; the owner looks at the log.
            raise GatewayError(f"ipay88: re-query answered {reply[:60]!r}")
        # iPay88 confirmed *our* amount; the reply carries no other figures.
        return PaymentResult(status=status, reference=reference, amount=amount,
                             gateway_reference=gateway_reference, message=reply[:255])

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        return None  # refunds are requested in the iPay88 merchant portal

    def signed_test_callback(self) -> Incoming:
        """A failure response signed with the configured key, for the
        go-live self-test."""
        data = {"MerchantCode": self.merchant_code, "PaymentId": "2",
                "RefNo": "KEDAI-SELFTEST", "Amount": "1.00", "Currency": "MYR",
                "Status": "0", "TransId": "T0", "ErrDesc": "Self test"}
        data["Signature"] = response_signature(
            self.merchant_key, self.merchant_code, "2", "KEDAI-SELFTEST", "1.00",
            "MYR", "0", self.signature_type)
        return Incoming(method="POST", data=data)
