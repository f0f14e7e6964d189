"""Stripe simulator: Checkout Sessions, the hosted page, signed webhooks.

Speaks the subset of the Stripe API that ``kedai.payments.gateways.stripe``
uses through the official ``stripe`` library (form-encoded requests,
Bearer secret key, ``Idempotency-Key``): ``POST /v1/checkout/sessions``,
``GET /v1/checkout/sessions/<id>``, ``POST /v1/refunds``. Webhook events
go to the endpoint set in the dashboard (``/_sandbox/dashboard``,
``webhook_url``) with a ``Stripe-Signature: t=…,v1=…`` header:
HMAC-SHA256 of ``t.body`` with the endpoint secret. As Stripe's own,
the session's ``url`` ends in a ``#fragment`` the Checkout page needs
(docs.stripe.com/api/checkout/sessions/object): the page refuses to show
the payment form when a shop dropped it.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import time
from typing import Any

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

# The settings' default endpoint secret: a sandbox value, not a credential.
WEBHOOK_SECRET = "whsec_sandbox"  # noqa: S105

app = Simulator("stripe")


def signature_header(body: bytes, secret: str = WEBHOOK_SECRET,
                     timestamp: int | None = None) -> str:
    """``t=<unix>,v1=<HMAC-SHA256(secret, "t.body")>`` as Stripe sends it."""
    t = int(time.time()) if timestamp is None else timestamp
    v1 = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def _nested(form: dict[str, str]) -> dict[str, Any]:
    """``line_items[0][price_data][unit_amount]=…`` back into objects."""
    root: dict[str, Any] = {}
    for key, value in form.items():
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return root


def _error(message: str, status: str = "400 Bad Request") -> Response:
    return json_response({"error": {"type": "invalid_request_error",
                                    "message": message}}, status)


def _authorised(request: Request) -> bool:
    return request.header("Authorization").startswith("Bearer sk_test_")


def _idempotent_call(request: Request, handler) -> Response:
    key = request.header("Idempotency-Key")
    seen = app.extra.setdefault("idempotency", {})
    if key and key in seen:
        return seen[key]
    response = handler(request)
    if key:
        seen[key] = response
    return response


def create_session(request: Request) -> Response:
    if not _authorised(request):
        return _error("Invalid API Key provided", "401 Unauthorized")
    if (fault := app.fault("create")) is not None:
        return fault
    return _idempotent_call(request, _create_session)


def _create_session(request: Request) -> Response:
    params = _nested(request.form)
    items = list(params.get("line_items", {}).values())
    if params.get("mode") != "payment" or not items:
        return _error("mode=payment and line_items are required")
    currencies = {item["price_data"]["currency"] for item in items}
    if len(currencies) != 1:
        return _error("All line items must share one currency")
    total = sum(int(item["price_data"]["unit_amount"])
                * int(item.get("quantity", 1)) for item in items)
    session_id = new_id("cs_test_", 24)
    session = {
        "id": session_id, "object": "checkout.session", "mode": "payment",
        "amount_total": total, "currency": currencies.pop(),
        "client_reference_id": params.get("client_reference_id"),
        "customer_email": params.get("customer_email"),
        "metadata": params.get("metadata", {}),
        "payment_method_types": list(params.get("payment_method_types", {}).values()),
        "payment_intent": None, "payment_status": "unpaid", "status": "open",
        "success_url": params.get("success_url"),
        "cancel_url": params.get("cancel_url"),
        "url": f"{request.base}/pay/{session_id}#{new_id('fid', 32)}",
        "livemode": False,
    }
    with app.lock:
        app.payments[session_id] = session
    return json_response(session)


def get_session(request: Request) -> Response:
    if not _authorised(request):
        return _error("Invalid API Key provided", "401 Unauthorized")
    if (fault := app.fault("query")) is not None:
        return fault
    session = app.payments.get(request.match["id"])  # type: ignore[index]
    if session is None:
        return _error("No such checkout.session", "404 Not Found")
    return json_response(session)


def session_page(request: Request) -> Response:
    session = app.payments.get(request.match["id"])  # type: ignore[index]
    if session is None or session["status"] != "open":
        return page("Session not open", "", "404 Not Found")
    summary = html.escape(f"{session['currency'].upper()} "
                          f"{session['amount_total'] / 100:.2f}")
    form = decision_form(request.base + request.path, summary)
    # Stripe's page reads its configuration from the URL's fragment.
    check = ("<script>if (!location.hash) { document.body.innerHTML = "
             "'<h1>Something went wrong</h1><p>The page address is incomplete "
             "(its #fragment was dropped).</p>'; }</script>")
    return page("Stripe Checkout", form + check)


def event_body(event_type: str, session: dict) -> bytes:
    return json.dumps({
        "id": new_id("evt_", 24), "object": "event", "type": event_type,
        "api_version": "2025-01-27.acacia", "created": int(time.time()),
        "livemode": False, "data": {"object": session},
    }).encode()


def send_event(event_type: str, session: dict, mode: str = "normal") -> None:
    body = event_body(event_type, session)
    app.deliver(app.dashboard.get("webhook_url", ""), mode, body=body,
                headers={"Stripe-Signature": signature_header(body)})


def decide(request: Request) -> Response:
    session = app.payments.get(request.match["id"])  # type: ignore[index]
    if session is None:
        return page("Session not found", "", "404 Not Found")
    decision = request.form.get("decision", "cancel")
    mode = request.form.get("callback", "normal")
    if decision == "cancel":
        return redirect(session["cancel_url"])
    with app.lock:
        session.update(status="complete", payment_intent=new_id("pi_", 24),
                       refunded=0,
                       payment_status="paid" if decision == "approve" else "unpaid")
    if decision == "approve":
        send_event("checkout.session.completed", dict(session), mode)
    else:  # FPX: the bank said no after the redirect
        send_event("checkout.session.async_payment_failed", dict(session), mode)
    return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}",
                                                   session["id"]))


def create_refund(request: Request) -> Response:
    if not _authorised(request):
        return _error("Invalid API Key provided", "401 Unauthorized")
    if (fault := app.fault("refund")) is not None:
        return fault
    return _idempotent_call(request, _create_refund)


def _create_refund(request: Request) -> Response:
    intent = request.form.get("payment_intent", "")
    session = next((s for s in list(app.payments.values())
                    if s.get("payment_intent") == intent), None)
    if session is None or session["payment_status"] != "paid":
        return _error(f"No such payment_intent: '{intent}'", "404 Not Found")
    amount = int(request.form.get("amount") or session["amount_total"])
    with app.lock:
        if amount <= 0 or session["refunded"] + amount > session["amount_total"]:
            return _error("Refund amount is greater than the unrefunded amount")
        session["refunded"] += amount
    return json_response({"id": new_id("re_", 24), "object": "refund",
                          "amount": amount, "currency": session["currency"],
                          "payment_intent": intent, "status": "succeeded"})


app.route("POST", r"/v1/checkout/sessions", create_session)
app.route("GET", r"/v1/checkout/sessions/(?P<id>\w+)", get_session)
app.route("POST", r"/v1/refunds", create_refund)
app.route("GET", r"/pay/(?P<id>\w+)", session_page)
app.route("POST", r"/pay/(?P<id>\w+)", decide)
