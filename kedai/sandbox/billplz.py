"""Billplz API v3 simulator: bills, the bill page, X-Signature callbacks.

Same paths and fields as Billplz (docs/payments.md, Billplz API v3):
``POST /api/v3/bills`` (HTTP Basic, form fields, amount in sen),
``GET /api/v3/bills/<id>``, the hosted page ``/bills/<id>``, a signed
form callback to ``callback_url`` and a signed redirect to
``redirect_url`` with ``billplz[...]`` parameters. As in Billplz's own
callback example (repository ``Billplz/api_slate``,
``source/index.html.md``, "Example Server Side Request"), a paid bill's
callback says ``paid_amount`` "0"; Get a Bill tells the amount paid.
"""

from __future__ import annotations

import datetime as dt
import html
import urllib.parse

from kedai.payments.gateways.billplz import x_signature
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

# The sandbox account (the settings' defaults): the key is Billplz's own
# published example X Signature Key.
X_SIGNATURE_KEY = "S-s7b4yWpp9h7rrkNM1i3Z_g"
COLLECTION_ID = "inbmmepb"
MYT = dt.timezone(dt.timedelta(hours=8))

app = Simulator("billplz")


def _bill_json(bill: dict) -> dict:
    keys = ("id", "collection_id", "paid", "state", "amount", "paid_amount",
            "due_at", "email", "mobile", "name", "url", "reference_1_label",
            "reference_1", "reference_2_label", "reference_2", "redirect_url",
            "callback_url", "description", "paid_at")
    return {k: bill.get(k) for k in keys}


def create_bill(request: Request) -> Response:
    if not request.header("Authorization").startswith("Basic "):
        return json_response({"error": {"type": "Unauthorized"}}, "401 Unauthorized")
    if (fault := app.fault("create")) is not None:
        return fault
    form = request.form
    missing = [k for k in ("collection_id", "name", "amount", "callback_url",
                           "description") if not form.get(k)]
    if missing or not form["amount"].isdigit():
        return json_response({"error": {"type": "RecordInvalid",
                                        "message": missing or ["amount"]}},
                             "422 Unprocessable Entity")
    bill_id = new_id()
    bill = {**form, "id": bill_id, "paid": False, "state": "due",
            "amount": int(form["amount"]), "paid_amount": 0,
            "due_at": dt.date.today().isoformat(), "paid_at": None,
            "mobile": form.get("mobile") or None,
            "url": f"{request.base}/bills/{bill_id}"}
    with app.lock:
        app.payments[bill_id] = bill
    return json_response(_bill_json(bill))


def get_bill(request: Request) -> Response:
    if (fault := app.fault("query")) is not None:
        return fault
    bill = app.payments.get(request.match["id"])  # type: ignore[index]
    if bill is None:
        return json_response({"error": {"type": "RecordNotFound"}}, "404 Not Found")
    return json_response(_bill_json(bill))


def bill_page(request: Request) -> Response:
    bill = app.payments.get(request.match["id"])  # type: ignore[index]
    if bill is None:
        return page("Bill not found", "", "404 Not Found")
    if bill["paid"]:
        return page("Bill paid", "<p>This bill is already paid.</p>")
    summary = html.escape(f"{bill['description']} — RM{bill['amount'] / 100:.2f}")
    action = request.base + request.path
    return page(f"Billplz bill {bill['id']}", decision_form(action, summary))


def callback_fields(bill: dict) -> dict[str, str]:
    fields = {
        "id": bill["id"], "collection_id": bill["collection_id"],
        "paid": "true" if bill["paid"] else "false", "state": bill["state"],
        # "paid_amount": "0" on a paid bill, as in Billplz's own example.
        "amount": str(bill["amount"]), "paid_amount": "0",
        "due_at": bill["due_at"], "email": bill.get("email") or "",
        "mobile": bill.get("mobile") or "", "name": bill["name"],
        "url": bill["url"], "paid_at": bill.get("paid_at") or "",
        "transaction_id": bill.get("transaction_id", ""),
        "transaction_status": bill.get("transaction_status", ""),
    }
    fields["x_signature"] = x_signature(fields, X_SIGNATURE_KEY)
    return fields


def decide(request: Request) -> Response:
    bill = app.payments.get(request.match["id"])  # type: ignore[index]
    if bill is None:
        return page("Bill not found", "", "404 Not Found")
    decision = request.form.get("decision", "cancel")
    now = dt.datetime.now(MYT).strftime("%Y-%m-%d %H:%M:%S %z")
    with app.lock:
        if decision == "approve" and not bill["paid"]:
            bill.update(paid=True, state="paid", paid_amount=bill["amount"],
                        paid_at=now, transaction_id=new_id("BP-", 10).upper(),
                        transaction_status="completed")
        elif decision == "decline":
            bill.update(transaction_id=new_id("BP-", 10).upper(),
                        transaction_status="failed")
    if decision != "cancel":
        app.deliver(bill["callback_url"], request.form.get("callback", "normal"),
                    fields=callback_fields(bill))
    back = {"billplz[id]": bill["id"],
            "billplz[paid]": "true" if bill["paid"] else "false",
            "billplz[paid_at]": bill.get("paid_at") or ""}
    back["billplz[x_signature]"] = x_signature(back, X_SIGNATURE_KEY)
    target = bill.get("redirect_url") or bill["url"]
    separator = "&" if "?" in target else "?"
    return redirect(target + separator + urllib.parse.urlencode(back))


app.route("POST", r"/api/v3/bills", create_bill)
app.route("GET", r"/api/v3/bills/(?P<id>\w+)", get_bill)
app.route("GET", r"/bills/(?P<id>\w+)", bill_page)
app.route("POST", r"/bills/(?P<id>\w+)", decide)
