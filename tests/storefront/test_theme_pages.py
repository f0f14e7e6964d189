"""The designed storefront: header (search, cart badge, language switch,
category drawer), product cards (From RM…, sale and sold-out badges,
"Choose options"), the product page's variant picker (no JavaScript: a GET
parameter chooses), sale prices and the Sale filter, filters folded away,
and the seller's details and trust-page links in every footer."""

import re
from decimal import Decimal

import pytest

from kedai.catalog.models import Variant
from kedai.catalog.services import product_refresh
from kedai.invoicing.models import SellerProfile
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(shop):
    """The batik shirt's M on sale: RM59.90, was RM79.90."""
    Variant.objects.filter(sku="BTK-1-M").update(compare_at_price=Decimal("79.90"))
    product_refresh(product_ids=[shop["shirt"].pk])
    return shop


@pytest.fixture
def seller(db):
    return SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn. Bhd.", registration_number="202301012345",
        msic_code="47912", address_line1="Lot 5, Jalan Tun Razak",
        city="Kuala Lumpur", postcode="50400", state_code="KUL",
        phone="+60321234567", email="hello@kedai.example.my")


def _card(html: str, name: str) -> str:
    for card in html.split('<article class="product-card')[1:]:
        if f"<h3>{name}</h3>" in card:
            return card.split("</article>")[0]
    raise AssertionError(f"no card for {name}")


def test_cards_show_sale_badge_struck_price_and_choose_options(client, sale):
    html = client.get("/c/fashion/").content.decode()
    shirt = _card(html, "Batik shirt")
    assert 'class="card-badge sale">Sale</span>' in shirt
    assert '<s class="compare-at">' in shirt and "RM79.90</s>" in shirt
    # Sizes: no add-to-cart button that would bounce, a link to choose.
    assert "Choose options" in shirt and 'href="/p/batik-shirt/"' in shirt
    assert 'name="product"' not in shirt
    kopi = _card(client.get("/c/food/").content.decode(), "Kopi Tenom")
    assert 'name="product"' in kopi and "Sale" not in kopi


def test_price_range_reads_from_and_sold_out_gets_a_badge(client, shop):
    make_product(name="Sarong", slug="sarong", category=shop["batik"],
                 option1_name="Colour",
                 variants=[{"option1": "Red", "price": "30.00", "stock": 0},
                           {"option1": "Blue", "price": "35.00", "stock": 0}])
    make_product(name="Tote", slug="tote", category=shop["batik"],
                 variants=[{"option1": "", "price": "12.00", "stock": 2},
                           {"option1": "Big", "price": "18.00", "stock": 2}])
    html = client.get("/c/batik/").content.decode()
    sarong = _card(html, "Sarong")
    assert "card-badge sold-out" in sarong and "Out of stock" in sarong
    assert "From RM30.00" in sarong
    assert "From RM12.00" in _card(html, "Tote")


def test_sale_filter_lists_only_products_on_sale(client, sale):
    html = client.get("/search/?sale=on").content.decode()
    assert "Batik shirt" in html and "Kopi Tenom" not in html
    assert 'name="sale" value="on" checked' in html
    category = client.get("/c/fashion/?sale=on").content.decode()
    assert "1 product" in category


def test_filters_are_folded_even_with_search_words(client, shop):
    html = client.get("/search/?q=batik").content.decode()
    assert '<details class="filters">' in html
    assert "filter-on" not in html
    filtered = client.get("/search/?q=batik&in_stock=on").content.decode()
    assert '<details class="filters">' in filtered and "filter-on" in filtered


def test_product_page_chooses_a_variant_by_get_parameter(client, sale):
    default = client.get("/p/batik-shirt/").content.decode()
    # The first size in stock is chosen: its sale price, saving and stock.
    assert '<span class="sale-price">RM59.90</span>' in default
    assert "You save RM20.00" in default
    assert "only 3 left" in default.lower()
    m = Variant.objects.get(sku="BTK-1-M")
    large = Variant.objects.get(sku="BTK-1-L")
    assert f'<input type="hidden" name="variant" value="{m.pk}">' in default
    assert f'href="?variant={large.pk}#buy"' in default
    chosen = client.get(f"/p/batik-shirt/?variant={large.pk}").content.decode()
    assert '<p class="price price-large">RM62.00</p>' in chosen
    assert f'<input type="hidden" name="variant" value="{large.pk}">' in chosen
    assert "Size: <strong>L</strong>" in chosen
    assert ">Add to cart</button>" not in chosen  # L is sold out
    # Nonsense picks the default, never an error.
    assert client.get("/p/batik-shirt/?variant=x").status_code == 200


