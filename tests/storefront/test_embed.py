"""The search box for other websites: plain form, script, JSON suggestions."""

import json

import pytest

from kedai.catalog.snippets import search_snippets
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_plain_form_snippet_works_from_another_site(client, shop):
    """The pasted form is a plain GET to /search/, so it needs nothing else."""
    form_html, script_html = search_snippets("https://shop.example.my")
    assert 'method="get" action="https://shop.example.my/search/"' in form_html
    assert 'name="q"' in form_html
    assert 'src="https://shop.example.my/embed/search.js"' in script_html
    response = client.get("/search/", {"q": "kopi"}, HTTP_SEC_FETCH_SITE="cross-site",
                          HTTP_REFERER="https://blog.example.my/")
    assert response.status_code == 200
    assert "Kopi Tenom" in response.content.decode()
    assert not response.cookies


def test_suggestions_json_allows_cross_origin_get(client, shop):
    response = client.get("/embed/suggest.json?q=kop",
                          HTTP_ORIGIN="https://blog.example.my")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert data["search_url"] == "http://testserver/search/"
    assert [r["name"] for r in data["results"]] == ["Kopi Tenom"]
    assert data["results"][0]["url"] == "http://testserver/p/kopi-tenom/"
    assert data["results"][0]["price"] == "RM1,234.50"
    assert not response.cookies


def test_suggestions_for_hostile_input_are_empty_or_escaped(client, shop):
    make_product(name="<img src=x onerror=alert(1)> Kuih", slug="kuih-x",
                 category=shop["food"])
    for q in ["", "   ", '"', "NEAR(", "x" * 1000, "<script>"]:
        response = client.get("/embed/suggest.json", {"q": q})
        assert response.status_code == 200
        json.loads(response.content)
    body = client.get("/embed/suggest.json?q=kuih").content.decode()
    assert "<img" not in body  # JSON escapes < as \u003c
    assert json.loads(body)["results"][0]["name"].startswith("<img")


def test_script_is_javascript_and_builds_dom_safely(client):
    response = client.get("/embed/search.js", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    source = response.content.decode()
    assert "/embed/suggest.json" in source
    assert "innerHTML" not in source
    assert "textContent" in source
    assert '"Search products"' in source


def test_post_to_embed_endpoints_is_refused(client):
    assert client.post("/embed/suggest.json").status_code == 405
