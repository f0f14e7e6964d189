"""The search page answers any input with results or "nothing found"."""

import pytest

pytestmark = pytest.mark.django_db

HOSTILE = [
    "", "   ", "x" * 1000, "y" * 5000, '"', "*", "NEAR(", "NEAR(a b", "-", "OR",
    "AND", "NOT", '"unbalanced', "batik*", "(kopi", "kopi)", "a:b", "^batik",
    "<script>alert(1)</script>", "'; DROP TABLE catalog_product; --", "%", "_",
    "\\", "😀", "蜡染", "பாடிக்", "\x00", "{{ 7*7 }}", "{% debug %}",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(client, shop, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "49" not in body or "{{ 7*7 }}" not in q
    assert "product" in body  # "N products" line or "Nothing found"


def test_search_finds_by_name_sku_and_category(client, shop):
    assert "Kopi Tenom" in client.get("/search/?q=kopi").content.decode()
    assert "Kopi Tenom" in client.get("/search/?q=KOPI-1").content.decode()
    assert "Batik shirt" in client.get("/search/?q=fashion").content.decode()
    assert "Batik shirt" in client.get("/search/?q=bat").content.decode()


def test_search_combined_with_category(client, shop):
    body = client.get("/search/?q=kopi&category=fashion").content.decode()
    assert "0 products" in body
    body = client.get("/search/?q=kopi&category=food").content.decode()
    assert "1 product" in body


def test_search_query_is_escaped_in_the_page(client, shop):
    body = client.get("/search/", {"q": '<b onmouseover="x">kopi'}).content.decode()
    assert '<b onmouseover="x">' not in body
    assert "&lt;b onmouseover=&quot;x&quot;&gt;kopi" in body
