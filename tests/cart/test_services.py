import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone

from kedai.cart import services
from kedai.cart.exceptions import CartError, CartExpired, CartNotFound
from kedai.cart.models import Cart, CartLine
from kedai.core.tokens import token_hash
from kedai.notifications.models import Message
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_product(variants=[{"price": "25.00", "stock": 5}]).variants.get()


def test_token_is_stored_only_as_a_hash():
    """The database keeps the SHA-256 of the token, never the token."""
    cart, token = services.cart_create()
    assert len(token) == 32
    assert cart.token_hash == token_hash(token)
    assert token not in cart.token_hash
    assert services.cart_get(token=token) == cart


def test_tokens_are_unique_and_unguessable():
    tokens = {services.cart_create()[1] for _ in range(50)}
    assert len(tokens) == 50


def test_adding_twice_merges_into_one_line(variant):
    cart, _ = services.cart_create()
    services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=2)
    services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    assert list(cart.lines.values_list("quantity", flat=True)) == [3]


@pytest.mark.parametrize("quantity", [0, -1, 100, "2", 1.5, None, True])
def test_bad_quantities_are_refused_and_change_nothing(variant, quantity):
    cart, _ = services.cart_create()
    services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    with pytest.raises(CartError) as exc:
        services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=quantity)
    assert exc.value.code == "quantity"
    assert cart.lines.get().quantity == 1


def test_more_than_stock_is_refused(variant):
    cart, _ = services.cart_create()
    services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=4)
    with pytest.raises(CartError, match="Only 5 left"):
        services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=2)
    assert cart.lines.get().quantity == 4


def test_out_of_stock_and_inactive_are_refused(variant):
    cart, _ = services.cart_create()
    variant.stock = 0
    variant.save()
    with pytest.raises(CartError, match="out of stock"):
        services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    variant.stock = 5
    variant.is_active = False
    variant.save()
    with pytest.raises(CartError, match="no longer available"):
        services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    with pytest.raises(CartError):
        services.cart_add_line(cart=cart, variant_id=999_999, quantity=1)
    assert not cart.lines.exists()


@override_settings(KEDAI_CART_MAX_LINE_QUANTITY=3)
def test_per_line_maximum(variant):
    cart, _ = services.cart_create()
    services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=3)
    with pytest.raises(CartError, match="at most 3"):
        services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)


def test_refused_first_add_creates_no_cart(variant):
    """A visitor's refused first add leaves no empty cart behind."""
    with pytest.raises(CartError):
        services.cart_create_with_line(variant_id=variant.pk, quantity=50)
    assert not Cart.objects.exists()


def test_set_quantity_and_remove(variant):
    cart, _ = services.cart_create()
    line = services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
    services.cart_set_quantity(cart=cart, line_id=line.pk, quantity=4)
    assert CartLine.objects.get(pk=line.pk).quantity == 4
    with pytest.raises(CartError):
        services.cart_set_quantity(cart=cart, line_id=line.pk, quantity=6)
    assert CartLine.objects.get(pk=line.pk).quantity == 4
    services.cart_remove_line(cart=cart, line_id=line.pk)
    services.cart_remove_line(cart=cart, line_id=line.pk)  # already gone: fine
    assert not cart.lines.exists()


def test_lines_of_another_cart_cannot_be_touched(variant):
    mine, _ = services.cart_create()
    theirs, _ = services.cart_create()
    line = services.cart_add_line(cart=theirs, variant_id=variant.pk, quantity=1)
    with pytest.raises(CartError):
        services.cart_set_quantity(cart=mine, line_id=line.pk, quantity=2)
    services.cart_remove_line(cart=mine, line_id=line.pk)
    assert CartLine.objects.get(pk=line.pk).quantity == 1


def test_unknown_malformed_and_expired_tokens():
    with pytest.raises(CartNotFound):
        services.cart_get(token="x" * 32)
    with pytest.raises(CartNotFound):
        services.cart_get(token="../../etc/passwd")
    cart, token = services.cart_create()
    Cart.objects.filter(pk=cart.pk).update(
        last_seen_at=timezone.now() - timedelta(days=31))
    with pytest.raises(CartExpired):
        services.cart_get(token=token)


