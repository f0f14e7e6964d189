"""senangPay: hosted payment form, HMAC-SHA256 hashes, order status query.

Implements senangPay's developer documentation (developer.senangpay.my
"Generate Secure Hash"; guide.senangpay.my "Callback URL", "Query order
status"), summarised in docs/payments.md:

* Payment form: POST ``/payment/<merchant ID>`` with detail, amount
  ("25.50"), order_id, name, email, phone, hash.
* Request hash = HMAC-SHA256(key=secret, secret + detail + amount +
  order_id), hex (the dashboard's "HMAC-SHA256" setting; not legacy MD5).
* Return and callback: status_id (1 success, 0 fail), order_id,
  transaction_id, msg, hash = HMAC-SHA256(key=secret, secret + status_id
  + order_id + transaction_id + msg). The return and callback URLs are set
  in senangPay's dashboard, not per payment. Answer ``OK``.
* Query: ``GET /apiv1/query_order_status?merchant_id&order_id&hash`` with
  hash = HMAC-SHA256(key=secret, merchant_id + secret + order_id); JSON.

The callback carries no amount, so a successful callback is confirmed by
a status query that does (the amount check of the payments service then
applies). senangPay has no refund API: refunds are manual.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.parse
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

_DETAIL_UNSAFE = re.compile(r"[^A-Za-z0-9.,\-_ ]")


def _hmac(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def format_amount(amount: Money) -> str:
    return f"{quantize(amount.amount, amount.currency):.2f}"


def request_hash(secret: str, detail: str, amount: str, order_id: str) -> str:
    """HMAC-SHA256(secret, secret + detail + amount + order_id)."""
    return _hmac(secret, f"{secret}{detail}{amount}{order_id}")


def response_hash(secret: str, status_id: str, order_id: str, transaction_id: str,
                  msg: str) -> str:
    """HMAC-SHA256(secret, secret + status_id + order_id + transaction_id + msg)."""
    return _hmac(secret, f"{secret}{status_id}{order_id}{transaction_id}{msg}")


def query_hash(secret: str, merchant_id: str, order_id: str) -> str:
    """HMAC-SHA256(secret, merchant_id + secret + order_id)."""
    return _hmac(secret, f"{merchant_id}{secret}{order_id}")


def clean_detail(text: str) -> str:
    """``detail`` allows only A–Z a–z 0–9 . , - _ (spaces shown as ``_``)."""
    return _DETAIL_UNSAFE.sub("", text).replace(" ", "_")[:500]


class SenangPayGateway:
    """senangPay hosted payment form (FPX, cards)."""

    label = "senangPay (FPX online banking, cards)"
    min_query_interval = 60

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.merchant_id: str = options["MERCHANT_ID"]
        self.secret: str = options["SECRET_KEY"]
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "senangpay") + path

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """The signed payment form. The return and callback URLs live in the
        senangPay dashboard: set them to /pay/return/senangpay/ and
        /pay/callback/senangpay/."""
        transport.sandbox_dashboard(
            self.options, "senangpay", callback_url=request.callback_url,
            return_url=request.callback_url.replace("/pay/callback/", "/pay/return/"))
        amount = format_amount(request.amount)
        detail = clean_detail(request.description)
        fields = (
            ("detail", detail),
            ("amount", amount),
            ("order_id", request.reference),
            ("name", request.customer_name[:100]),
            ("email", request.customer_email),
            ("phone", request.customer_phone),
            ("hash", request_hash(self.secret, detail, amount, request.reference)),
        )
        return Redirect(url=self._url(f"/payment/{self.merchant_id}"), method="POST",
                        fields=fields)

    def _verified(self, data: Mapping[str, str]) -> PaymentResult:
        if not data.get("hash"):
            raise CallbackRejected("senangpay: missing hash", status=403)
        missing = [k for k in ("status_id", "order_id", "transaction_id", "msg")
                   if k not in data]
        if missing:
            raise CallbackRejected(f"senangpay: missing {', '.join(missing)}")
        expected = response_hash(self.secret, data["status_id"], data["order_id"],
                                 data["transaction_id"], data["msg"])
        if not hmac.compare_digest(expected, data["hash"].lower()):
            raise CallbackRejected("senangpay: hash does not match", status=403)
        status = (ResultStatus.CAPTURED if data["status_id"] == "1"
                  else ResultStatus.FAILED)
        return PaymentResult(status=status, reference=data["order_id"],
                             gateway_reference=data["transaction_id"],
                             transaction_id=data["transaction_id"],
                             message=data["msg"].replace("_", " ")[:255])

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify the hash; confirm a success (and its amount) by a query."""
        result = self._verified(incoming.data)
        if result.status != ResultStatus.CAPTURED:
            return result
        try:
            confirmed = self._query(result.reference)
        except GatewayError as exc:
            # Answer 503: senangPay sends the callback again later.
            raise CallbackRejected(f"senangpay: confirming query failed: {exc}",
                                   status=503) from exc
        if confirmed.gateway_reference != result.gateway_reference:
            raise CallbackRejected("senangpay: query names another transaction")
        return confirmed

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        return Acknowledgement("OK")

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        return self._verified(incoming.data)

    def _query(self, order_id: str) -> PaymentResult:
        query = urllib.parse.urlencode({
            "merchant_id": self.merchant_id, "order_id": order_id,
            "hash": query_hash(self.secret, self.merchant_id, order_id)})
        url = self._url(f"/apiv1/query_order_status?{query}")
        reply = transport.request("GET", url, timeout=self.timeout).json()
        if not isinstance(reply, dict) or not reply.get("status"):
            raise GatewayError("senangpay: query refused")
        rows = reply.get("data") or []
        if not rows:
            return PaymentResult(status=ResultStatus.PENDING, reference=order_id)
        info = rows[-1].get("payment_info", {})
        state = str(info.get("status", "")).lower()
        status = {"paid": ResultStatus.CAPTURED, "failed": ResultStatus.FAILED,
                  "pending": ResultStatus.PENDING}.get(state)
        if status is None:
            raise GatewayError(f"senangpay: unknown status {state!r}")
        try:
            amount = Money(Decimal(str(info["amount"])), "MYR")
        except (KeyError, InvalidOperation, ValueError) as exc:
            raise GatewayError("senangpay: query without amount") from exc
        reference = str(info.get("transaction_reference", ""))
        return PaymentResult(status=status, reference=order_id,
                             gateway_reference=reference, transaction_id=reference,
                             amount=amount)

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        return self._query(reference)

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        return None
