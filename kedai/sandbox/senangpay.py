"""senangPay simulator: payment form, HMAC-SHA256 or MD5 hashes, status query.

Same fields and quirks as senangPay (docs/payments.md): the browser posts
the hashed form to ``/payment/<merchant ID>``; the result goes to the
return and callback URLs of the merchant dashboard (``/_sandbox/dashboard``
here, which also holds the hash type, ``hmac-sha256`` or ``md5``) with
``status_id`` (1 paid, 0 failed, 2 pending authorisation), ``order_id``,
``transaction_id``, ``msg`` and ``hash``; ``GET
/apiv1/query_order_status`` answers JSON without an amount, as documented
(repository ``senangpay/api_catalog``). A payment left pending ("Pending"
button) is settled by ``POST /_sandbox/settle`` (order_id, outcome
paid|failed) without a callback: only a status query learns of it.
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
                            form.get("order_id", ""), _hash_type())
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
    return page("senangPay payment", decision_form(
        f"{request.base}/decide/{token}", summary, extra=(("pending", "Pending"),)))


def _hash_type() -> str:
    return app.dashboard.get("hash_type") or "hmac-sha256"


def result_fields(record: dict) -> dict[str, str]:
    secret = MERCHANTS[record["merchant_id"]]
    fields = {"status_id": record["status_id"], "order_id": record["order_id"],
              "transaction_id": record["transaction_id"], "msg": record["msg"]}
    fields["hash"] = response_hash(secret, fields["status_id"], fields["order_id"],
                                   fields["transaction_id"], fields["msg"],
                                   _hash_type())
    return fields


def decide(request: Request) -> Response:
    record = app.payments.get(request.match["token"])  # type: ignore[index]
    if record is None:
        return page("Session expired", "", "404 Not Found")
    decision = request.form.get("decision")
    status_id, msg = {"approve": ("1", "Payment_was_successful"),
                      "pending": ("2", "Payment_is_pending_authorisation")}.get(
        decision or "", ("0", "Payment_was_failed"))
    with app.lock:
        record.update(status_id=status_id, msg=msg,
                      transaction_id=str(secrets.randbelow(9 * 10**13) + 10**13))
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
            secret, query["merchant_id"], query.get("order_id", ""), _hash_type()):
        return json_response({"status": False, "msg": "Invalid hash", "data": []})
    record = app.payments.get(query.get("order_id", ""))
    if record is None or not record["status_id"]:
        return json_response({"status": True, "msg": "Query Success", "data": []})
    # No amount: the documented reply does not carry one.
    return json_response({"status": True, "msg": "Query Success", "data": [{
        "payment_info": {
            "transaction_reference": record["transaction_id"],
            "status": {"1": "paid", "2": "pending"}.get(record["status_id"],
                                                         "failed"),
            "payment_mode": "fpx",
        }}]})


def settle(request: Request) -> Response:
    """A pending authorisation ends (paid or failed); no callback is sent."""
    record = app.payments.get(request.form.get("order_id", ""))
    if record is None or record["status_id"] != "2":
        return json_response({"error": "no pending payment"}, "404 Not Found")
    paid = request.form.get("outcome", "paid") == "paid"
    with app.lock:
        record.update(status_id="1" if paid else "0",
                      msg="Payment_was_successful" if paid else "Payment_was_failed")
    return json_response({"status_id": record["status_id"]})


app.route("POST", r"/payment/(?P<merchant>\w+)", pay)
app.route("POST", r"/decide/(?P<token>\w+)", decide)
app.route("GET", r"/apiv1/query_order_status", query_order_status)
app.route("POST", r"/_sandbox/settle", settle)
