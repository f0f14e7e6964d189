"""Add-to-cart is one statement and answers htmx with a fragment; the cart
page reads its lines and totals in at most three queries (issue 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.cart.models import Cart, CartLine

pytestmark = pytest.mark.django_db


def _writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries
            if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT",
                                                          "RELEASE", "BEGIN"))]


def _statements(ctx) -> list[str]:
    """The queries, without the savepoints of the test's own transaction."""
    return [q["sql"] for q in ctx.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_adding_to_a_cart_is_one_statement(client, shop, cart_token):
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"/s/{cart_token}/cart/add/",
                               {"variant": shirt_m.pk, "quantity": 2})
    assert response.status_code == 303
    sql = _statements(ctx)
    # The cart by its token, then the one INSERT … ON CONFLICT … DO UPDATE.
    assert len(sql) == 2, sql
    assert "ON CONFLICT" in sql[1]
    assert CartLine.objects.get(variant=shirt_m).quantity == 2
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"/s/{cart_token}/cart/add/", {"variant": shirt_m.pk,
                                                   "quantity": 1})
    assert len(_statements(ctx)) == 2
    assert CartLine.objects.get(variant=shirt_m).quantity == 3


def test_adding_beyond_stock_changes_nothing_and_says_why(client, shop, cart_token):
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")  # 3 in stock
    client.post(f"/s/{cart_token}/cart/add/", {"variant": shirt_m.pk, "quantity": 2})
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"variant": shirt_m.pk, "quantity": 2})
    assert response.status_code == 422
    assert "Only 3 left in stock." in response.content.decode()
    assert CartLine.objects.get(variant=shirt_m).quantity == 2


def test_last_seen_is_written_at_most_once_a_minute(client, shop, cart_token):
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    before = Cart.objects.get().last_seen_at
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"/s/{cart_token}/cart/add/", {"variant": shirt_m.pk,
                                                   "quantity": 1})
    assert not [s for s in _writes(ctx) if "last_seen_at" in s]
    assert Cart.objects.get().last_seen_at == before


def test_htmx_add_answers_with_the_fragment(client, shop, cart_token):
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"variant": shirt_m.pk, "quantity": 1},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Added to your cart." in html
    assert 'id="header-cart-link" hx-swap-oob="true"' in html
    assert 'aria-label="2 items">2</span>' in html
    assert f"/s/{cart_token}/cart/" in html
    assert response["Cache-Control"] == "private, no-store"
    refused = client.post(f"/s/{cart_token}/cart/add/",
                          {"variant": shirt_m.pk, "quantity": 5},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert "Only 3 left in stock." in refused.content.decode()
    assert "<html" not in refused.content.decode()


def test_token_product_page_offers_htmx_add_and_plain_form(client, shop, cart_token):
    html = client.get(f"/s/{cart_token}/p/batik-shirt/").content.decode()
    add = f'action="/s/{cart_token}/cart/add/"'
    assert add in html  # works without JavaScript
    assert f'hx-post="/s/{cart_token}/cart/add/"' in html
    public = client.get("/p/batik-shirt/").content.decode()
    assert "hx-post" not in public.split('class="add-to-cart"')[1].split(">")[0]


@pytest.mark.parametrize("language", ["", "/ms"])
def test_cart_page_takes_two_queries(client, shop, cart_token, language):
    """The cart by its token, then its lines with their variants and
    products; the header's badge is worked out from those lines."""
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    client.post(f"/s/{cart_token}/cart/add/", {"variant": shirt_m.pk, "quantity": 1})
    # Navigation, layout and the promotion rules (free-delivery hints) are
    # cached once for all carts.
    client.get(f"/s/{cart_token}{language}/cart/")  # navigation and layout cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/s/{cart_token}{language}/cart/")
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 2, [q["sql"][:90] for q in ctx.captured_queries]


def test_cart_page_badge_is_the_badge_of_every_other_page(client, shop, cart_token):
    """Worked out from the cart page's own lines, the badge says what the
    badge query says: every unit, and the total of what can be bought —
    with a line beyond its stock and a line no longer for sale."""
    from kedai.cart.selectors import cart_badge
    from kedai.storefront.cart_badge import cart_badge_html

    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    client.post(f"/s/{cart_token}/cart/add/", {"variant": shirt_m.pk, "quantity": 3})
    shirt_m.stock = 1
    shirt_m.save()
    shop["kopi"].is_active = False
    shop["kopi"].save()
    badge = cart_badge_html(cart_badge(token=cart_token))
    assert 'class="badge"' in badge
    page = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert badge in page
    other_page = client.get(f"/s/{cart_token}/search/").content.decode()
    assert badge in other_page


def test_cart_summary_reads_what_the_orm_reads(shop, cart_token):
    """The hand-written statement gives the same lines, prices (two
    decimals, as the ORM gives them on SQLite too) and order."""
    from decimal import Decimal

    from kedai.cart import services
    from kedai.cart.selectors import cart_summary

    cart = services.cart_get(token=cart_token)
    services.cart_add_line(cart=cart, variant_id=shop["shirt"].variants.get(
        sku="BTK-1-M").pk, quantity=2)
    summary = cart_summary(cart=cart)
    orm = list(CartLine.objects.filter(cart=cart).select_related("variant__product"))
    assert [lv.line.pk for lv in summary.lines] == [line.pk for line in orm]
    for lv, line in zip(summary.lines, orm, strict=True):
        assert lv.line.quantity == line.quantity
        assert lv.line.created_at == line.created_at
        assert str(lv.unit_price) == str(line.variant.price)
        assert lv.line.variant.label == line.variant.label
        assert lv.line.variant.product.slug == line.variant.product.slug
        # Columns not read load on access, as with .only().
        assert lv.line.variant.weight_grams == line.variant.weight_grams
        # Instances as the ORM's: loaded, equal, and they save.
        for made, orm_made in ((lv.line, line), (lv.line.variant, line.variant),
                               (lv.line.variant.product, line.variant.product)):
            assert made == orm_made
            assert (made._state.adding, made._state.db) == (False, "default")
    first = summary.lines[0].line
    first.quantity = 3
    first.save(update_fields=["quantity"])
    assert CartLine.objects.get(pk=first.pk).quantity == 3
    assert summary.subtotal == Decimal("1234.50") + Decimal("119.80")
    assert str(summary.lines[0].unit_price) == "1234.50"
    fresh = services.cart_get(token=cart_token)
    assert (fresh.pk, fresh.currency, fresh.last_seen_at) == (
        cart.pk, cart.currency, Cart.objects.get(pk=cart.pk).last_seen_at)


@pytest.mark.parametrize("language", ["", "/ms"])
def test_cart_page_with_the_shared_layout_equals_a_fresh_render(
        client, settings, shop, cart_token, language):
    """Header and footer come from the shared layout render, with this
    cart's token and badge put in."""
    url = f"/s/{cart_token}{language}/cart/"
    settings.KEDAI_PAGE_CACHE_SECONDS = 0
    fresh = client.get(url).content
    settings.KEDAI_PAGE_CACHE_SECONDS = 60
    client.get(f"/s/{'y' * 32}{language}/c/fashion/")  # another token's render
    assert client.get(url).content == fresh
    assert client.get(url).content == fresh
    assert cart_token in fresh.decode() and "y" * 32 not in fresh.decode()


def test_htmx_add_of_a_product_with_options_goes_to_its_page(client, shop,
                                                             cart_token):
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"product": shop["shirt"].pk, "quantity": 1},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/s/{cart_token}/p/batik-shirt/?choose=1"


