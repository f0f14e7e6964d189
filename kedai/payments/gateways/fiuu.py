"""Fiuu / Razer Merchant Services (formerly MOLPay): hosted page, vcode, skey.

Implements the Fiuu developer documentation (docs.fiuu.dev pages "vcode",
"skey", "Getting Payment Result", "Payment Status Notification", "Direct
Status Requery", "Indirect Status Requery", "Advanced Full/Partial
Refund"), checked against Fiuu's own WooCommerce plugin (repository
``FiuuPayment/Shopping-Cart-Plugins-Fiuu_WooCommerce``, file
``WooCommerce/woocommerce_rms_normal/class-gateway.php``), summarised in
docs/payments.md:

* Hosts: payments on ``pay.fiuu.com``, APIs on ``api.fiuu.com``; the
  sandbox serves both on ``sandbox.merchant.razer.com`` (the plugin's
  ``account_type`` switch).
* Hosted page: form POST to ``/RMS/pay/<merchant ID>/`` with amount
  ("27.60"), orderid, bill_name, bill_email, bill_mobile, bill_desc,
  country, currency, vcode, returnurl, callbackurl, cancelurl.
* vcode = md5(amount + merchantID + orderID + verify_key); the
  *extended* vcode appends the currency and is only accepted when the
  merchant turned it on in Fiuu's portal (``OPTIONS["EXTENDED_VCODE"]``,
  off by default).
* Results (return, notify and callback URLs, POST only): tranID, orderid,
  status ("00" success, "11" failed, "22" pending), domain, amount,
  currency, appcode, paydate, skey; the notification adds ``nbcb=2``, the
  callback ``nbcb=1``. Malaysian channels name the currency ``RM``
  (RazerMS SDK READMEs: "default RM (indicating MYR) for Malaysia
  channels"), read here as MYR.
* skey = md5(paydate + domain + md5(tranID + orderid + status + domain +
  amount + currency) + appcode + secret_key).
* The callback (nbcb=1) is acknowledged with ``CBTOKEN:MPSTATOK``; a
  notification (nbcb=2) is echoed back, every field plus ``treq=1``, to
  ``MOLPay/API/chkstat/returnipn.php`` (the plugin's
  ``acknowledgeResponse``), or Fiuu keeps re-sending it.
* Status query ("Direct Status Requery"): ``api.fiuu.com
  /RMS/API/gate-query/index.php`` with amount, txID (Fiuu's tranID),
  domain, skey = md5(txID + domain + verify_key + amount); without a
  tranID, by order id through ``/RMS/query/q_by_oid.php`` (skey =
  md5(oID + domain + verify_key + amount)). Plain ``key: value`` lines
  whose VrfKey = md5(Amount + secret_key + Domain + TranID|OrderID +
  StatCode) is checked before the reply is believed. At most one query
  per transaction per 5 minutes ("Fair Usage & Best Practice Guide").
* Refunds ("Advanced Full/Partial Refund"): ``/RMS/API/refundAPI/index.php``
  with RefundType (F/P), MerchantID, RefID, TxnID, Amount and Signature =
  md5(RefundType + MerchantID + RefID + TxnID + Amount + secret_key); the
  JSON reply is signed md5(RefundType + MerchantID + RefID + RefundID +
  TxnID + Amount + Status + secret_key). This API takes partial refunds,
  which the reversal API (``refundAPI/refund.php``) does not.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
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

logger = logging.getLogger("kedai.payments")

STATUSES = {"00": ResultStatus.CAPTURED, "11": ResultStatus.FAILED,
            "22": ResultStatus.PENDING}
# Payments and APIs live on different hosts in production; the sandbox
# serves both (the WooCommerce plugin's account_type switch).
HOSTS = {"live": "https://pay.fiuu.com", "sandbox": "https://sandbox.merchant.razer.com"}
API_HOSTS = {"live": "https://api.fiuu.com",
             "sandbox": "https://sandbox.merchant.razer.com"}
# The simulator's merchant keys (the verify key is the one of Fiuu's
# published vcode example): never valid outside the sandbox (13.17).
DEMO_SECRETS = {"VERIFY_KEY": "f5bb0c8de146c67b44babbf4e6584cc0",
                "SECRET_KEY": "secretkey123"}
# "default RM (indicating MYR) for Malaysia channels" (RazerMS SDK READMEs).
CURRENCY_ALIASES = {"RM": "MYR"}
REFUND_STATUSES = {"00": True, "22": True, "11": False}


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


def query_skey(tx_id: str, domain: str, verify_key: str, amount: str) -> str:
    """md5(txID|oID + domain + verify_key + amount) (gate-query, q_by_oid)."""
    return _md5(f"{tx_id}{domain}{verify_key}{amount}")


def query_vrfkey(*, amount: str, secret_key: str, domain: str, tran_or_order_id: str,
                 stat_code: str) -> str:
    """md5(Amount + secret_key + Domain + TranID|OrderID + StatCode)."""
    return _md5(f"{amount}{secret_key}{domain}{tran_or_order_id}{stat_code}")


def refund_signature(*, refund_type: str, merchant_id: str, ref_id: str, txn_id: str,
                     amount: str, secret_key: str, refund_id: str = "",
                     status: str = "") -> str:
    """Request: md5(RefundType + MerchantID + RefID + TxnID + Amount +
    secret_key); reply: the same with RefundID after RefID and Status
    after Amount."""
    return _md5(f"{refund_type}{merchant_id}{ref_id}{refund_id}{txn_id}{amount}"
                f"{status}{secret_key}")


def read_currency(value: str) -> str:
    code = value.strip().upper()
    return CURRENCY_ALIASES.get(code, code)


def _money(value: str, currency: str) -> Money:
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidOperation(value)
    return Money(amount, currency)


def parse_lines(text: str) -> dict[str, str]:
    """A plain-text Fiuu reply: one ``Key: value`` per line."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().strip("[]")] = value.strip()
    return fields


