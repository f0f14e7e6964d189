"""The language switch on every storefront page keeps the cart (issue 14)."""

import re

import pytest

pytestmark = pytest.mark.django_db

SWITCH = re.compile(r'<nav aria-label="[^"]*" class="lang-switch">(?P<nav>.*?)</nav>',
                    re.DOTALL)
LINK = re.compile(r'<li><a href="(?P<href>[^"]*)" hreflang="(?P<lang>\w+)" '
                  r'lang="(?P=lang)"(?P<current> aria-current="true")?>')


def _switch(response) -> tuple[str, str]:
    """The link to the other language (the current one is marked)."""
    match = SWITCH.search(response.content.decode())
    assert match, "no language switch on the page"
    links = list(LINK.finditer(match["nav"]))
    assert len(links) == 2, match["nav"]
    current = [link["lang"] for link in links if link["current"]]
    other = [link for link in links if not link["current"]]
    assert len(current) == 1 and len(other) == 1, match["nav"]
    # The current language's link points at this very page.
    here = response.request["PATH_INFO"]
    query = response.request.get("QUERY_STRING", "")
    own = next(link for link in links if link["current"])["href"].replace("&amp;", "&")
    assert own == here + (f"?{query}" if query else ""), (own, here)
    return other[0]["href"].replace("&amp;", "&"), other[0]["lang"]


@pytest.mark.parametrize("cached", [True, False])
@pytest.mark.parametrize("path", ["/", "/c/fashion/", "/p/kopi-tenom/",
                                  "/search/?q=kopi&sort=price", "/cart/"])
def test_switch_keeps_the_cart_token_path_and_query(client, settings, cart_token,
                                                    path, cached):
    if not cached:
        settings.KEDAI_PAGE_CACHE_SECONDS = 0
    for _round in range(2):  # the second round comes from the caches
        english = client.get(f"/s/{cart_token}{path}")
        assert english.status_code == 200
        assert _switch(english) == (f"/s/{cart_token}/ms{path}", "ms")
        malay = client.get(f"/s/{cart_token}/ms{path}")
        assert malay.status_code == 200
        assert _switch(malay) == (f"/s/{cart_token}{path}", "en")


def test_each_page_gets_its_own_switch_from_the_shared_header(client, shop):
    # The header is one shared render for every page; the links are not.
    for path in ("/", "/c/fashion/", "/p/batik-shirt/"):
        for _round in range(2):
            assert _switch(client.get(path)) == (f"/ms{path}", "ms")
            assert _switch(client.get(f"/ms{path}")) == (path, "en")


def test_switch_in_checkout_keeps_the_checkout(client, cart_token):
    response = client.post(f"/s/{cart_token}/checkout/start/")
    assert response.status_code in (302, 303)
    checkout = response["Location"]
    page = client.get(checkout, follow=True)
    assert page.status_code == 200
    href, lang = _switch(page)
    assert lang == "ms"
    here = page.request["PATH_INFO"]
    assert href.endswith(here.replace("/checkout/", "/ms/checkout/", 1))
    malay = client.get(href)
    assert malay.status_code == 200
    assert malay.content.decode().count('lang="ms"') >= 1


def test_switched_page_is_in_malay(client, shop):
    english = client.get("/")
    href, _lang = _switch(english)
    malay = client.get(href)
    assert '<html lang="ms">' in malay.content.decode()
    assert "Troli" in malay.content.decode()
