"""Fiuu / Razer Merchant Services (formerly MOLPay): hosted page, vcode, skey.

Implements the Fiuu developer documentation (docs.fiuu.dev pages "vcode",
"skey", "Getting Payment Result", "Payment Status Notification"),
summarised in docs/payments.md:

* Hosted page: form POST to ``/RMS/pay/<merchant ID>/`` with amount
  ("27.60"), orderid, bill_name, bill_email, bill_mobile, bill_desc,
  country, currency, vcode, returnurl, callbackurl, cancelurl.
* vcode (extended, multi-currency) = md5(amount + merchantID + orderID +
  verify_key + currency).
* Results (return, notify and callback URLs, POST only): tranID, orderid,
  status ("00" success, "11" failed, "22" pending), domain, amount,
  currency, appcode, paydate, skey; callbacks add ``nbcb``.
* skey = md5(paydate + domain + md5(tranID + orderid + status + domain +
  amount + currency) + appcode + secret_key).
* The callback URL is acknowledged with ``CBTOKEN:MPSTATOK``.
* Status query by order id [unconfirmed shape, see docs/payments.md]:
  POST ``/RMS/API/gate-query/index.php`` with amount, txID (our order
  id), domain, skey = md5(txID + domain + verify_key + amount), type=0;
  plain ``key: value`` lines with StatCode. Limited to one query per 5
  minutes per transaction.

Refunds go through the Fiuu portal here (its refund API is not
implemented).
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

STATUSES = {"00": ResultStatus.CAPTURED, "11": ResultStatus.FAILED,
            "22": ResultStatus.PENDING}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - Fiuu's scheme


def format_amount(amount: Money) -> str:
    return f"{quantize(amount.amount, amount.currency):.2f}"


def vcode(amount: str, merchant_id: str, order_id: str, verify_key: str,
          currency: str = "") -> str:
    """md5(amount + merchantID + orderID + verify_key [+ currency])."""
    return _md5(f"{amount}{merchant_id}{order_id}{verify_key}{currency}")


def skey(*, tran_id: str, order_id: str, status: str, domain: str, amount: str,
         currency: str, paydate: str, appcode: str, secret_key: str) -> str:
    """md5(paydate + domain + md5(tranID + orderid + status + domain +
    amount + currency) + appcode + secret_key)."""
    pre = _md5(f"{tran_id}{order_id}{status}{domain}{amount}{currency}")
    return _md5(f"{paydate}{domain}{pre}{appcode}{secret_key}")


def query_skey(order_id: str, domain: str, verify_key: str, amount: str) -> str:
    return _md5(f"{order_id}{domain}{verify_key}{amount}")


class FiuuGateway:
    """Fiuu hosted payment page (cards, FPX, e-wallets)."""

    label = "Fiuu (cards, FPX online banking, e-wallets)"
    min_query_interval = 300  # MOLPay blocks IPs querying more often

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.merchant_id: str = options["MERCHANT_ID"]
        self.verify_key: str = options["VERIFY_KEY"]
        self.secret_key: str = options["SECRET_KEY"]
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "fiuu") + path

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """The signed hosted-page form; Fiuu needs no server call to start."""
        amount = format_amount(request.amount)
        currency = request.amount.currency
        fields = (
            ("amount", amount),
            ("orderid", request.reference),
            ("bill_name", request.customer_name[:128]),
            ("bill_email", request.customer_email),
            ("bill_mobile", request.customer_phone),
            ("bill_desc", request.description[:500]),
            ("country", "MY"),
            ("currency", currency),
            ("vcode", vcode(amount, self.merchant_id, request.reference,
                            self.verify_key, currency)),
            ("returnurl", request.return_url),
            ("callbackurl", request.callback_url),
            ("cancelurl", request.cancel_url),
        )
        return Redirect(url=self._url(f"/RMS/pay/{self.merchant_id}/"),
                        method="POST", fields=fields)

    def _verified(self, data: Mapping[str, str]) -> PaymentResult:
        required = ("tranID", "orderid", "status", "domain", "amount", "currency",
                    "paydate")
        if not data.get("skey"):
            raise CallbackRejected("fiuu: missing skey", status=403)
        missing = [name for name in required if name not in data]
        if missing:
            raise CallbackRejected(f"fiuu: missing {', '.join(missing)}")
        expected = skey(tran_id=data["tranID"], order_id=data["orderid"],
                        status=data["status"], domain=data["domain"],
                        amount=data["amount"], currency=data["currency"],
                        paydate=data["paydate"], appcode=data.get("appcode", ""),
                        secret_key=self.secret_key)
        if not hmac.compare_digest(expected, data["skey"].lower()):
            raise CallbackRejected("fiuu: skey does not match", status=403)
        if data["domain"] != self.merchant_id:
            raise CallbackRejected("fiuu: another merchant's payment")
        status = STATUSES.get(data["status"])
        if status is None:
            raise CallbackRejected(f"fiuu: unknown status {data['status']!r}")
        try:
            amount = Money(Decimal(data["amount"]), data["currency"].upper())
        except (InvalidOperation, ValueError) as exc:
            raise CallbackRejected("fiuu: amount or currency unreadable") from exc
        return PaymentResult(status=status, reference=data["orderid"],
                             gateway_reference=data["tranID"],
                             transaction_id=data["tranID"], amount=amount,
                             message=data.get("error_desc", "")[:255])

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        if incoming.method != "POST":  # "HTTP POST is the only method"
            raise CallbackRejected("fiuu: results come by POST only")
        return self._verified(incoming.data)

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        if incoming.data.get("nbcb"):
            return Acknowledgement("CBTOKEN:MPSTATOK")
        return Acknowledgement("OK")

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        return self._verified(incoming.data)

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        """Payment status query by order id (one per 5 minutes at most)."""
        text_amount = format_amount(amount)
        reply = transport.request(
            "POST", self._url("/RMS/API/gate-query/index.php"),
            form={"amount": text_amount, "txID": reference,
                  "domain": self.merchant_id, "type": "0",
                  "skey": query_skey(reference, self.merchant_id, self.verify_key,
                                     text_amount)},
            timeout=self.timeout).text
        fields = dict(line.split(":", 1) for line in reply.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        status = STATUSES.get(fields.get("StatCode", ""))
        if status is None:
            raise GatewayError(f"fiuu: status query answered {reply[:60]!r}")
        try:
            paid = Money(Decimal(fields.get("Amount", "")), amount.currency)
        except (InvalidOperation, ValueError) as exc:
            raise GatewayError("fiuu: status query without amount") from exc
        return PaymentResult(status=status, reference=reference,
                             gateway_reference=fields.get("TranID", ""),
                             transaction_id=fields.get("TranID", ""), amount=paid,
                             message=fields.get("StatName", ""))

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        return None
