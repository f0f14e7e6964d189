"""A scripted shopper: plain HTTP (urllib), no cookies, no redirects
followed, each request sent to the next app server in turn through nginx
(``X-Kedai-Backend``), so no two consecutive requests meet the same
process. It adds to cart, checks out and pays on the Billplz sandbox page.
"""

from __future__ import annotations

import itertools
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

DETAILS = {"name": "Siti Aminah", "phone": "012-345 6789",
           "line1": "12 Jalan Ampang", "line2": "", "city": "Kuala Lumpur",
           "postcode": "50450", "state": "KUL", "billing_same": "on"}
TIMEOUT = 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""),
                               "method": (attrs.get("method") or "get").lower(),
                               "id": attrs.get("id", ""), "fields": []})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value") or ""))


@dataclass
class Shopper:
    base: str
    servers: int
    number: int
    product_id: int
    pay: bool = True
    outcome: str = ""
    order_url: str = ""
    statuses: list[int] = field(default_factory=list)
    upstreams: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._turn = itertools.count(self.number)

    def request(self, method: str, url: str, form: dict | None = None,
                *, pinned: bool = True) -> Answer:
        if url.startswith("/"):
            url = self.base + url
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, method=method)  # noqa: S310
        if pinned:
            req.add_header("X-Kedai-Backend", str(next(self._turn) % self.servers))
        try:
            with _opener.open(req, timeout=TIMEOUT) as response:
                answer = Answer(response.status, dict(response.headers),
                                response.read().decode())
        except urllib.error.HTTPError as exc:
            answer = Answer(exc.code, dict(exc.headers), exc.read().decode())
        if pinned:
            self.statuses.append(answer.status)
            self.upstreams.append(answer.headers.get("X-Upstream", ""))
        return answer

    def run(self) -> str:
        """Shop once; the outcome is "paid", "sold out" or what went wrong."""
        try:
            self.outcome = self._shop()
        except Exception as exc:  # recorded, then asserted by the caller
            self.outcome = f"error: {type(exc).__name__}: {exc}"
        return self.outcome

    def _shop(self) -> str:
        added = self.request("POST", "/cart/add/",
                             {"product": self.product_id, "quantity": 1})
        if added.status != 303:
            return "sold out" if added.status in (409, 422) else f"add {added.status}"
        cart_url = added.location
        token = re.match(r"^/s/([A-Za-z0-9_-]{32})/", cart_url)[1]
        if self.request("GET", cart_url).status != 200:
            return "cart page"
        started = self.request("POST", f"/s/{token}/checkout/start/")
        # Started from a cart, checkout lives under the cart's prefix.
        checkout = re.match(r"^(?:/s/[A-Za-z0-9_-]{32})?/checkout/[A-Za-z0-9_-]{32}/",
                            started.location)
        if started.status != 303 or not checkout:
            return f"checkout start {started.status}"
        step = checkout[0]
        email = f"shopper{self.number}@example.my"
        answer = self.request("POST", step + "details/", {**DETAILS, "email": email})
        if answer.status != 303:
            return f"details {answer.status}"
        delivery = self.request("GET", step + "delivery/")
        method = re.search(r'name="shipping_method"[^>]*value="([^"]+)"',
                           delivery.text) or re.search(
            r'value="([^"]+)"[^>]*name="shipping_method"', delivery.text)
        answer = self.request("POST", step + "delivery/", {
            "shipping_method": method[1] if method else "",
            "payment_method": "billplz"})
        if answer.status != 303:
            return f"delivery {answer.status}"
        review = self.request("GET", step + "review/")
        total = re.search(r'name="expected_total" value="([0-9.]+)"', review.text)
        if review.status != 200 or not total:
            return "sold out" if review.status in (409, 422) else "review page"
        placed = self.request("POST", step + "review/",
                              {"accept_terms": "on", "expected_total": total[1]})
        if placed.status in (409, 422):
            return "sold out"
        # An online method goes straight on to the gateway: a 307 repeats
        # the POST to the payment start (the browser re-sends its body).
        paying = re.match(r"^/pay/([A-Za-z0-9_-]{32})/start/", placed.location)
        if placed.status != 307 or not paying:
            return f"place {placed.status}"
        order_token = paying[1]
        self.order_url = f"/order/{order_token}/"
        if not self.pay:
            return "placed"
        pay = self.request("POST", placed.location,
                           {"accept_terms": "on", "expected_total": total[1]})
        if pay.status != 200:
            return f"pay start {pay.status}"
        parser = _Forms()
        parser.feed(pay.text)
        form = next((f for f in parser.forms if "billplz" in f["action"]), None)
        if form is None:
            return "no gateway form"
        bill = form["action"]
        if form["method"] == "get" and form["fields"]:
            bill += "?" + urllib.parse.urlencode(form["fields"])
        # The shopper's browser on Billplz's page (the sandbox, not the shop).
        back = self.request("POST", bill, {"decision": "approve",
                                           "callback": "normal"}, pinned=False)
        if back.status not in (302, 303):
            return f"gateway {back.status}"
        returned = self.request("GET", back.location.replace(self.base, ""))
        if returned.status != 200 or "Payment received" not in returned.text:
            return f"return page {returned.status}"
        return "paid"
