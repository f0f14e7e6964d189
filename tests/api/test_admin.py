"""The admin API: keys, scopes, orders, catalogue, customers, documents."""

import json

import pytest

from kedai.api.keys import api_key_revoke
from kedai.api.models import ApiKey
from kedai.catalog.models import Product, Variant
from tests.api.conftest import api_post

pytestmark = pytest.mark.django_db
BASE = "/api/admin/v1"


def test_no_key_or_a_bad_key_is_401(client, shop):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer kd_nope"},
                    {"HTTP_AUTHORIZATION": "Basic abc"}):
        response = client.get(f"{BASE}/orders", **headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"


def test_keys_reach_only_their_scopes(client, shop, make_key):
    _key, catalog_reader = make_key("catalog:read")
    assert client.get(f"{BASE}/products", **catalog_reader).status_code == 200
    denied = [client.get(f"{BASE}/orders", **catalog_reader),
              client.get(f"{BASE}/customers", **catalog_reader),
              api_post(client, f"{BASE}/stock", {"items": [{"sku": "KOPI-1",
                                                            "stock": 1}]},
                       **catalog_reader)]
    for response in denied:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "scope"
    assert Variant.objects.get(sku="KOPI-1").stock == 10
    _key, writer = make_key("catalog:write")
    assert client.get(f"{BASE}/products", **writer).status_code == 200  # implies read


def test_a_revoked_key_stops_at_once(client, shop, make_key):
    key, headers = make_key("orders:read")
    assert client.get(f"{BASE}/orders", **headers).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    api_key_revoke(key=key)
    assert client.get(f"{BASE}/orders", **headers).status_code == 401


def test_keys_are_stored_hashed(shop, make_key):
    key, headers = make_key("orders:read")
    secret = headers["HTTP_AUTHORIZATION"].split()[1]
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in json.dumps([stored.key_hash, stored.prefix, stored.name])
    assert len(stored.key_hash) == 64


def test_rate_limited_per_key(client, shop, make_key, settings):
    settings.KEDAI_API_RATE_LIMIT = 3
    _key, headers = make_key("orders:read")
    statuses = [client.get(f"{BASE}/orders", **headers).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_orders_list_filter_mark_paid_fulfil(client, placed_order, make_key):
    number, _token = placed_order
    _key, headers = make_key("orders:write")
    listed = client.get(f"{BASE}/orders", {"payment": "unpaid"}, **headers).json()
    assert [o["number"] for o in listed["items"]] == [number]
    assert client.get(f"{BASE}/orders", {"payment": "paid"},
                      **headers).json()["items"] == []
    paid = api_post(client, f"{BASE}/orders/{number}/mark-paid",
                    {"reference": "MBB 123"}, **headers)
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"
    again = api_post(client, f"{BASE}/orders/{number}/mark-paid",
                     {"reference": "MBB 123"}, **headers)
    assert again.status_code == 422
    fulfilled = api_post(client, f"{BASE}/orders/{number}/fulfil",
                         {"carrier": "poslaju", "tracking_numbers": ["ER123456789MY"]},
                         **headers)
    assert fulfilled.status_code == 201, fulfilled.content
    assert fulfilled.json()["tracking_numbers"] == ["ER123456789MY"]
    assert fulfilled.json()["fulfilment_state"] == "shipped"


def test_cancel_gives_stock_back(client, placed_order, make_key):
    number, _token = placed_order
    _key, headers = make_key("orders:write")
    assert Variant.objects.get(sku="KOPI-1").stock == 9
    cancelled = api_post(client, f"{BASE}/orders/{number}/cancel",
                         {"reason": "Customer asked"}, **headers)
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert Variant.objects.get(sku="KOPI-1").stock == 10


def test_refund_a_paid_order(client, placed_order, make_key):
    number, _token = placed_order
    _key, headers = make_key("orders:write")
    api_post(client, f"{BASE}/orders/{number}/mark-paid", {"reference": "X1"},
             **headers)
    line = client.get(f"{BASE}/orders/{number}", **headers).json()["lines"][0]["id"]
    refund = api_post(client, f"{BASE}/orders/{number}/refunds", {
        "lines": [{"line_id": line, "quantity": 1, "restock": 1}],
        "reason": "Damaged", "manual": True}, **headers)
    assert refund.status_code == 201, refund.content
    assert refund.json()["amount"] == {"amount": "1234.50", "currency": "MYR"}


def test_catalogue_create_update_and_bulk_stock(client, shop, make_key):
    _key, headers = make_key("catalog:write")
    created = api_post(client, f"{BASE}/products", {
        "slug": "teh-tarik", "name": "Teh tarik", "category": "food"}, **headers)
    assert created.status_code == 201, created.content
    variant = api_post(client, f"{BASE}/variants", {
        "sku": "TEH-1", "product": "teh-tarik", "price": "4.50", "stock": 5},
        **headers)
    assert variant.status_code == 201, variant.content
    assert variant.json()["variants"][0]["price"]["amount"] == "4.50"
    dup = api_post(client, f"{BASE}/products", {
        "slug": "teh-tarik", "name": "Again", "category": "food"}, **headers)
    assert dup.status_code == 409
    bad = api_post(client, f"{BASE}/products", {
        "slug": "kopi-o", "name": "Kopi O", "category": "no-such"}, **headers)
    assert bad.status_code == 422 and bad.json()["errors"]
    assert not Product.objects.filter(slug="kopi-o").exists()
    patched = client.patch(f"{BASE}/products/teh-tarik",
                           json.dumps({"name": "Teh tarik kaw"}),
                           content_type="application/json", **headers)
    assert patched.json()["name"] == "Teh tarik kaw"
    stock = api_post(client, f"{BASE}/stock", {"items": [
        {"sku": "TEH-1", "stock": 7}, {"sku": "KOPI-1", "stock": 2}]}, **headers)
    assert stock.status_code == 200, stock.content
    assert stock.json()["updated"] == 2
    refused = api_post(client, f"{BASE}/stock", {"items": [
        {"sku": "TEH-1", "stock": 1}, {"sku": "NOPE", "stock": 2}]}, **headers)
    assert refused.status_code == 422
    assert Variant.objects.get(sku="TEH-1").stock == 7  # all or nothing


def test_customers_and_documents(client, placed_order, make_key):
    number, _token = placed_order
    _key, headers = make_key("customers:read", "documents:read")
    customers = client.get(f"{BASE}/customers", **headers).json()["items"]
    assert [c["email"] for c in customers] == ["siti@example.my"]
    docs = client.get(f"{BASE}/orders/{number}/documents", **headers).json()
    assert docs and docs[0]["kind"] == "invoice"
    pdf = client.get(docs[0]["pdf_url"], **headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_idempotent_product_create(client, shop, make_key):
    _key, headers = make_key("catalog:write")
    body = {"slug": "teh-o", "name": "Teh O", "category": "food"}
    first = api_post(client, f"{BASE}/products", body, HTTP_IDEMPOTENCY_KEY="k1",
                     **headers)
    again = api_post(client, f"{BASE}/products", body, HTTP_IDEMPOTENCY_KEY="k1",
                     **headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    other = api_post(client, f"{BASE}/products", {**body, "name": "Teh C"},
                     HTTP_IDEMPOTENCY_KEY="k1", **headers)
    assert other.status_code == 422
    # Another key's client does not see (or collide with) this key's answer.
    _other_key, other_headers = make_key("catalog:write", name="other")
    theirs = api_post(client, f"{BASE}/products", body, HTTP_IDEMPOTENCY_KEY="k1",
                      **other_headers)
    assert theirs.status_code == 409


def test_settlement_import(client, shop, make_key):
    _key, headers = make_key("settlements:write")
    csv = ("payout_id,settled_on,reference,gateway_reference,gross,fee,net,currency\n"
           "PO-1,2026-11-20,KD-NOPE,,25.00,0.50,24.50,MYR\n")
    made = api_post(client, f"{BASE}/settlements",
                    {"gateway": "billplz", "content": csv}, **headers)
    assert made.status_code == 201, made.content
    assert made.json()["results"] == {"unmatched": 1}
    bad = api_post(client, f"{BASE}/settlements",
                   {"gateway": "billplz", "content": "a,b\n1,2\n"}, **headers)
    assert bad.status_code == 422
    _key, reader = make_key("orders:write")
    assert api_post(client, f"{BASE}/settlements", {"gateway": "billplz",
                                                   "content": csv},
                    **reader).status_code == 403
