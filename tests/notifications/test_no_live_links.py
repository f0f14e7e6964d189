"""A leaked database or backup opens nothing (issue 13, defect 19).

Cart, order and sign-in links are capabilities. After the shop has queued
and sent its mail, no table (the outbox, its attempts, the task queue, the
demo mailbox) and no backup archive may hold one; the mail the server
received does, and its links work.
"""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kedai.checkout.placing import checkout_complete
from kedai.customers import services as customers
from kedai.customers.services import customer_get_or_create
from kedai.dataio.backup import backup_write
from kedai.notifications.delivery import outbox_deliver_due
from kedai.notifications.models import Message, MessageStatus
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = re.compile(r"/(?:s|order|sign-in)/([A-Za-z0-9_-]{32})/")


def _every_table_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - own tables
            for row in cursor.fetchall():
                chunks.extend(bytes(v).decode("latin-1")
                              if isinstance(v, bytes | memoryview) else str(v)
                              for v in row)
    return "\n".join(chunks)


def _backup_as_text() -> str:
    archive = io.BytesIO()
    backup_write(archive)
    with zipfile.ZipFile(archive) as zf:
        return "\n".join(zf.read(name).decode("utf-8", "replace")
                         for name in zf.namelist())


def test_no_table_or_backup_holds_a_live_link(settings, client, smtp):
    settings.KEDAI_SITE_URL = "http://testserver"
    settings.KEDAI_OWNER_EMAIL = "owner@kedai.example.my"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    kopi = make_product(name="Kopi Tenom", slug="kopi-tenom",
                        variants=[{"sku": "KOPI-1", "price": "22.00", "stock": 9}])
    customer_get_or_create(email="siti@example.my", name="Siti Aminah")

    # Given a shopper who asks for her cart link and a sign-in link, and
    # an order whose invoice is mailed,
    added = client.post("/cart/add/", {"product": kopi.pk, "quantity": 1})
    cart_token = added["Location"].split("/")[2]
    emailed = client.post(f"/s/{cart_token}/cart/email/",
                          {"email": "siti@example.my"})
    assert emailed.status_code == 303
    customers.signin_link_send(
        email="siti@example.my", client="192.0.2.7",
        build_url=lambda token: f"http://testserver/sign-in/{token}/")
    placed = checkout_complete(cart=cart_with((kopi.variants.get(), 1)),
                               details=details(), checkout_key="k1")

    # when the outbox has sent everything,
    outbox_deliver_due(now=timezone.now() + timedelta(seconds=1))
    assert set(Message.objects.values_list("status", flat=True)) == {
        MessageStatus.SENT}

    # then the mail received holds the three links, and they open,
    bodies = "\n".join(m.get_body(("plain",)).get_content()
                       for m in smtp.messages)
    links = set(TOKEN.findall(bodies))
    assert cart_token in links and placed.token in links
    [signin] = links - {cart_token, placed.token}
    assert client.get(f"/s/{cart_token}/cart/").status_code == 200
    assert client.get(f"/order/{placed.token}/").status_code == 200
    assert client.get(f"/sign-in/{signin}/").status_code == 200

    # but no table and no backup holds any of them.
    dump, backup = _every_table_as_text(), _backup_as_text()
    assert "siti@example.my" in dump and "siti@example.my" in backup
    assert "deliver_message" in dump  # the task queue was looked at too
    for token in links:
        assert token not in dump
        assert token not in backup


def test_the_upgrade_redacts_links_already_stored():
    """Migration 0003: links in sent messages are removed, a pending
    message keeps its text so that it still goes out complete."""
    from importlib import import_module

    from django.apps import apps

    forget = import_module(
        "kedai.notifications.migrations.0003_forget_stored_links").forget
    link = "https://shop.example.my/order/" + "A" * 32 + "/"
    sent = Message.objects.create(kind="invoice:customer", to_email="s@example.my",
                                  subject="Invoice", body_text=f"See {link} now",
                                  body_html=f'<a href="{link}">order</a>',
                                  message_id="<1@test>", status=MessageStatus.SENT)
    pending = Message.objects.create(kind="invoice:customer", to_email="s@example.my",
                                     subject="Invoice", body_text=f"See {link}",
                                     message_id="<2@test>")
    forget(apps, None)
    sent.refresh_from_db()
    pending.refresh_from_db()
    assert "A" * 32 not in sent.body_text + sent.body_html
    assert sent.body_text.startswith("See https://shop.example.my[link removed")
    assert link in pending.body_text
