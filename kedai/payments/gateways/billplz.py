"""Billplz API v3: bills on Billplz's hosted page, X-Signature callbacks.

Implements Billplz API v3 as documented in Billplz's own API docs
(repository ``Billplz/api_slate``, ``source/index.html.md``, Dec 2025;
https://www.billplz.com/api), summarised in docs/payments.md:

* Create a bill: ``POST /api/v3/bills`` with HTTP Basic (API secret key
  as user name, empty password); ``amount`` in integer sen.
* Callback: form POST of the bill with ``x_signature``; answer HTTP 200.
* Redirect: ``billplz[id]``, ``billplz[paid]``, ``billplz[paid_at]``,
  ``billplz[x_signature]`` in the query string.
* X-Signature: every ``key + value`` except ``x_signature`` (nested keys
  flattened, ``billplz[id]`` → ``billplzid``), sorted case-insensitively,
  joined with ``|``, HMAC-SHA256 with the X Signature Key, hex.
* Status: ``GET /api/v3/bills/{id}`` (the "Get a Bill" re-query).
* Hosts: ``www.billplz.com`` (live), ``www.billplz-sandbox.com`` (sandbox).
* A paid bill may say ``paid_amount`` 0 (as in Billplz's own callback and
  Get-a-Bill examples): it is judged by ``amount``, and a callback saying
  so is confirmed by the Get-a-Bill re-query before it is applied.

Billplz has no refund API in v3: refunds are manual.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
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

_NESTED = re.compile(r"^(\w+)\[(\w+)\]$")
HOSTS = {"live": "https://www.billplz.com", "sandbox": "https://www.billplz-sandbox.com"}
# Billplz's own published example X Signature Key: the simulator's.
DEMO_SECRETS = {"X_SIGNATURE_KEY": "S-s7b4yWpp9h7rrkNM1i3Z_g"}


def x_signature_source(data: Mapping[str, str]) -> str:
    """The string Billplz signs: sorted ``key+value`` elements, ``|``-joined."""
    elements = []
    for key, value in data.items():
        if key in ("x_signature", "billplz[x_signature]"):
            continue
        nested = _NESTED.match(key)
        flat = f"{nested[1]}{nested[2]}" if nested else key
        elements.append(f"{flat}{value}")
    return "|".join(sorted(elements, key=str.lower))


def x_signature(data: Mapping[str, str], key: str) -> str:
    """HMAC-SHA256 (hex) of :func:`x_signature_source` with the X Signature Key."""
    return hmac.new(key.encode(), x_signature_source(data).encode(),
                    hashlib.sha256).hexdigest()


def to_sen(amount: Money) -> int:
    """Billplz amounts are integer sen: RM2.00 → 200 (quantised first)."""
    return int(quantize(amount.amount, amount.currency) * 100)


def _paid_amount(bill: Mapping[str, Any]) -> str:
    """The bill's paid_amount in sen, "" when absent or 0."""
    value = str(bill.get("paid_amount") or "").strip()
    return "" if value in ("", "0") else value


def from_sen(value: str, currency: str = "MYR") -> Money:
    if not str(value).isdigit():
        raise CallbackRejected(f"billplz: amount {value!r} is not whole sen")
    return Money(Decimal(value) / 100, currency)


