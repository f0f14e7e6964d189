"""senangPay simulator: payment form, HMAC-SHA256 hashes, status query.

Same fields as senangPay (docs/payments.md): the browser posts the
hashed form to ``/payment/<merchant ID>``; the result goes to the return
and callback URLs of the merchant dashboard (``/_sandbox/dashboard``
here) with ``status_id``, ``order_id``, ``transaction_id``, ``msg`` and
``hash``; ``GET /apiv1/query_order_status`` answers JSON.
"""

from __future__ import annotations

import html
import secrets
import urllib.parse

from kedai.payments.gateways.senangpay import query_hash, request_hash, response_hash
from kedai.sandbox.gateway_common import (
    Request,
    Response,
    Simulator,
    decision_form,
    json_response,
    new_id,
    page,
    redirect,
)

# senangPay's published hash example uses secret "53-784"; the merchant id
# is made up for the sandbox.
MERCHANTS = {"534": "53-784"}

app = Simulator("senangpay")


def pay(request: Request) -> Response:
    merchant_id = request.match["merchant"]  # type: ignore[index]
    secret = MERCHANTS.get(merchant_id)
    form = request.form
    if secret is None:
        return page("Invalid merchant", "", "400 Bad Request")
    expected = request_hash(secret, form.get("detail", ""), form.get("amount", ""),
                            form.get("order_id", ""))
    if form.get("hash", "").lower() != expected:
        return page("Invalid hash", "<p>The payment request is not valid.</p>",
                    "400 Bad Request")
    token = new_id()
    with app.lock:
        record = {**form, "merchant_id": merchant_id, "token": token,
                  "status_id": "", "transaction_id": ""}
        app.payments[form["order_id"]] = record
        app.payments[token] = record
    summary = html.escape(f"{form.get('detail', '').replace('_', ' ')} — RM"
                          f"{form.get('amount')}")
    return page("senangPay payment", decision_form(f"{request.base}/decide/{token}",
                                                   summary))


def result_fields(record: dict) -> dict[str, str]:
    secret = MERCHANTS[record["merchant_id"]]
    fields = {"status_id": record["status_id"], "order_id": record["order_id"],
              "transaction_id": record["transaction_id"], "msg": record["msg"]}
    fields["hash"] = response_hash(secret, fields["status_id"], fields["order_id"],
                                   fields["transaction_id"], fields["msg"])
    return fields


def decide(request: Request) -> Response:
    record = app.payments.get(request.match["token"])  # type: ignore[index]
    if record is None:
        return page("Session expired", "", "404 Not Found")
    approved = request.form.get("decision") == "approve"
    with app.lock:
        record.update(status_id="1" if approved else "0",
                      transaction_id=str(secrets.randbelow(9 * 10**13) + 10**13),
                      msg="Payment_was_successful" if approved
                      else "Payment_was_failed")
    fields = result_fields(record)
    # senangPay always sends the callback (even without a breakdown).
    app.deliver(app.dashboard.get("callback_url", ""),
                request.form.get("callback", "normal"), fields=fields)
    target = app.dashboard.get("return_url", "")
    if not target:
        return page("Done", "<p>No return URL set in the dashboard.</p>")
    return redirect(f"{target}?{urllib.parse.urlencode(fields)}")


def query_order_status(request: Request) -> Response:
    if (fault := app.fault("query")) is not None:
        return fault
    query = request.query
    secret = MERCHANTS.get(query.get("merchant_id", ""))
    if secret is None or query.get("hash", "").lower() != query_hash(
            secret, query["merchant_id"], query.get("order_id", "")):
        return json_response({"status": False, "msg": "Invalid hash", "data": []})
    record = app.payments.get(query.get("order_id", ""))
    if record is None or not record["status_id"]:
        return json_response({"status": True, "msg": "Query Success", "data": []})
    return json_response({"status": True, "msg": "Query Success", "data": [{
        "payment_info": {
            "transaction_reference": record["transaction_id"],
            "status": "paid" if record["status_id"] == "1" else "failed",
            "amount": record["amount"], "payment_mode": "fpx",
        }}]})


app.route("POST", r"/payment/(?P<merchant>\w+)", pay)
app.route("POST", r"/decide/(?P<token>\w+)", decide)
app.route("GET", r"/apiv1/query_order_status", query_order_status)
