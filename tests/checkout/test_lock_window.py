"""Little work while the number counters are locked (issue 13, defect 8).

The order and invoice numbers are gap-free: their counter rows stay locked
from the UPDATE that takes a number until the order commits, and every
other buyer waits on them. So nothing slow may follow the first number:
no email is rendered and the search index is not touched before commit.
(The invoice's snapshot is read after the order number, which it prints,
but before the invoice number.)
"""

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from kedai.catalog.models import Product
from kedai.catalog.selectors import navigation_get
from kedai.checkout.placing import checkout_complete
from kedai.notifications.models import Message
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_no_rendering_or_reindexing_while_the_numbers_are_locked(
        settings, mailoutbox, django_capture_on_commit_callbacks):
    """Mail is rendered when sent and the index refreshed after commit; the
    statements from the first number to commit touch only the order's own
    rows, the invoice and the outbox."""
    settings.KEDAI_OWNER_EMAIL = "owner@kedai.example.my"
    kopi = make_product(name="Kopi Tenom",
                        variants=[{"sku": "KOPI-1", "price": "22.00", "stock": 2}])
    cart = cart_with((kopi.variants.get(), 2))
    navigation_get()  # a shop has its front page row (made on first use)
    rendered: list[str] = []

    def on_render(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(on_render)
    try:
        with django_capture_on_commit_callbacks() as after_commit, \
                CaptureQueriesContext(connection) as queries:
            checkout_complete(cart=cart, details=details(), checkout_key="k1")
    finally:
        template_rendered.disconnect(on_render)

    sql = [q["sql"] for q in queries.captured_queries]

    def takes_number(series: str) -> int:
        return next(i for i, q in enumerate(sql)
                    if q.startswith("UPDATE") and "core_numbersequence" in q
                    and f"'{series}'" in q)

    locked = sql[takes_number("KD"):]
    assert rendered == [], "emails rendered inside the order's transaction"
    assert not [q for q in locked if "catalog_" in q
                and q.startswith(("INSERT", "UPDATE", "DELETE"))], \
        "listing summaries or the search index written while numbers are locked"
    invoice_number = takes_number("INV")
    # After the invoice number: its document and two outbox rows only.
    tables = {"core_numbersequence", "invoicing_document", "notifications_message",
              "invoicing_sellerprofile",
              "api_webhookendpoint"}  # one read: who wants webhooks
    assert all(any(t in q for t in tables) or q.startswith(("SAVEPOINT", "RELEASE"))
               for q in sql[invoice_number:]), [
        q for q in sql[invoice_number:] if not any(t in q for t in tables)
        and not q.startswith(("SAVEPOINT", "RELEASE"))]
    assert Message.objects.filter(body_text="").count() == 2  # not rendered yet

    # After commit: the listing shows the sell-out, and the mails go out
    # rendered.
    for callback in after_commit:
        callback()
    assert Product.objects.get(pk=kopi.pk).in_stock is False
    assert len(mailoutbox) == 2
