"""The storefront API: catalogue, cart, checkout to a placed order."""

import json

import pytest

from kedai.catalog.models import Variant
from tests.api.conftest import ADDRESS

pytestmark = pytest.mark.django_db
BASE = "/api/store/v1"


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json",
                       **headers)


def test_categories_and_products_with_money_as_strings(client, shop):
    cats = client.get(f"{BASE}/categories").json()
    assert [c["slug"] for c in cats] == ["fashion", "batik", "food"]
    page = client.get(f"{BASE}/products", {"category": "fashion"}).json()
    assert [p["slug"] for p in page["items"]] == ["batik-shirt"]
    assert page["items"][0]["price"] == {"amount": "59.90", "currency": "MYR"}
    assert page["next_cursor"] is None
    product = client.get(f"{BASE}/products/batik-shirt").json()
    assert [(v["sku"], v["stock"], v["available"]) for v in product["variants"]] == [
        ("BTK-1-M", 3, True), ("BTK-1-L", 0, False)]


def test_listing_pages_by_cursor(client, shop):
    from tests.factories import make_product

    for i in range(30):
        make_product(name=f"Thing {i:02d}", slug=f"thing-{i:02d}",
                     category=shop["food"])
    first = client.get(f"{BASE}/products", {"category": "food"}).json()
    assert len(first["items"]) == 24 and first["total"] == 31
    second = client.get(f"{BASE}/products", {"category": "food",
                                             "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 7 and second["next_cursor"] is None
    seen = {p["slug"] for p in first["items"]} | {p["slug"] for p in second["items"]}
    assert len(seen) == 31
    forged = client.get(f"{BASE}/products", {"cursor": "abc"})
    assert forged.status_code == 400
    assert forged["Content-Type"] == "application/problem+json"


def test_search_has_facets(client, shop):
    body = client.get(f"{BASE}/search", {"q": "shirt"}).json()
    assert [p["slug"] for p in body["items"]] == ["batik-shirt"]
    assert body["facets"]["categories"] == [
        {"value": "batik", "label": "Batik", "count": 1}]
    assert body["facets"]["price_min"]["amount"] == "59.90"


def test_errors_are_problem_documents(client, shop):
    for response in (client.get(f"{BASE}/products/nope"),
                     client.get("/api/store/v1/no-such-thing"),
                     client.get(f"{BASE}/carts/{'x' * 32}"),
                     post(client, f"{BASE}/carts", {"variant_id": "abc"}),
                     client.put(f"{BASE}/categories")):
        assert response["Content-Type"] == "application/problem+json", response
        body = response.json()
        assert body["status"] == response.status_code
        assert {"type", "title", "detail"} <= set(body)
    invalid = post(client, f"{BASE}/carts", {"variant_id": "abc"}).json()
    assert invalid["status"] == 422 and invalid["errors"][0]["field"] == "variant_id"


def test_cart_by_path_and_by_header(client, shop):
    m = Variant.objects.get(sku="BTK-1-M")
    created = post(client, f"{BASE}/carts", {"variant_id": m.pk, "quantity": 2})
    assert created.status_code == 201, created.content
    cart = created.json()
    token = cart["token"]
    assert cart["subtotal"] == {"amount": "119.80", "currency": "MYR"}
    kopi = Variant.objects.get(sku="KOPI-1")
    added = post(client, "/api/store/v1/cart/lines", {"variant_id": kopi.pk},
                 HTTP_AUTHORIZATION=f"Cart {token}")
    assert added.status_code == 201 and added.json()["units_in_cart"] == 3
    cart = client.get(f"{BASE}/cart", HTTP_AUTHORIZATION=f"Cart {token}").json()
    assert cart["subtotal"] == {"amount": "1354.30", "currency": "MYR"}
    line = cart["lines"][0]["id"]
    changed = client.patch(f"{BASE}/carts/{token}/lines/{line}",
                           json.dumps({"quantity": 1}),
                           content_type="application/json")
    assert changed.json()["item_count"] == 2
    too_many = client.patch(f"{BASE}/carts/{token}/lines/{line}",
                            json.dumps({"quantity": 50}),
                            content_type="application/json")
    assert too_many.status_code == 422
    removed = client.delete(f"{BASE}/carts/{token}/lines/{line}")
    assert removed.json()["item_count"] == 1
    assert client.get(f"{BASE}/cart").status_code == 401


def test_one_shoppers_token_never_opens_anothers(client, shop):
    kopi = Variant.objects.get(sku="KOPI-1")
    a = post(client, f"{BASE}/carts", {"variant_id": kopi.pk}).json()
    b = post(client, f"{BASE}/carts", {"variant_id": kopi.pk}).json()
    a_line = a["lines"][0]["id"]
    # B's token cannot change or remove A's line (removing is idempotent:
    # a line not in B's cart is already "gone" from it).
    changed = client.patch(f"{BASE}/carts/{b['token']}/lines/{a_line}",
                           json.dumps({"quantity": 3}),
                           content_type="application/json")
    assert changed.status_code == 422 and changed.json()["code"] == "line"
    removed = client.delete(f"{BASE}/carts/{b['token']}/lines/{a_line}")
    assert removed.json()["lines"] == b["lines"]
    assert client.get(f"{BASE}/carts/{a['token']}").json()["lines"][0]["quantity"] == 1
    # A checkout or order token is not a cart token, and vice versa.
    started = post(client, f"{BASE}/carts/{a['token']}/checkout", {}).json()
    assert client.get(f"{BASE}/carts/{started['checkout_token']}").status_code == 404
    assert client.get(f"{BASE}/checkouts/{b['token']}").status_code == 404
    assert client.get(f"{BASE}/orders/{a['token']}").status_code == 404


def test_checkout_to_a_placed_order(client, shop):
    kopi = Variant.objects.get(sku="KOPI-1")
    cart = post(client, f"{BASE}/carts", {"variant_id": kopi.pk}).json()
    quotes = client.get(f"{BASE}/carts/{cart['token']}/shipping-quotes",
                        {"postcode": "50450", "state": "KUL"})
    assert quotes.status_code == 200, quotes.content
    assert quotes.json()[0]["code"] == shop["shipping"]
    bad = client.get(f"{BASE}/carts/{cart['token']}/shipping-quotes",
                     {"postcode": "50450", "state": "SBH"})
    assert bad.status_code == 422
    checkout = post(client, f"{BASE}/carts/{cart['token']}/checkout", {}).json()
    token = checkout["checkout_token"]
    details = client.put(f"{BASE}/checkouts/{token}/details", json.dumps({
        "email": "siti@example.my", "name": "Siti Aminah", "phone": "012-345 6789",
        "shipping": ADDRESS}), content_type="application/json")
    assert details.status_code == 200, details.content
    assert details.json()["next_step"] == "delivery"
    options = client.get(f"{BASE}/checkouts/{token}/delivery").json()
    assert options["shipping"][0]["charge"]["amount"] == "8.00"
    delivery = client.put(f"{BASE}/checkouts/{token}/delivery", json.dumps({
        "shipping_method": shop["shipping"], "payment_method": "bank_transfer"}),
        content_type="application/json")
    assert delivery.json()["next_step"] == "review"
    review = client.get(f"{BASE}/checkouts/{token}/review").json()
    assert review["total"] == {"amount": "1242.50", "currency": "MYR"}
    wrong = post(client, f"{BASE}/checkouts/{token}/place", {"expected_total": "1.00"})
    assert wrong.status_code == 409
    placed = post(client, f"{BASE}/checkouts/{token}/place",
                  {"expected_total": "1242.50"})
    assert placed.status_code == 201, placed.content
    order_token = placed.json()["order_token"]
    again = post(client, f"{BASE}/checkouts/{token}/place",
                 {"expected_total": "1242.50"})
    assert again.json()["order"]["number"] == placed.json()["order"]["number"]
    status = client.get(f"{BASE}/orders/{order_token}").json()
    assert status["status"] == "awaiting_payment"
    assert status["payment_state"] == "bank_transfer"
    assert Variant.objects.get(sku="KOPI-1").stock == 9


def test_no_cookie_and_cors_only_for_storefront_reads(client, shop):
    kopi = Variant.objects.get(sku="KOPI-1")
    responses = [client.get(f"{BASE}/products"), client.get("/api/schema/"),
                 post(client, f"{BASE}/carts", {"variant_id": kopi.pk}),
                 client.get("/api/admin/v1/orders"), client.get("/api/nothing")]
    for response in responses:
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response
    assert responses[0]["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in responses[2]
    assert "Access-Control-Allow-Origin" not in responses[3]
    preflight = client.options(f"{BASE}/products")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET"


def test_idempotency_key_replays_or_refuses(client, shop):
    kopi = Variant.objects.get(sku="KOPI-1")
    first = post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
                 HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
                 HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["token"] == again.json()["token"]
    assert again["Idempotent-Replayed"] == "true"
    other = post(client, f"{BASE}/carts", {"variant_id": kopi.pk, "quantity": 2},
                 HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    from kedai.cart.models import Cart

    assert Cart.objects.count() == 1


def test_idempotency_key_in_progress_is_not_run_twice(client, shop):
    """A key whose first request has not answered yet gets 409 (retry),
    never a second cart; an abandoned claim is run again."""
    from datetime import timedelta

    from django.utils import timezone

    from kedai.api.models import IdempotencyRecord
    from kedai.cart.models import Cart

    kopi = Variant.objects.get(sku="KOPI-1")
    body = json.dumps({"variant_id": kopi.pk}).encode()
    import hashlib

    record = IdempotencyRecord.objects.create(
        scope="store:carts", key="k-running", status_code=0, response_body=b"",
        content_type="", body_hash=hashlib.sha256(body).hexdigest())
    busy = post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
                HTTP_IDEMPOTENCY_KEY="k-running")
    assert busy.status_code == 409 and busy["Retry-After"] == "1"
    assert not Cart.objects.exists()
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(minutes=5))
    retried = post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
                   HTTP_IDEMPOTENCY_KEY="k-running")
    assert retried.status_code == 201 and Cart.objects.count() == 1


def test_catalogue_answers_are_cached_until_the_catalogue_changes(
        client, shop, make_key, django_assert_num_queries,
        django_capture_on_commit_callbacks):
    first = client.get(f"{BASE}/products/kopi-tenom")
    assert first["Cache-Control"] == "public, max-age=60"
    with django_assert_num_queries(0):
        again = client.get(f"{BASE}/products/kopi-tenom")
    assert again.content == first.content
    _key, headers = make_key("catalog:write")
    # Cached answers are retired after the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "/api/admin/v1/stock",
             {"items": [{"sku": "KOPI-1", "stock": 4}]}, **headers)
    fresh = client.get(f"{BASE}/products/kopi-tenom").json()
    assert fresh["variants"][0]["stock"] == 4


