"""Fiuu (Razer Merchant Services) simulator: hosted page, skey results.

Same fields and quirks as Fiuu (docs/payments.md, kedai.payments.gateways
.fiuu): the browser posts the vcode-signed form to ``/RMS/pay/<merchant
ID>/`` (the plain vcode; the extended one only for a merchant that turned
it on); results name Malaysian ringgit ``RM`` (RazerMS SDK READMEs:
"default RM (indicating MYR) for Malaysia channels"), are signed with
skey and posted server to server to ``callbackurl`` (``nbcb=1``,
expecting ``CBTOKEN:MPSTATOK``), then as a notification (``nbcb=2``),
re-sent up to 3 times until the shop echoes it back with ``treq=1`` to
``/MOLPay/API/chkstat/returnipn.php``; the browser posts to
``returnurl``. Status queries (``/RMS/API/gate-query/index.php`` by
tranID, ``/RMS/query/q_by_oid.php`` by order id) answer ``key: value``
lines signed with VrfKey; ``/RMS/API/refundAPI/index.php`` refunds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import secrets

from kedai.payments.gateways.fiuu import (
    query_skey,
    query_vrfkey,
    refund_signature,
    skey,
    vcode,
)
from kedai.sandbox.gateway_common import (
    Request,
    Response,
    Simulator,
    auto_post,
    decision_form,
    json_response,
    new_id,
    page,
    text_response,
)

# The sandbox merchant (the settings' defaults); the verify key is the one
# of Fiuu's published vcode example. "extended": the merchant turned the
# extended vcode (with currency) on in Fiuu's portal.
MERCHANTS = {"ACME": {"verify_key": "f5bb0c8de146c67b44babbf4e6584cc0",
                      "secret_key": "secretkey123", "extended": False}}
NOTIFY_ATTEMPTS = 3

app = Simulator("fiuu")


def pay(request: Request) -> Response:
    merchant_id = request.match["merchant"]  # type: ignore[index]
    keys = MERCHANTS.get(merchant_id)
    form = request.form
    if keys is None:
        return page("Invalid merchant", "", "400 Bad Request")
    amount, order_id = form.get("amount", ""), form.get("orderid", "")
    currency = form.get("currency", "") if keys["extended"] else ""
    if form.get("vcode", "").lower() != vcode(amount, merchant_id, order_id,
                                              str(keys["verify_key"]), currency):
        return page("Invalid vcode", "<p>Payment request not verified.</p>",
                    "400 Bad Request")
    token = new_id()
    with app.lock:
        record = {**form, "domain": merchant_id, "token": token, "status": ""}
        app.payments[order_id] = record
        app.payments[token] = record
    summary = html.escape(f"{form.get('bill_desc', '')} — {form.get('currency')} "
                          f"{amount}")
    return page("Fiuu payment", decision_form(f"{request.base}/RMS/decide/{token}",
                                              summary))


def _currency(record: dict) -> str:
    # Malaysian channels say "RM" for MYR (RazerMS SDK READMEs).
    currency = record.get("currency") or "MYR"
    return "RM" if currency == "MYR" else currency


def result_fields(record: dict) -> dict[str, str]:
    keys = MERCHANTS[record["domain"]]
    fields = {
        "tranID": record["tranID"], "orderid": record["orderid"],
        "status": record["status"], "domain": record["domain"],
        "amount": record["amount"], "currency": _currency(record),
        "appcode": record.get("appcode", ""), "paydate": record["paydate"],
        "channel": "fpx", "error_code": record.get("error_code", ""),
        "error_desc": record.get("error_desc", ""),
    }
    fields["skey"] = skey(tran_id=fields["tranID"], order_id=fields["orderid"],
                          status=fields["status"], domain=fields["domain"],
                          amount=fields["amount"], currency=fields["currency"],
                          paydate=fields["paydate"], appcode=fields["appcode"],
                          secret_key=str(keys["secret_key"]))
    return fields


def _notify(url: str, fields: dict[str, str]) -> None:
    """The notification (nbcb=2), re-sent until the shop echoes it."""
    for _attempt in range(NOTIFY_ATTEMPTS):
        app.post(url, fields={**fields, "nbcb": "2"})
        with app.lock:
            if fields["tranID"] in app.extra.setdefault("echoes", []):
                return


def decide(request: Request) -> Response:
    record = app.payments.get(request.match["token"])  # type: ignore[index]
    if record is None:
        return page("Session expired", "", "404 Not Found")
    decision = request.form.get("decision", "cancel")
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    with app.lock:
        record.update(tranID=str(secrets.randbelow(9 * 10**9) + 10**9), paydate=now)
        if decision == "approve":
            record.update(status="00", appcode=new_id("", 6).upper(), error_desc="")
        else:
            record.update(status="11", appcode="", error_code="CC-1",
                          error_desc="Cancelled by buyer" if decision == "cancel"
                          else "Declined")
    fields = result_fields(record)
    if decision != "cancel":
        mode = request.form.get("callback", "normal")
        url = record.get("callbackurl", "")
        app.deliver(url, mode, fields={**fields, "nbcb": "1"})
        if mode == "normal" and url:
            _notify(app.dashboard.get("notify_url") or url, fields)
    target = (record.get("cancelurl") if decision == "cancel" else None) or \
        record.get("returnurl", "")
    return auto_post(target, fields.items(), "Returning to the shop")


def return_ipn(request: Request) -> Response:
    """The shop's echo of a notification: every field plus treq=1."""
    form = request.form
    record = app.payments.get(form.get("orderid", ""))
    if form.get("treq") != "1" or record is None:
        return text_response("Error: invalid echo", "400 Bad Request")
    if {k: v for k, v in form.items() if k not in ("treq", "nbcb")} != \
            result_fields(record):
        return text_response("Error: echo differs", "400 Bad Request")
    with app.lock:
        app.extra.setdefault("echoes", []).append(form.get("tranID", ""))
    return text_response("OK")


