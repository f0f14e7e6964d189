"""Fiuu (Razer Merchant Services) simulator: hosted page, skey results.

Same fields as Fiuu (docs/payments.md): the browser posts the vcode-signed
form to ``/RMS/pay/<merchant ID>/``; results are signed with skey, posted
server to server to ``callbackurl`` (with ``nbcb=1``, expecting
``CBTOKEN:MPSTATOK``) and by the browser to ``returnurl``. The status
query answers ``key: value`` lines.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets

from kedai.payments.gateways.fiuu import query_skey, skey, vcode
from kedai.sandbox.gateway_common import (
    Request,
    Response,
    Simulator,
    auto_post,
    decision_form,
    new_id,
    page,
    text_response,
)

# The sandbox merchant (the settings' defaults); the verify key is the one
# of Fiuu's published vcode example.
MERCHANTS = {"ACME": {"verify_key": "f5bb0c8de146c67b44babbf4e6584cc0",
                      "secret_key": "secretkey123"}}

app = Simulator("fiuu")


def pay(request: Request) -> Response:
    merchant_id = request.match["merchant"]  # type: ignore[index]
    keys = MERCHANTS.get(merchant_id)
    form = request.form
    if keys is None:
        return page("Invalid merchant", "", "400 Bad Request")
    amount, order_id = form.get("amount", ""), form.get("orderid", "")
    good = {vcode(amount, merchant_id, order_id, keys["verify_key"]),
            vcode(amount, merchant_id, order_id, keys["verify_key"],
                  form.get("currency", ""))}
    if form.get("vcode", "").lower() not in good:
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


def result_fields(record: dict) -> dict[str, str]:
    keys = MERCHANTS[record["domain"]]
    fields = {
        "tranID": record["tranID"], "orderid": record["orderid"],
        "status": record["status"], "domain": record["domain"],
        "amount": record["amount"], "currency": record.get("currency", "MYR"),
        "appcode": record.get("appcode", ""), "paydate": record["paydate"],
        "channel": "fpx", "error_code": record.get("error_code", ""),
        "error_desc": record.get("error_desc", ""),
    }
    fields["skey"] = skey(tran_id=fields["tranID"], order_id=fields["orderid"],
                          status=fields["status"], domain=fields["domain"],
                          amount=fields["amount"], currency=fields["currency"],
                          paydate=fields["paydate"], appcode=fields["appcode"],
                          secret_key=keys["secret_key"])
    return fields


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
        app.deliver(record.get("callbackurl", ""), mode, fields={**fields, "nbcb": "1"})
    target = (record.get("cancelurl") if decision == "cancel" else None) or \
        record.get("returnurl", "")
    return auto_post(target, fields.items(), "Returning to the shop")


def gate_query(request: Request) -> Response:
    if (fault := app.fault("query")) is not None:
        return fault
    form = request.form
    keys = MERCHANTS.get(form.get("domain", ""))
    if keys is None or form.get("skey", "").lower() != query_skey(
            form.get("txID", ""), form["domain"], keys["verify_key"],
            form.get("amount", "")):
        return text_response("Error: invalid skey")
    record = app.payments.get(form.get("txID", ""))
    if record is None:
        return text_response("Error: Record not found")
    status = record["status"] or "22"
    names = {"00": "captured", "11": "failed", "22": "pending"}
    return text_response(
        f"StatCode: {status}\nStatName: {names[status]}\n"
        f"TranID: {record.get('tranID', '')}\nAmount: {record['amount']}\n"
        f"Domain: {record['domain']}\n")


app.route("POST", r"/RMS/pay/(?P<merchant>\w+)/", pay)
app.route("POST", r"/RMS/decide/(?P<token>\w+)", decide)
app.route("POST", r"/RMS/API/gate-query/index\.php", gate_query)
