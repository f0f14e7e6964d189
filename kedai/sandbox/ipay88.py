"""iPay88 OPSG simulator: entry page, signed responses, backend post, re-query.

Same paths and fields as iPay88 (docs/payments.md, iPay88 Technical
Spec (MT) v1.0.6): the browser posts the signed request to
``/epayment/entry.asp``; on approval the simulator posts the signed
response to the BackendURL (server to server, successful payments only,
expecting ``RECEIVEOK``; it re-posts up to 3 times otherwise) and sends
the browser to the ResponseURL with the same fields. ``POST
/epayment/enquiry.asp`` is the re-query ("Payment Pending" while the
shopper has opened the page but not paid). Requests signed with
``SignatureType`` SHA256 or HMACSHA512 (OPSG v1.6.4.4) are answered with
the same type.
"""

from __future__ import annotations

import html

from kedai.payments.gateways.ipay88 import request_signature, response_signature
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

# The sandbox merchant (the settings' defaults): iPay88's published
# signature example uses merchant code M00003 with key "apple".
MERCHANTS = {"M00003": "apple"}
BACKEND_ATTEMPTS = 3

app = Simulator("ipay88")


def entry(request: Request) -> Response:
    form = request.form
    key = MERCHANTS.get(form.get("MerchantCode", ""))
    if key is None:
        return page("Invalid parameters", "<p>Unknown MerchantCode.</p>",
                    "400 Bad Request")
    signature_type = form.get("SignatureType", "SHA256").upper()
    if signature_type not in ("SHA256", "HMACSHA512"):
        return page("Invalid parameters", "<p>SignatureType not supported.</p>",
                    "400 Bad Request")
    expected = request_signature(key, form["MerchantCode"], form.get("RefNo", ""),
                                 form.get("Amount", ""), form.get("Currency", ""),
                                 signature_type)
    if form.get("Signature", "").lower() != expected:
        return page("Invalid parameters", "<p>Signature not match.</p>",
                    "400 Bad Request")
    ref = form["RefNo"]
    with app.lock:
        previous = app.payments.get(ref)
        if previous is not None and previous["Status"] == "1":
            return page("Duplicate Reference Number", "", "400 Bad Request")
        token = new_id()
        app.payments[ref] = {**form, "token": token, "Status": "",
                             "TransId": "", "PaymentId": form.get("PaymentId") or "2"}
        app.payments[token] = app.payments[ref]
    summary = html.escape(f"{form.get('ProdDesc', '')} — {form['Currency']} "
                          f"{form['Amount']}")
    return page("iPay88 payment", decision_form(f"{request.base}/epayment/pay/{token}",
                                                summary))


def response_fields(payment: dict) -> list[tuple[str, str]]:
    key = MERCHANTS[payment["MerchantCode"]]
    fields = [
        ("MerchantCode", payment["MerchantCode"]),
        ("PaymentId", payment["PaymentId"]),
        ("RefNo", payment["RefNo"]),
        ("Amount", payment["Amount"]),
        ("Currency", payment["Currency"]),
        ("Remark", payment.get("Remark", "")),
        ("TransId", payment["TransId"]),
        ("AuthCode", payment.get("AuthCode", "")),
        ("Status", payment["Status"]),
        ("ErrDesc", payment.get("ErrDesc", "")),
    ]
    fields.append(("Signature", response_signature(
        key, payment["MerchantCode"], payment["PaymentId"], payment["RefNo"],
        payment["Amount"], payment["Currency"], payment["Status"],
        payment.get("SignatureType", "SHA256").upper())))
    return fields


def _backend_post(payment: dict, mode: str) -> None:
    fields = dict(response_fields(payment))
    url = payment.get("BackendURL", "")
    if mode in ("late", "none", "duplicate"):
        app.deliver(url, mode, fields=fields)
        return
    for _attempt in range(BACKEND_ATTEMPTS):
        app.post(url, fields=fields)
        if app.deliveries and app.deliveries[-1]["body"].strip() == "RECEIVEOK":
            break


def decide(request: Request) -> Response:
    payment = app.payments.get(request.match["token"])  # type: ignore[index]
    if payment is None:
        return page("Session expired", "", "404 Not Found")
    decision = request.form.get("decision", "cancel")
    with app.lock:
        if decision == "approve":
            payment.update(Status="1", TransId=new_id("T", 9).upper(),
                           AuthCode=new_id("", 6).upper(), ErrDesc="")
        else:
            payment.update(Status="0", TransId=new_id("T", 9).upper(),
                           ErrDesc="Customer Cancel Transaction"
                           if decision == "cancel" else "Declined by issuer")
    if payment["Status"] == "1":  # iPay88 posts the backend URL on success only
        _backend_post(payment, request.form.get("callback", "normal"))
    return auto_post(payment["ResponseURL"], response_fields(payment),
                     "Returning to the shop")


def enquiry(request: Request) -> Response:
    if (fault := app.fault("query")) is not None:
        return fault
    form = request.form
    if form.get("MerchantCode") not in MERCHANTS or not form.get("RefNo"):
        return text_response("Invalid parameters")
    payment = app.payments.get(form["RefNo"])
    if payment is None:
        return text_response("Record not found")
    if not payment["Status"]:
        return text_response("Payment Pending")
    if form.get("Amount", "").replace(",", "") != payment["Amount"].replace(",", ""):
        return text_response("Incorrect amount")
    return text_response("00" if payment["Status"] == "1" else "Payment fail")


app.route("POST", r"/epayment/entry\.asp", entry)
app.route("POST", r"/epayment/pay/(?P<token>\w+)", decide)
app.route("POST", r"/epayment/enquiry\.asp", enquiry)
