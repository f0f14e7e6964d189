"""Payment test helpers: orders, the sandbox, a browser made of urllib."""

from __future__ import annotations

import copy
import itertools
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from kedai.checkout.placing import PlacedOrder, checkout_complete
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

ALL_METHODS = ["bank_transfer", "cod", "billplz", "ipay88", "fiuu", "senangpay",
               "stripe"]
SIMULATORS = ("billplz", "ipay88", "fiuu", "senangpay", "stripe")
_keys = itertools.count(1)


def place_order(*, method: str = "billplz", price: str = "92.00") -> PlacedOrder:
    """An order awaiting payment; total = price + RM8.00 flat shipping."""
    variant = make_product(variants=[{"price": price, "stock": 50}]).variants.get()
    return checkout_complete(cart=cart_with((variant, 1)),
                             details=details(payment_method=method),
                             checkout_key=f"pay-test-{next(_keys)}")


@pytest.fixture
def gateways(settings, sandbox_url):
    """Every method offered, every simulator reset, gateways on the sandbox."""
    settings.KEDAI_PAYMENT_METHODS = ALL_METHODS
    settings.KEDAI_PAYMENT_GATEWAYS = copy.deepcopy(settings.KEDAI_PAYMENT_GATEWAYS)
    for name in SIMULATORS:
        fetch("POST", f"{sandbox_url}/{name}/_sandbox/reset", form={})
    return settings.KEDAI_PAYMENT_GATEWAYS


def set_option(settings, gateway: str, **options) -> None:
    conf = copy.deepcopy(settings.KEDAI_PAYMENT_GATEWAYS)
    conf[gateway]["OPTIONS"].update(options)
    settings.KEDAI_PAYMENT_GATEWAYS = conf


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    text: str

    def json(self):
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(method: str, url: str, *, form=None) -> Fetched:
    """One real HTTP request, redirects not followed (like a browser step)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    try:
        with _opener.open(request, timeout=30) as response:  # noqa: S310
            return Fetched(response.status, dict(response.headers),
                           response.read().decode())
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, dict(exc.headers), exc.read().decode())


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": []})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value", "")))


def first_form(html: str, method_form: str = "") -> tuple[str, list[tuple[str, str]]]:
    """The action and hidden fields of the page's first form (whose action
    contains ``method_form``; the shop's pages also have a search form)."""
    parser = _FormParser()
    parser.feed(html)
    form = next(f for f in parser.forms if method_form in f["action"]
                and f["action"] != "/search/")
    return form["action"], form["fields"]


def deliveries(sandbox_url: str, gateway: str) -> list[dict]:
    return fetch("GET", f"{sandbox_url}/{gateway}/_sandbox/deliveries").json()


def set_fault(sandbox_url: str, gateway: str, **faults) -> None:
    fetch("POST", f"{sandbox_url}/{gateway}/_sandbox/faults", form=faults)


def captured_payment(method: str = "billplz", price: str = "92.00"):
    """A payment captured at the gateway and learnt by a status query."""
    from kedai.payments.callbacks import payment_requery
    from kedai.payments.services import payment_start

    placed = place_order(method=method, price=price)
    started = payment_start(order=placed.order, method=method,
                            site_url="http://testserver/")
    fetch("POST", started.redirect.url, form={"decision": "approve",
                                              "callback": "none"})
    payment_requery(payment=started.payment)
    started.payment.refresh_from_db()
    assert started.payment.status == "captured"
    return placed, started.payment


def gateway_url(html: str) -> str:
    """Where the shop's "to the payment page" form sends the browser: its
    action, with the fields as the query string of a GET form."""
    action, fields = first_form(html, "")
    if 'method="get"' not in html.split('id="gateway-form"')[0].rsplit("<form", 1)[1]:
        return action
    return f"{action}?{urllib.parse.urlencode(fields)}" if fields else action