@pytest.mark.parametrize("language", ["", "/ms"])
def test_cart_rows_escape_names_and_show_problems_and_errors(
        client, shop, cart_token, language):
    """The rows built in Python escape what a shopper or owner typed, keep
    the variant's options, a line's problem, and a change's error by its
    field, in both languages."""
    from django.utils import translation

    kopi = shop["kopi"]
    kopi.name = 'Kopi <b>"Tenom"</b> & Co'
    kopi.save()
    shirt_m = shop["shirt"].variants.get(sku="BTK-1-M")
    client.post(f"/s/{cart_token}/cart/add/", {"variant": shirt_m.pk, "quantity": 3})
    shirt_m.stock = 2
    shirt_m.save()
    line = CartLine.objects.get(variant=shirt_m)
    page = client.get(f"/s/{cart_token}{language}/cart/?added={line.pk}")
    html = page.content.decode()
    escaped = "Kopi &lt;b&gt;&quot;Tenom&quot;&lt;/b&gt; &amp; Co"
    assert "<b>" not in html
    assert escaped in html
    assert f'<tr id="line-{line.pk}" class="highlight">' in html
    assert "<br><small>M</small><br><small>BTK-1-M</small>" in html
    with translation.override("ms" if language else "en"):
        from django.utils.translation import gettext
        assert gettext("Only %(n)d left in stock") % {"n": 2} in html
        assert gettext("Quantity of %(name)s") % {"name": escaped} in html
    assert f'action="/s/{cart_token}{language}/cart/lines/{line.pk}/"' in html
    response = client.post(f"/s/{cart_token}{language}/cart/lines/{line.pk}/",
                           {"action": "update", "quantity": "5"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    fragment = response.content.decode()
    assert fragment.startswith('<div id="cart-table">')
    assert f'aria-describedby="qty-{line.pk}-error"' in fragment
    assert f'<p class="error" id="qty-{line.pk}-error" role="alert">' in fragment
    assert fragment.count("aria-invalid") == 1


def test_a_model_with_init_listeners_is_still_built_by_the_orm(shop, cart_token):
    """The cart's hand-built instances skip Model.__init__; a model someone
    listens to post_init for goes through from_db, so the listener runs."""
    from django.db.models.signals import post_init

    from kedai.cart import services
    from kedai.cart.selectors import cart_summary
    from kedai.catalog.models import Product

    cart = services.cart_get(token=cart_token)
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(listener, sender=Product)
    try:
        summary = cart_summary(cart=cart)
    finally:
        post_init.disconnect(listener, sender=Product)
    assert seen == [lv.line.variant.product.pk for lv in summary.lines]
    assert seen