class FiuuGateway:
    """Fiuu hosted payment page (cards, FPX, e-wallets)."""

    label = "Fiuu (cards, FPX online banking, e-wallets)"
    min_query_interval = 300  # Fiuu blocks IPs querying more often
    hosts = HOSTS
    demo_secrets = DEMO_SECRETS
    refunds_by_api = True
    required_options = ("MERCHANT_ID", "VERIFY_KEY", "SECRET_KEY")

    def __init__(self, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.options = options
        self.merchant_id: str = options["MERCHANT_ID"]
        self.verify_key: str = options["VERIFY_KEY"]
        self.secret_key: str = options["SECRET_KEY"]
        self.extended_vcode = bool(options.get("EXTENDED_VCODE", False))
        self.timeout = float(options.get("TIMEOUT", transport.DEFAULT_TIMEOUT))

    def _url(self, path: str) -> str:
        return transport.base_url(self.options, "fiuu", HOSTS) + path

    def _api_url(self, path: str) -> str:
        if self.options.get("API_URL"):
            return str(self.options["API_URL"]).rstrip("/") + path
        return transport.base_url(self.options, "fiuu", API_HOSTS) + path

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """The signed hosted-page form; Fiuu needs no server call to start."""
        amount = format_amount(request.amount)
        currency = request.amount.currency
        code = vcode(amount, self.merchant_id, request.reference, self.verify_key,
                     currency if self.extended_vcode else "")
        fields = (
            ("amount", amount),
            ("orderid", request.reference),
            ("bill_name", request.customer_name[:128]),
            ("bill_email", request.customer_email),
            ("bill_mobile", request.customer_phone),
            ("bill_desc", request.description[:500]),
            ("country", "MY"),
            ("currency", currency),
            ("vcode", code),
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
        transport.refuse_demo_secrets(self.options, "fiuu", DEMO_SECRETS)
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
            raise CallbackRejected(f"fiuu: unknown status {data['status'][:10]!r}")
        try:
            # The signature covers the currency as sent ("RM"); the
            # payments service compares the ISO code.
            amount = _money(data["amount"], read_currency(data["currency"]))
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
        """``CBTOKEN:MPSTATOK`` for a callback; for a notification (nbcb=2)
        the IPN echo that stops Fiuu re-sending it."""
        if incoming.data.get("nbcb") == "2":
            self._echo_notification(incoming.data)
            return Acknowledgement("OK")
        if incoming.data.get("nbcb"):
            return Acknowledgement("CBTOKEN:MPSTATOK")
        return Acknowledgement("OK")

    def _echo_notification(self, data: Mapping[str, str]) -> None:
        # Every field back plus treq=1 (the plugin's acknowledgeResponse).
        # A lost echo only means Fiuu notifies again: applying a result is
        # idempotent, so it is logged, not raised.
        try:
            transport.request("POST", self._url("/MOLPay/API/chkstat/returnipn.php"),
                              form={**data, "treq": "1"}, timeout=self.timeout)
        except GatewayError as exc:
            logger.warning("fiuu: notification echo (treq=1) failed: %s", exc)

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        return self._verified(incoming.data)

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        """Direct status requery by tranID, or by order id when Fiuu has
        not told us its tranID yet. The reply's VrfKey is checked."""
        text_amount = format_amount(amount)
        if gateway_reference:
            url = self._api_url("/RMS/API/gate-query/index.php")
            form = {"amount": text_amount, "txID": gateway_reference,
                    "domain": self.merchant_id, "type": "0",
                    "skey": query_skey(gateway_reference, self.merchant_id,
                                       self.verify_key, text_amount)}
        else:
            url = self._api_url("/RMS/query/q_by_oid.php")
            form = {"amount": text_amount, "oID": reference,
                    "domain": self.merchant_id, "type": "0",
                    "skey": query_skey(reference, self.merchant_id, self.verify_key,
                                       text_amount)}
        reply = transport.request("POST", url, form=form, timeout=self.timeout).text
        return self.query_result(reply, reference=reference,
                                 gateway_reference=gateway_reference,
                                 currency=amount.currency)

    def query_result(self, reply: str, *, reference: str, gateway_reference: str,
                     currency: str) -> PaymentResult:
        """Believe a status query reply only when its VrfKey checks out."""
        fields = parse_lines(reply)
        stat_code = fields.get("StatCode", "")
        status = STATUSES.get(stat_code)
        if status is None:
            raise GatewayError(f"fiuu: status query answered {reply[:60]!r}")
        tran_id = fields.get("TranID", "")
        signed_id = tran_id if gateway_reference else fields.get("OrderID", reference)
        expected = query_vrfkey(amount=fields.get("Amount", ""),
                                secret_key=self.secret_key,
                                domain=fields.get("Domain", ""),
                                tran_or_order_id=signed_id, stat_code=stat_code)
        if not hmac.compare_digest(expected, fields.get("VrfKey", "").lower()):
            raise GatewayError("fiuu: status query reply's VrfKey does not match")
        if fields.get("Domain") != self.merchant_id:
            raise GatewayError("fiuu: status query names another merchant")
        if gateway_reference and tran_id != gateway_reference:
            raise GatewayError("fiuu: status query names another transaction")
        try:
            paid = _money(fields.get("Amount", ""),
                          read_currency(fields.get("Currency") or currency))
        except (InvalidOperation, ValueError) as exc:
            raise GatewayError("fiuu: status query without amount") from exc
        return PaymentResult(status=status, reference=reference,
                             gateway_reference=tran_id, transaction_id=tran_id,
                             amount=paid, message=fields.get("StatName", "")[:255])

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        """Full or partial refund through Fiuu's refund API."""
        txn_id = transaction_id or gateway_reference
        if not txn_id:
            raise GatewayError("fiuu: no tranID to refund")
        text_amount = format_amount(amount)
        # "P" (partial) for any amount: the adapter is not told what the
        # payment was, and a partial refund of the whole is a full one.
        refund_type = "P"
        form = {"RefundType": refund_type, "MerchantID": self.merchant_id,
                "RefID": refund_reference, "TxnID": txn_id, "Amount": text_amount,
                "Signature": refund_signature(
                    refund_type=refund_type, merchant_id=self.merchant_id,
                    ref_id=refund_reference, txn_id=txn_id, amount=text_amount,
                    secret_key=self.secret_key)}
        reply = transport.request("POST", self._api_url("/RMS/API/refundAPI/index.php"),
                                  form=form, timeout=self.timeout).json()
        return self.refund_result(reply, refund_reference=refund_reference)

    def refund_result(self, reply: Any, *, refund_reference: str) -> RefundResult:
        if not isinstance(reply, dict):
            raise GatewayError("fiuu: refund answered no object")
        if "Status" not in reply:
            code, desc = reply.get("error_code", ""), reply.get("error_desc", "")
            return RefundResult(refund_reference="", succeeded=False,
                                message=f"{code} {desc}".strip()[:255] or "refused")
        values = {k: str(reply.get(k, "")) for k in (
            "RefundType", "MerchantID", "RefID", "RefundID", "TxnID", "Amount",
            "Status", "Signature")}
        expected = refund_signature(
            refund_type=values["RefundType"], merchant_id=values["MerchantID"],
            ref_id=values["RefID"], refund_id=values["RefundID"],
            txn_id=values["TxnID"], amount=values["Amount"],
            status=values["Status"], secret_key=self.secret_key)
        if not hmac.compare_digest(expected, values["Signature"].lower()):
            raise GatewayError("fiuu: refund reply's Signature does not match")
        if values["RefID"] != refund_reference:
            raise GatewayError("fiuu: refund reply names another refund")
        succeeded = REFUND_STATUSES.get(values["Status"])
        if succeeded is None:
            raise GatewayError(f"fiuu: refund status {values['Status'][:10]!r}")
        return RefundResult(refund_reference=values["RefundID"], succeeded=succeeded,
                            message=str(reply.get("reason", values["Status"]))[:255])

    def signed_test_callback(self) -> Incoming:
        """A callback signed with the configured secret key, for the
        go-live self-test (never applied to any payment)."""
        data = {"tranID": "1", "orderid": "KEDAI-SELFTEST", "status": "11",
                "domain": self.merchant_id, "amount": "1.00", "currency": "RM",
                "paydate": "2026-01-01 00:00:00", "appcode": "", "nbcb": "1"}
        data["skey"] = skey(tran_id="1", order_id="KEDAI-SELFTEST", status="11",
                            domain=self.merchant_id, amount="1.00", currency="RM",
                            paydate=data["paydate"], appcode="",
                            secret_key=self.secret_key)
        return Incoming(method="POST", data=data)
