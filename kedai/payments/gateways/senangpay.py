"""senangPay: hosted payment form, HMAC-SHA256 (or MD5) hashes, status query.

Implements senangPay's developer documentation (developer.senangpay.my
"Generate Secure Hash"; guide.senangpay.my "Callback URL", "Query order
status"; repository ``senangpay/api_catalog``,
``integration-api/manual-integration-api-open-api/README.md``),
summarised in docs/payments.md:

* Hosts: ``app.senangpay.my`` (live), ``sandbox.senangpay.my`` (sandbox).
* Payment form: POST ``/payment/<merchant ID>`` with detail, amount
  ("25.50"), order_id, name, email, phone, hash.
* Request hash = HMAC-SHA256(key=secret, secret + detail + amount +
  order_id), hex — or md5 of the same string when the merchant's
  dashboard is set to the legacy MD5 hash (``OPTIONS["HASH_TYPE"] =
  "md5"``; the default is ``"hmac-sha256"``).
* Return and callback: status_id, order_id, transaction_id, msg, hash =
  HMAC-SHA256 (or md5) of secret + status_id + order_id + transaction_id
  + msg. ``status_id``: 1 successful, 0 failed, **2 pending
  authorisation** (api_catalog: "It only has 3 values"): a pending
  payment stays pending and is re-queried; the shopper is never told it
  failed. The URLs are set in senangPay's dashboard. Answer ``OK``.
* Query: ``GET /apiv1/query_order_status?merchant_id&order_id&hash`` with
  hash = HMAC-SHA256 (or md5) of merchant_id + secret + order_id; JSON
  ``{"status", "msg", "data": [{"payment_info": {"transaction_reference",
  "status", ...}}]}``. The reply documents no amount: when it carries
  none, the amount Kedai sent is the one confirmed.

The callback carries no amount, so a successful callback is confirmed by
a status query (``kedai.payments.callbacks``). senangPay has no refund
API: refunds are manual.
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
HOSTS = {"live": "https://app.senangpay.my", "sandbox": "https://sandbox.senangpay.my"}
# The simulator's secret is the one of senangPay's published hash example.
DEMO_SECRETS = {"SECRET_KEY": "53-784"}
HASH_TYPES = ("hmac-sha256", "md5")
STATUS_IDS = {"1": ResultStatus.CAPTURED, "0": ResultStatus.FAILED,
              "2": ResultStatus.PENDING}
QUERY_STATUSES = {"paid": ResultStatus.CAPTURED, "failed": ResultStatus.FAILED,
                  "pending": ResultStatus.PENDING}


def _hash(secret: str, text: str, hash_type: str = "hmac-sha256") -> str:
    if hash_type == "md5":
        return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - legacy mode
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def format_amount(amount: Money) -> str:
    return f"{quantize(amount.amount, amount.currency):.2f}"


def request_hash(secret: str, detail: str, amount: str, order_id: str,
                 hash_type: str = "hmac-sha256") -> str:
    """hash(secret + detail + amount + order_id)."""
    return _hash(secret, f"{secret}{detail}{amount}{order_id}", hash_type)


def response_hash(secret: str, status_id: str, order_id: str, transaction_id: str,
                  msg: str, hash_type: str = "hmac-sha256") -> str:
    """hash(secret + status_id + order_id + transaction_id + msg)."""
    return _hash(secret, f"{secret}{status_id}{order_id}{transaction_id}{msg}",
                 hash_type)


def query_hash(secret: str, merchant_id: str, order_id: str,
               hash_type: str = "hmac-sha256") -> str:
    """hash(merchant_id + secret + order_id)."""
    return _hash(secret, f"{merchant_id}{secret}{order_id}", hash_type)


def clean_detail(text: str) -> str:
    """``detail`` allows only A–Z a–z 0–9 . , - _ (spaces shown as ``_``)."""
    return _DETAIL_UNSAFE.sub("", text).replace(" ", "_")[:500]


class SenangPayGateway:
    """senangPay hosted payment form (FPX, cards)."""

    label = "senangPay (FPX online banking, cards)"
    min_query_interval = 60
    hosts = HOSTS
    demo_secrets = DEMO_SECRETS
    # No refund API: a refund is given back by hand in the gateway's
    # dashboard, and waits for the owner to confirm it.
    refunds_by_api = False
    required_options = ("MERCHANT_ID", "SECRET_KEY")

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.merchant_id: str = options["MERCHANT_ID"]
        self.secret: str = options["SECRET_KEY"]
        hash_type = str(options.get("HASH_TYPE") or "hmac-sha256").lower()
        self.hash_type = hash_type if hash_type in HASH_TYPES else "hmac-sha256"
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "senangpay", HOSTS) + path

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """The signed payment form. The return and callback URLs live in the
        senangPay dashboard: set them to /pay/return/senangpay/ and
        /pay/callback/senangpay/."""
        transport.sandbox_dashboard(
            self.options, "senangpay", callback_url=request.callback_url,
            return_url=request.callback_url.replace("/pay/callback/", "/pay/return/"),
            hash_type=self.hash_type)
        amount = format_amount(request.amount)
        detail = clean_detail(request.description)
        fields = (
            ("detail", detail),
            ("amount", amount),
            ("order_id", request.reference),
            ("name", request.customer_name[:100]),
            ("email", request.customer_email),
            ("phone", request.customer_phone),
            ("hash", request_hash(self.secret, detail, amount, request.reference,
                                  self.hash_type)),
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
        transport.refuse_demo_secrets(self.options, "senangpay", DEMO_SECRETS)
        expected = response_hash(self.secret, data["status_id"], data["order_id"],
                                 data["transaction_id"], data["msg"], self.hash_type)
        if not hmac.compare_digest(expected, data["hash"].lower()):
            raise CallbackRejected("senangpay: hash does not match", status=403)
        status = STATUS_IDS.get(data["status_id"])
        if status is None:
            raise CallbackRejected(
                f"senangpay: unknown status_id {data['status_id'][:10]!r}")
        # No amount: a success is confirmed by a status query, which the
        # payments service runs for any capture without an amount.
        return PaymentResult(status=status, reference=data["order_id"],
                             gateway_reference=data["transaction_id"],
                             transaction_id=data["transaction_id"],
                             message=data["msg"].replace("_", " ")[:255])

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify the hash. A success carries no amount: the caller must
        confirm it by a status query before applying it."""
        return self._verified(incoming.data)

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        return Acknowledgement("OK")

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        return self._verified(incoming.data)

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        query = urllib.parse.urlencode({
            "merchant_id": self.merchant_id, "order_id": reference,
            "hash": query_hash(self.secret, self.merchant_id, reference,
                               self.hash_type)})
        url = self._url(f"/apiv1/query_order_status?{query}")
        reply = transport.request("GET", url, timeout=self.timeout).json()
        return self.query_result(reply, reference=reference, amount=amount)

    def query_result(self, reply: Any, *, reference: str,
                     amount: Money) -> PaymentResult:
        """Read a query_order_status reply about ``reference``, for which
        Kedai sent ``amount``."""
        if not isinstance(reply, dict) or not reply.get("status"):
            raise GatewayError("senangpay: query refused")
        rows = reply.get("data") or []
        if not isinstance(rows, list):
            raise GatewayError("senangpay: query data is not a list")
        if not rows:
            return PaymentResult(status=ResultStatus.PENDING, reference=reference)
        row = rows[-1]
        info = row.get("payment_info") if isinstance(row, dict) else None
        if not isinstance(info, dict):
            raise GatewayError("senangpay: query row without payment_info")
        state = str(info.get("status", "")).strip().lower()
        status = QUERY_STATUSES.get(state)
        if status is None:
            raise GatewayError(f"senangpay: unknown status {state[:20]!r}")
        paid = amount
        if info.get("amount") not in (None, ""):
            try:
                value = Decimal(str(info["amount"]).replace(",", ""))
            except InvalidOperation as exc:
                raise GatewayError("senangpay: query amount unreadable") from exc
            if not value.is_finite():
                raise GatewayError("senangpay: query amount unreadable")
            paid = Money(value, amount.currency)
        transaction = str(info.get("transaction_reference") or "")
        return PaymentResult(status=status, reference=reference,
                             gateway_reference=transaction, transaction_id=transaction,
                             amount=paid if status == ResultStatus.CAPTURED else None)

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        return None

    def signed_test_callback(self) -> Incoming:
        """A failure callback signed with the configured secret, for the
        go-live self-test."""
        data = {"status_id": "0", "order_id": "KEDAI-SELFTEST",
                "transaction_id": "1", "msg": "Self_test"}
        data["hash"] = response_hash(self.secret, "0", "KEDAI-SELFTEST", "1",
                                     "Self_test", self.hash_type)
        return Incoming(method="POST", data=data)