def _query_reply(record: dict | None, *, by_order: bool) -> Response:
    if record is None:
        return text_response("Error: Record not found")
    keys = MERCHANTS[record["domain"]]
    status = record["status"] or "22"
    names = {"00": "captured", "11": "failed", "22": "pending"}
    tran_id = record.get("tranID", "")
    signed_id = record["orderid"] if by_order else tran_id
    vrf = query_vrfkey(amount=record["amount"], secret_key=str(keys["secret_key"]),
                       domain=record["domain"], tran_or_order_id=signed_id,
                       stat_code=status)
    order_line = f"OrderID: {record['orderid']}\n" if by_order else ""
    return text_response(
        f"StatCode: {status}\nStatName: {names[status]}\n"
        f"TranID: {tran_id}\n{order_line}Amount: {record['amount']}\n"
        f"Currency: {record.get('currency') or 'MYR'}\n"
        f"Domain: {record['domain']}\nVrfKey: {vrf}\n")


def gate_query(request: Request) -> Response:
    """Direct status requery, by Fiuu's tranID."""
    if (fault := app.fault("query")) is not None:
        return fault
    form = request.form
    keys = MERCHANTS.get(form.get("domain", ""))
    if keys is None or form.get("skey", "").lower() != query_skey(
            form.get("txID", ""), form["domain"], str(keys["verify_key"]),
            form.get("amount", "")):
        return text_response("Error: invalid skey")
    record = next((r for r in app.payments.values()
                   if r.get("tranID") and r["tranID"] == form.get("txID")), None)
    return _query_reply(record, by_order=False)


def query_by_order(request: Request) -> Response:
    """Indirect status requery by order id (single output)."""
    if (fault := app.fault("query")) is not None:
        return fault
    form = request.form
    keys = MERCHANTS.get(form.get("domain", ""))
    if keys is None or form.get("skey", "").lower() != query_skey(
            form.get("oID", ""), form["domain"], str(keys["verify_key"]),
            form.get("amount", "")):
        return text_response("Error: invalid skey")
    return _query_reply(app.payments.get(form.get("oID", "")), by_order=True)


def refund(request: Request) -> Response:
    if (fault := app.fault("refund")) is not None:
        return fault
    form = request.form
    keys = MERCHANTS.get(form.get("MerchantID", ""))
    if keys is None:
        return json_response({"error_code": "PR001", "error_desc": "Invalid merchant"})
    expected = refund_signature(
        refund_type=form.get("RefundType", ""), merchant_id=form["MerchantID"],
        ref_id=form.get("RefID", ""), txn_id=form.get("TxnID", ""),
        amount=form.get("Amount", ""), secret_key=str(keys["secret_key"]))
    if form.get("Signature", "").lower() != expected:
        return json_response({"error_code": "PR004", "error_desc": "Invalid signature"})
    record = next((r for r in app.payments.values()
                   if r.get("tranID") == form.get("TxnID") and r["status"] == "00"),
                  None)
    if record is None:
        return json_response({"error_code": "PR005",
                              "error_desc": "Transaction not found or not captured"})
    with app.lock:
        refunds = app.extra.setdefault("refunds", {})
        refund_id = refunds.get(form["RefID"]) or str(secrets.randbelow(10**8))
        refunds[form["RefID"]] = refund_id
    reply = {"RefundType": form["RefundType"], "MerchantID": form["MerchantID"],
             "RefID": form["RefID"], "RefundID": refund_id, "TxnID": form["TxnID"],
             "Amount": form["Amount"], "Status": "00", "reason": ""}
    reply["Signature"] = refund_signature(
        refund_type=reply["RefundType"], merchant_id=reply["MerchantID"],
        ref_id=reply["RefID"], refund_id=refund_id, txn_id=reply["TxnID"],
        amount=reply["Amount"], status="00", secret_key=str(keys["secret_key"]))
    return Response(json.dumps(reply), "200 OK", "application/json")


app.route("POST", r"/RMS/pay/(?P<merchant>\w+)/", pay)
app.route("POST", r"/RMS/decide/(?P<token>\w+)", decide)
app.route("POST", r"/MOLPay/API/chkstat/returnipn\.php", return_ipn)
app.route("POST", r"/RMS/API/gate-query/index\.php", gate_query)
app.route("POST", r"/RMS/query/q_by_oid\.php", query_by_order)
app.route("POST", r"/RMS/API/refundAPI/index\.php", refund)