def test_product_page_form_names_the_product(client, shop):
    """A shopper who somehow posts no variant is asked to choose, not told the
    product is gone (issue 14)."""
    html = client.get("/p/batik-shirt/").content.decode()
    form = html.split('class="add-to-cart"')[1].split("</form>")[0]
    assert f'name="product" value="{shop["shirt"].pk}"' in form
    response = client.post("/cart/add/", {"product": shop["shirt"].pk,
                                          "quantity": 1})
    assert response.status_code in (302, 303)
    assert "choose=1" in response["Location"]


def test_two_option_picker_keeps_the_other_choice(client, shop):
    make_product(name="Kebaya", slug="kebaya", category=shop["batik"],
                 option1_name="Size", option2_name="Colour", variants=[
                     {"sku": "KB-S-R", "option1": "S", "option2": "Red",
                      "price": "99.00", "stock": 5},
                     {"sku": "KB-S-G", "option1": "S", "option2": "Green",
                      "price": "99.00", "stock": 5},
                     {"sku": "KB-M-R", "option1": "M", "option2": "Red",
                      "price": "109.00", "stock": 5},
                     {"sku": "KB-M-G", "option1": "M", "option2": "Green",
                      "price": "109.00", "stock": 1}])
    green_s = Variant.objects.get(sku="KB-S-G")
    green_m = Variant.objects.get(sku="KB-M-G")
    html = client.get(f"/p/kebaya/?variant={green_s.pk}").content.decode()
    # "M" keeps Green.
    assert re.search(rf'href="\?variant={green_m.pk}#buy"[^>]*>M', html)
    assert "Colour: <strong>Green</strong>" in html


def test_language_switch_keeps_the_path_query_and_cart(client, shop, cart_token):
    html = client.get("/c/fashion/?sort=price").content.decode()
    assert 'href="/ms/c/fashion/?sort=price" hreflang="ms"' in html
    assert 'href="/c/fashion/?sort=price" hreflang="en"' in html
    for _state in ("miss", "hit"):
        page = client.get(f"/s/{cart_token}/ms/c/fashion/").content.decode()
        assert f'href="/s/{cart_token}/c/fashion/" hreflang="en"' in page
        assert f'href="/s/{cart_token}/ms/c/fashion/" hreflang="ms"' in page
    # Another cart served from the same cached render gets its own token.
    other = client.post("/cart/add/", {"product": shop["kopi"].pk, "quantity": 1})
    other_token = other["Location"].split("/")[2]
    page = client.get(f"/s/{other_token}/ms/c/fashion/")
    assert page["X-Kedai-Cache"] == "hit"
    assert f'href="/s/{other_token}/c/fashion/" hreflang="en"' in page.content.decode()
    assert cart_token not in page.content.decode()


def test_header_has_search_drawer_and_badge(client, shop, cart_token):
    html = client.get(f"/s/{cart_token}/").content.decode()
    assert '<details class="drawer">' in html
    assert f'href="/s/{cart_token}/c/batik/"' in html  # subcategories in the drawer
    assert 'id="header-q"' in html
    assert 'aria-label="1 item">1</span>' in html


def test_every_footer_has_seller_details_and_policy_links(client, shop, seller,
                                                          cart_token):
    for url in ("/", "/c/fashion/", "/p/batik-shirt/", "/search/?q=kopi",
                "/pages/terms/", f"/s/{cart_token}/cart/", "/ms/"):
        html = client.get(url).content.decode()
        footer = html.split('<footer class="site-footer">')[1]
        assert "Kedai Nusantara Sdn. Bhd." in footer, url
        assert "202301012345" in footer, url
        assert "Lot 5, Jalan Tun Razak, 50400 Kuala Lumpur" in footer, url
        assert "+60321234567" in footer and "hello@kedai.example.my" in footer, url
        for kind in ("terms", "returns", "shipping", "privacy", "contact", "about"):
            assert f"pages/{kind}/" in footer, (url, kind)
        assert 'class="pay-marks"' in footer
    ms = client.get("/ms/").content.decode().split('<footer class="site-footer">')[1]
    assert 'href="/ms/pages/terms/">Terma dan syarat</a>' in ms
    token_page = client.get(f"/s/{cart_token}/p/batik-shirt/").content.decode()
    assert f'href="/s/{cart_token}/pages/terms/"' in token_page


def test_seller_details_partial_renders_for_other_pages(rf, seller):
    from django.template.loader import render_to_string

    from kedai.shopsettings.theme import seller_details_get

    html = render_to_string("storefront/partials/seller_details.html",
                            {"seller": seller_details_get()})
    assert "<address" in html and "Kedai Nusantara Sdn. Bhd." in html
    assert render_to_string("storefront/partials/seller_details.html",
                            {"seller": {}}).strip() == ""


def test_seller_change_shows_at_once(client, shop, seller,
                                     django_capture_on_commit_callbacks):
    from kedai.shopsettings import services

    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        services.shop_identity_update(
            seller_fields={"phone": "+60388889999"}, branding_fields={})
    assert "+60388889999" in client.get("/").content.decode()