class BillplzGateway:
    """Billplz bills (FPX online banking and cards) on Billplz's page."""

    label = "Billplz (FPX online banking, cards)"
    min_query_interval = 60  # Get-a-Bill is rate limited; do not poll
    hosts = HOSTS
    demo_secrets = DEMO_SECRETS
    # No refund API: a refund is given back by hand in the gateway's
    # dashboard, and waits for the owner to confirm it.
    refunds_by_api = False
    required_options = ("API_KEY", "COLLECTION_ID", "X_SIGNATURE_KEY")

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.api_key: str = options["API_KEY"]
        self.collection_id: str = options["COLLECTION_ID"]
        self.signature_key: str = options["X_SIGNATURE_KEY"]
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "billplz", HOSTS) + path

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """Create a bill; the shopper pays at its ``url``. No money moves."""
        form = {
            "collection_id": self.collection_id,
            "email": request.customer_email,
            "mobile": request.customer_phone,
            "name": request.customer_name[:255],
            "amount": str(to_sen(request.amount)),
            "callback_url": request.callback_url,
            "redirect_url": request.return_url,
            "description": request.description[:200],
            "reference_1_label": "Order",
            "reference_1": request.order_number[:120],
            "reference_2_label": "Payment",
            "reference_2": request.reference[:120],
        }
        reply = transport.request("POST", self._url("/api/v3/bills"), form=form,
                                  basic_auth=(self.api_key, ""),
                                  timeout=self.timeout).json()
        if not isinstance(reply, dict) or not reply.get("id") or not reply.get("url"):
            raise GatewayError("billplz: create bill answered without id/url")
        return Redirect(url=str(reply["url"]), gateway_reference=str(reply["id"]))

    def _verify(self, data: Mapping[str, str], signature: str) -> None:
        if not signature:
            raise CallbackRejected("billplz: missing x_signature", status=403)
        transport.refuse_demo_secrets(self.options, "billplz", DEMO_SECRETS)
        expected = x_signature(data, self.signature_key)
        if not hmac.compare_digest(expected, signature.lower()):
            raise CallbackRejected("billplz: x_signature does not match", status=403)

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify a callback's X-Signature and read the bill from it. A
        paid bill without a paid_amount gives no amount: the caller
        confirms it with Get a Bill."""
        data = incoming.data
        self._verify(data, data.get("x_signature", ""))
        for name in ("id", "collection_id", "paid", "state", "amount"):
            if name not in data:
                raise CallbackRejected(f"billplz: callback without {name}")
        if data["collection_id"] != self.collection_id:
            raise CallbackRejected("billplz: bill of another collection")
        result = self._result(data)
        if result.status == ResultStatus.CAPTURED and not _paid_amount(data):
            return replace(result, amount=None)
        return result

    def _result(self, bill: Mapping[str, Any]) -> PaymentResult:
        paid = str(bill.get("paid")).lower() == "true"
        if paid:
            status = ResultStatus.CAPTURED
            # paid_amount 0 on a paid bill (Billplz's own example): the
            # bill's amount is what was paid.
            amount = from_sen(str(_paid_amount(bill) or bill["amount"]))
        else:
            failed = bill.get("transaction_status") == "failed"
            deleted = bill.get("state") == "deleted"
            status = (ResultStatus.CANCELLED if deleted else
                      ResultStatus.FAILED if failed else ResultStatus.PENDING)
            amount = from_sen(str(bill["amount"]))
        return PaymentResult(status=status, gateway_reference=str(bill["id"]),
                             transaction_id=str(bill.get("transaction_id") or ""),
                             amount=amount, message=str(bill.get("state", ""))[:255])

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        return Acknowledgement("OK")  # Billplz only needs HTTP 200

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        """Verify the redirect's ``billplz[x_signature]``."""
        data = {k: v for k, v in incoming.data.items() if k.startswith("billplz[")}
        self._verify(data, data.get("billplz[x_signature]", ""))
        if "billplz[id]" not in data:
            raise CallbackRejected("billplz: redirect without billplz[id]")
        paid = data.get("billplz[paid]") == "true"
        return PaymentResult(
            status=ResultStatus.CAPTURED if paid else ResultStatus.PENDING,
            gateway_reference=data["billplz[id]"])

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        """Get a Bill: the bill's current state from Billplz."""
        if not gateway_reference:
            raise GatewayError("billplz: no bill id to query")
        bill = transport.request("GET", self._url(f"/api/v3/bills/{gateway_reference}"),
                                 basic_auth=(self.api_key, ""),
                                 timeout=self.timeout).json()
        if not isinstance(bill, dict) or "id" not in bill or "amount" not in bill:
            raise GatewayError("billplz: get bill answered without id/amount")
        if bill.get("collection_id") not in (None, self.collection_id):
            raise GatewayError("billplz: bill of another collection")
        return self._result(bill)

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        return None  # API v3 has no refunds: done in the Billplz portal

    def signed_test_callback(self) -> Incoming:
        """An unpaid bill's callback signed with the configured key, for
        the go-live self-test."""
        data = {"id": "kedaiselftest", "collection_id": self.collection_id,
                "paid": "false", "state": "due", "amount": "100",
                "paid_amount": "0", "due_at": "2026-01-01",
                "email": "selftest@example.com", "mobile": "", "name": "SELF TEST",
                "url": "https://www.billplz.com/bills/kedaiselftest", "paid_at": ""}
        data["x_signature"] = x_signature(data, self.signature_key)
        return Incoming(method="POST", data=data)
