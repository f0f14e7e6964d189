"""The OpenAPI document and its reference page."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_1_with_problem_errors(client):
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/store/v1/products" in schema["paths"]
    assert "/api/admin/v1/orders" in schema["paths"]
    errors = schema["paths"]["/api/store/v1/products/{slug}"]["get"]["responses"]
    assert "application/problem+json" in errors["404"]["content"]
    admin = schema["paths"]["/api/admin/v1/orders"]["get"]
    assert admin["security"]


def test_reference_page_has_no_third_party_assets(client):
    page = client.get("/api/reference/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/api/store/v1/carts/{token}/lines" in text
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text
