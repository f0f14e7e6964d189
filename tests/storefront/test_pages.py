"""Catalogue pages: front page, categories, products, errors, escaping."""

import pytest

from kedai.catalog.models import FrontPage
from kedai.catalog.services import catalog_changed
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db


def test_front_page_shows_what_the_owner_set(client, shop):
    front, _ = FrontPage.objects.get_or_create(pk=1)
    front.store_name = "Kedai Nusantara"
    front.announcement = "Free delivery above RM150"
    front.hero_title = "Batik week"
    front.hero_link_label = "Shop batik"
    front.hero_link_category = shop["batik"]
    front.save()
    front.featured_categories.set([shop["food"]])
    front.featured_products.set([shop["kopi"]])
    catalog_changed()
    body = client.get("/").content.decode()
    assert "Kedai Nusantara" in body
    assert "Free delivery above RM150" in body
    assert "Batik week" in body
    assert 'href="/c/batik/" role="button">Shop batik' in body
    assert 'href="/c/food/"' in body
    featured = body.split("featured-products")[-1]
    assert "Kopi Tenom" in featured and "Batik shirt" not in featured


def test_front_page_edits_show_without_restart(client, shop,
                                              django_capture_on_commit_callbacks):
    """Saving the front page in the back office invalidates the cache."""
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        front = FrontPage.objects.get(pk=1)
        front.announcement = "Raya sale"
        front.save()
        catalog_changed()
    assert "Raya sale" in client.get("/").content.decode()


def test_search_box_placement_follows_the_owner(client, shop):
    front, _ = FrontPage.objects.get_or_create(pk=1)
    front.search_in_header = False
    front.search_on_front_page = True
    front.search_on_category_pages = False
    front.save()
    catalog_changed()
    home = client.get("/").content.decode()
    assert 'id="front-q"' in home and 'id="header-q"' not in home
    category = client.get("/c/fashion/").content.decode()
    assert 'id="category-q"' not in category and 'id="header-q"' not in category


def test_category_page_lists_products_of_subcategories(client, shop):
    body = client.get("/c/fashion/").content.decode()
    assert "Batik shirt" in body
    assert "Kopi Tenom" not in body
    assert 'href="/c/batik/"' in body  # subcategory link


def test_category_filters_and_pagination(client, shop):
    for i in range(5):
        make_product(name=f"Kuih {i}", category=shop["food"],
                     variants=[{"price": f"{i + 1}.00", "stock": i}])
    page1 = client.get("/c/food/?per_page=2&sort=price").content.decode()
    assert "6 products" in page1
    assert "Page 1 of 3" in page1
    assert page1.index("Kuih 0") < page1.index("Kuih 1")
    assert "Kuih 2" not in page1
    page3 = client.get("/c/food/?per_page=2&sort=price&page=3").content.decode()
    assert "Kopi Tenom" in page3
    in_stock = client.get("/c/food/?in_stock=on&max_price=3").content.decode()
    assert "Kuih 1" in in_stock and "Kuih 0" not in in_stock  # Kuih 0 has no stock
    assert "Kuih 3" not in in_stock


def test_bad_listing_parameters_are_ignored_not_errors(client, shop):
    for query in ["page=abc", "page=-1", "page=999999999", "min_price=x",
                  "max_price=-5", "sort=evil", "per_page=100000", "in_stock=maybe"]:
        response = client.get(f"/c/fashion/?{query}")
        assert response.status_code == 200, query


def test_product_page_shows_variants_prices_and_sku(client, shop):
    body = client.get("/p/batik-shirt/").content.decode()
    # The first size in stock is chosen: its price, stock and code show.
    assert '<p class="price price-large">RM59.90</p>' in body
    assert 'name="variant"' in body
    assert "sold out" in body  # size L, marked in its option link
    kopi = client.get("/p/kopi-tenom/").content.decode()
    assert "RM1,234.50" in kopi
    assert "KOPI-1" in kopi


def test_unknown_product_or_category_is_a_404_with_search(client, shop):
    for url in ["/p/nope/", "/c/nope/", "/nope/", "/ms/p/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert '<search class="search-box">' in response.content.decode()


def test_inactive_products_and_categories_are_hidden(client, shop):
    shop["kopi"].is_active = False
    shop["kopi"].save()
    from kedai.catalog.services import product_refresh

    product_refresh(product_ids=[shop["kopi"].pk])
    assert client.get("/p/kopi-tenom/").status_code == 404
    assert "Kopi Tenom" not in client.get("/c/food/").content.decode()
    hidden = CategoryFactory(name="Hidden", slug="hidden", is_active=False)
    make_product(name="Secret", category=hidden)
    catalog_changed()
    assert client.get("/c/hidden/").status_code == 404


def test_markup_in_names_and_descriptions_is_escaped(client, shop):
    evil = "<script>alert('x')</script>"
    make_product(name=f"Evil {evil}", slug="evil", category=shop["food"],
                 description=f"**Bold** {evil} [link](javascript:alert(1))")
    for url in ["/p/evil/", "/c/food/", "/search/?q=evil"]:
        body = client.get(url).content.decode()
        assert evil not in body, url
        assert "&lt;script&gt;" in body, url
    product = client.get("/p/evil/").content.decode()
    assert "<strong>Bold</strong>" in product  # Markdown still renders
    assert 'href="javascript:' not in product


def test_malay_prefix_sets_the_language(client, shop):
    response = client.get("/ms/c/fashion/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ms">' in body
    assert 'href="/ms/p/batik-shirt/"' in body


def test_pages_make_no_third_party_requests(client, shop):
    """Every src/href on the pages points at this site."""
    import re

    for url in ["/", "/c/fashion/", "/p/batik-shirt/", "/search/?q=kopi"]:
        body = client.get(url).content.decode()
        for ref in re.findall(r'(?:src|href|action)="([^"]+)"', body):
            assert ref.startswith(("/", "#", "?")), ref