def test_guessing_tokens_is_throttled(client, shop):
    from kedai.api.problems import TOKEN_MISSES_PER_WINDOW

    for i in range(TOKEN_MISSES_PER_WINDOW):
        assert client.get(f"{BASE}/carts/{i:032d}").status_code == 404
    blocked = client.get(f"{BASE}/orders/{'a' * 32}")
    assert blocked.status_code == 429
    assert blocked["Content-Type"] == "application/problem+json"
    assert client.get(f"{BASE}/products").status_code == 200  # catalogue still open


@pytest.mark.parametrize("where", ["path", "query", "body"])
def test_nul_characters_are_refused_before_any_query(client, shop, make_key, where):
    """PostgreSQL cannot store NUL: such text is a 422 problem, never a 500
    (found by the schema fuzzing on PostgreSQL)."""
    _key, headers = make_key("catalog:write")
    if where == "path":
        answer = client.get(f"{BASE}/products/kopi%00tenom")
    elif where == "query":
        answer = client.get(f"{BASE}/search?q=kopi%00")
    else:
        answer = post(client, "/api/admin/v1/stock",
                      {"items": [{"sku": "KOPI-1\u0000", "stock": 4}]}, **headers)
    assert answer.status_code == 422
    assert answer["Content-Type"].startswith("application/problem+json")
    assert Variant.objects.get(sku="KOPI-1").stock != 4


def test_old_idempotency_records_are_purged(client, shop, settings):
    """After KEDAI_IDEMPOTENCY_RETENTION_HOURS a key is forgotten: the
    command (a scheduler job) deletes old records and keeps recent ones."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from kedai.api.models import IdempotencyRecord

    assert "purge_idempotency" in settings.KEDAI_SCHEDULE
    settings.KEDAI_IDEMPOTENCY_RETENTION_HOURS = 24
    kopi = Variant.objects.get(sku="KOPI-1")
    for key in ("old", "new"):
        post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
             HTTP_IDEMPOTENCY_KEY=key)
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency", verbosity=0)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    # The forgotten key now makes a new cart; the kept one still replays.
    again = post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
                 HTTP_IDEMPOTENCY_KEY="new")
    assert again["Idempotent-Replayed"] == "true"
    fresh = post(client, f"{BASE}/carts", {"variant_id": kopi.pk},
                 HTTP_IDEMPOTENCY_KEY="old")
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh
