"""The home page is a dashboard: orders to ship, unpaid orders, low
stock, and warnings from any app that registers a provider; amounts as
RM1,234.50; the navigation is one list."""

from __future__ import annotations

import pytest

from kedai.backoffice import dashboard
from kedai.backoffice.context_processors import SECTIONS
from tests.backoffice.orders.conftest import pay, place
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers():
    saved = list(dashboard._warning_providers)
    yield
    dashboard._warning_providers[:] = saved


def test_the_home_page_lists_what_needs_doing(owner):
    to_ship = pay(place(items=(("1230.00", 1),)))
    unpaid = place()
    make_product(name="Songket scarf", variants=[{"price": "10.00", "stock": 1,
                                                  "sku": "SONG-1"}])
    page = owner.get("/office/").content.decode()
    ship_tile = page.split('id="tile-to-ship"')[1].split("</article>")[0]
    assert to_ship.number in ship_tile and "RM1,238.00" in ship_tile
    assert "MYR" not in page
    unpaid_tile = page.split('id="tile-unpaid"')[1].split("</article>")[0]
    assert unpaid.number in unpaid_tile
    low = page.split('id="tile-low_stock"')[1].split("</article>")[0]
    assert "Songket scarf (SONG-1)" in low and "1 left" in low


def test_warning_providers_plug_in_and_a_broken_one_is_skipped(owner, providers):
    dashboard.warning_provider_register(
        lambda: ["Pos Laju's rate card is a 2009 sample.",
                 {"text": "Skynet is inactive", "url": "/office/", "level": "error"}])

    def broken():
        raise RuntimeError("boom")

    dashboard.warning_provider_register(broken)
    response = owner.get("/office/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "rate card is a 2009 sample" in page
    assert page.index("Skynet is inactive") < page.index("2009 sample")  # errors first


def test_staff_see_no_settings_and_the_navigation_is_one_list(staff):
    page = staff.get("/office/").content.decode()
    assert 'href="/office/orders/"' in page
    assert 'href="/office/settings/"' not in page
    assert all(len(section) == 3 for section in SECTIONS)
