"""Front page: banner, featured items, search-box places, embed snippet."""

import pytest

from kedai.catalog.models import FrontPage
from kedai.catalog.selectors import navigation_get
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db
URL = "/office/settings/front-page/"


def _form(**changes):
    data = {"announcement": "Free shipping above RM150", "hero_title": "Raya sale",
            "hero_text": "Up to 30% off", "hero_link_label": "",
            "hero_link_category": "",
            "featured_products_text": "", "search_in_header": "on",
            "search_on_front_page": ""}
    data.update(changes)
    return data


def test_the_owner_sets_banner_featured_items_and_search_places(
        owner_client, django_capture_on_commit_callbacks):
    batik = CategoryFactory(name="Batik", slug="batik")
    shirt = make_product(name="Batik shirt", category=batik,
                         variants=[{"sku": "BTK-001", "price": "89.00"}])
    sarong = make_product(name="Sarong", category=batik)
    navigation_get()  # cached before the change
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(URL, _form(
            hero_link_label="Shop batik", hero_link_category=batik.pk,
            featured_categories=[batik.pk],
            featured_products_text=f"btk-001, {sarong.slug}"))
    assert response.status_code == 302
    front = FrontPage.objects.get()
    assert front.hero_title == "Raya sale"
    assert front.hero_link_category == batik
    assert set(front.featured_products.all()) == {shirt, sarong}
    assert list(front.featured_categories.all()) == [batik]
    assert front.search_in_header and not front.search_on_front_page
    assert not front.search_on_category_pages
    # The storefront sees the change at once (navigation cache bumped).
    assert navigation_get().front_page.announcement == "Free shipping above RM150"
    # The form shows the featured products again as their addresses.
    page = owner_client.get(URL).content.decode()
    assert shirt.slug in page and sarong.slug in page


def test_unknown_featured_products_are_refused_and_nothing_saved(owner_client):
    FrontPage.objects.create(pk=1, announcement="Before")
    response = owner_client.post(URL, _form(featured_products_text="NO-SUCH, nope"))
    assert response.status_code == 200
    assert "No product has the code or address: NO-SUCH, nope" in (
        response.content.decode())
    assert FrontPage.objects.get().announcement == "Before"


def test_a_banner_button_needs_a_category(owner_client):
    response = owner_client.post(URL, _form(hero_link_label="Shop now"))
    assert response.status_code == 200
    assert "Choose where the banner button leads." in response.content.decode()
    assert not FrontPage.objects.filter(hero_title="Raya sale").exists()


def test_too_long_an_announcement_is_refused(owner_client):
    response = owner_client.post(URL, _form(announcement="x" * 201))
    assert response.status_code == 200
    assert not FrontPage.objects.filter(hero_title="Raya sale").exists()


def test_the_page_shows_the_embed_snippets_with_copy_buttons(owner_client):
    page = owner_client.get(URL, HTTP_HOST="localhost").content.decode()
    assert "action=&quot;http://localhost/search/" in page or (
        "http://localhost/search" in page)
    assert 'data-copy-target="snippet-form"' in page
    assert 'data-copy-target="snippet-script"' in page
    assert "kedai/kedai" in page  # the script with the copy handler