def test_purge_deletes_only_expired_carts(variant):
    old, _ = services.cart_create()
    services.cart_add_line(cart=old, variant_id=variant.pk, quantity=1)
    fresh, _ = services.cart_create()
    Cart.objects.filter(pk=old.pk).update(
        last_seen_at=timezone.now() - timedelta(days=31))
    assert services.cart_purge_expired() == 1
    assert list(Cart.objects.all()) == [fresh]


def test_email_link_is_sent_and_rate_limited(
        variant, mailoutbox, django_capture_on_commit_callbacks):
    """The link is mailed after commit, at most three times a day per cart."""
    cart, token = services.cart_create()
    url = f"http://shop.test/s/{token}/cart/"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.LINK_EMAILS_PER_DAY):
            services.cart_email_link(cart=cart, email="siti@example.my", url=url,
                                     client="192.0.2.7")
    assert len(mailoutbox) == services.LINK_EMAILS_PER_DAY
    assert url in mailoutbox[0].body
    assert mailoutbox[0].to == ["siti@example.my"]
    with pytest.raises(CartError):
        services.cart_email_link(cart=cart, email="siti@example.my", url=url,
                                     client="192.0.2.7")
    assert len(mailoutbox) == services.LINK_EMAILS_PER_DAY
    assert Cart.objects.get(pk=cart.pk).email == "siti@example.my"


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_never_exceed_stock():
    """Eight shoppers' tabs adding at once: the line never passes stock.

    Threads start together behind a barrier against a file-backed database,
    so the check-then-write really races.
    """
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart, _ = services.cart_create()
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def add():
        try:
            barrier.wait()
            services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
            outcomes.append("ok")
        except CartError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=add) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 5
    assert outcomes.count("refused") == 3
    assert CartLine.objects.get(cart=cart).quantity == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", [False, True], ids=["add", "first add"])
def test_adding_waits_its_turn_in_the_sqlite_writers_queue(first):
    """On SQLite an add's whole transaction queues behind the writer ahead
    (core.sqlite_writer), rather than polling in SQLite's busy handler."""
    from django.db import connection

    from kedai.core.sqlite_writer import sqlite_writer

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite queues its writers")
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart, _ = services.cart_create()
    done = threading.Event()

    def add():
        try:
            if first:
                services.cart_create_with_line(variant_id=variant.pk, quantity=1)
            else:
                services.cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
            done.set()
        finally:
            close_old_connections()

    with sqlite_writer():  # the writer ahead, holding no SQLite lock
        thread = threading.Thread(target=add)
        thread.start()
        assert not done.wait(0.5)  # still waiting for the queue
    thread.join(10)
    assert done.is_set()
    assert CartLine.objects.filter(variant=variant).count() == 1


def test_email_links_are_limited_per_recipient_and_per_client():
    """Issue 13, defect 12: carts are free, so a fresh cart per request
    must not let one client mail a stranger, or mail many strangers."""
    sent = refused = 0
    for _ in range(30):  # one client, a fresh cart each time, one stranger
        cart, token = services.cart_create()
        try:
            services.cart_email_link(cart=cart, email="Stranger@example.my",
                                     url=f"http://shop.test/s/{token}/cart/",
                                     client="198.51.100.1")
            sent += 1
        except CartError as exc:
            assert exc.code == "rate_limited"
            refused += 1
    assert (sent, refused) == (services.LINK_EMAILS_PER_ADDRESS_PER_DAY,
                               30 - services.LINK_EMAILS_PER_ADDRESS_PER_DAY)
    # Other clients cannot add to that stranger's mail either.
    cart, token = services.cart_create()
    with pytest.raises(CartError):
        services.cart_email_link(cart=cart, email="stranger@example.my",
                                 url=f"http://shop.test/s/{token}/cart/",
                                 client="203.0.113.50")
    # One client mailing many different addresses is stopped too.
    outcomes = []
    for n in range(30):
        cart, token = services.cart_create()
        try:
            services.cart_email_link(cart=cart, email=f"person{n}@example.my",
                                     url=f"http://shop.test/s/{token}/cart/",
                                     client="192.0.2.99")
            outcomes.append(True)
        except CartError:
            outcomes.append(False)
    assert outcomes.count(True) == services.LINK_EMAILS_PER_CLIENT_PER_HOUR
    assert Message.objects.count() == (services.LINK_EMAILS_PER_ADDRESS_PER_DAY
                                       + services.LINK_EMAILS_PER_CLIENT_PER_HOUR)
