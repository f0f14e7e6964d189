"""Returning customers at checkout and the account pages, all cookieless."""

import re

import pytest
from django.core import mail
from django.test import Client

from kedai.checkout.models import Checkout
from kedai.customers import services as customers
from kedai.customers.addressing import address_clean
from kedai.customers.models import Address, Customer, SignInToken
from kedai.orders.models import Order
from tests.factories import flat_shipping
from tests.storefront.test_checkout_pages import DETAILS, expected_total, start

PASSWORD = "kopi tenom 2026"
OTHER_ADDRESS = {"name": "Siti Aminah", "line1": "8 Lorong Durian",
                 "city": "Kota Kinabalu", "postcode": "88000", "state_code": "SBH",
                 "phone": "+60198765432"}
URL_TOKEN = re.compile(r"/(?:checkout|account)/(?P<token>[A-Za-z0-9_-]{32})/")


@pytest.fixture
def siti(db):
    customer = customers.customer_get_or_create(email="siti@example.my",
                                                name="Siti Aminah",
                                                phone="+60123456789")
    customers.customer_set_password(customer=customer, password=PASSWORD)
    customers.customer_remember_address(customer=customer,
                                        address=address_clean(**OTHER_ADDRESS))
    return customer


def _private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert not response.cookies


def _token(location: str) -> str:
    match = URL_TOKEN.search(location)
    assert match, location
    return match["token"]


def _place(client, token) -> Order:
    response = client.post(f"/checkout/{token}/delivery/",
                           {"shipping_method": flat_shipping(),
                            "payment_method": "bank_transfer"})
    assert response.status_code == 303, response.content.decode()[:1500]
    review = client.get(f"/checkout/{token}/review/")
    placed = client.post(f"/checkout/{token}/review/",
                         {"accept_terms": "on",
                          "expected_total": expected_total(review)})
    assert placed.status_code == 303
    return Order.objects.get()


@pytest.mark.django_db
def test_signing_in_at_checkout_rotates_the_token_and_offers_saved_addresses(
        client, cart_token, siti):
    token = start(client, cart_token)
    identify = client.get(f"/checkout/{token}/")
    assert "Continue as a guest" in identify.content.decode()
    _private(identify)

    signed_in = client.post(f"/checkout/{token}/",
                            {"identifier": "C-000001", "password": PASSWORD})
    assert signed_in.status_code == 303
    _private(signed_in)
    new = _token(signed_in["Location"])
    assert signed_in["Location"] == f"/checkout/{new}/details/" and new != token
    assert client.get(f"/checkout/{token}/details/").status_code == 404  # rotated

    details = client.get(f"/checkout/{new}/details/").content.decode()
    assert "Signed in as Siti Aminah (customer ID C-000001)" in details
    assert "8 Lorong Durian" in details  # the saved address, offered…
    saved = Address.objects.get(customer=siti)
    assert f'value="{saved.pk}"' in details and "checked" in details  # …chosen

    # The typed email is ignored: a signed-in checkout keeps its owner's.
    response = client.post(f"/checkout/{new}/details/", {
        "email": "mallory@example.my", "name": "", "phone": "",
        "saved_address": str(saved.pk), "billing_same": "on"})
    assert response.status_code == 303, response.content.decode()[:2000]
    order = _place(client, new)
    assert order.customer == siti and order.email == "siti@example.my"
    assert order.shipping_address["line1"] == "8 Lorong Durian"
    assert order.shipping_address["state_code"] == "SBH"
    assert order.phone == "+60198765432"


@pytest.mark.django_db
def test_a_saved_address_of_another_customer_cannot_be_used(client, cart_token,
                                                            siti):
    ali = customers.customer_get_or_create(email="ali@example.my", name="Ali")
    alis = customers.customer_remember_address(
        customer=ali, address=address_clean(**{**OTHER_ADDRESS, "name": "Ali"}))
    token = start(client, cart_token)
    new = _token(client.post(f"/checkout/{token}/", {
        "identifier": "siti@example.my", "password": PASSWORD})["Location"])
    response = client.post(f"/checkout/{new}/details/", {
        "saved_address": str(alis.pk), "billing_same": "on"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Checkout.objects.get().has_details


@pytest.mark.django_db
def test_wrong_passwords_are_refused_then_rate_limited(client, cart_token, siti):
    token = start(client, cart_token)
    for _attempt in range(10):
        response = client.post(f"/checkout/{token}/", {
            "identifier": "C-000001", "password": "guess"})
        assert response.status_code == 422
        assert "do not match" in response.content.decode()
    response = client.post(f"/checkout/{token}/", {"identifier": "C-000001",
                                                   "password": PASSWORD})
    assert response.status_code == 429
    assert Checkout.objects.get().customer is None


@pytest.mark.django_db
def test_a_sign_in_link_signs_the_checkout_in_once(client, cart_token, siti,
                                                   django_capture_on_commit_callbacks):
    token = start(client, cart_token)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/checkout/{token}/sign-in-link/",
                           {"email": "siti@example.my"})
    assert sent.status_code == 200 and "on its way" in sent.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(f"/checkout/{token}/sign-in-link/",
                              {"email": "nobody@example.my"})
    assert unknown.content.decode().count("on its way") == 1  # same answer
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines()
                if "/sign-in/" in line)
    path = link.split("testserver", 1)[1]

    # A mail scanner's GET does not use the link up.
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    used = client.post(path)
    assert used.status_code == 303
    _private(used)
    new = _token(used["Location"])
    assert used["Location"] == f"/checkout/{new}/details/"
    assert Checkout.objects.get().customer == siti
    assert client.post(path).status_code == 404  # once only
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_guest_checkout_remembers_details_consent_and_einvoice(client, cart_token):
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", {
        **DETAILS, "marketing_consent": "on", "want_einvoice": "on",
        "tin": "C2584563200", "id_type": "BRN", "id_number": "202001234567",
        "sst_number": ""})
    assert response.status_code == 303, response.content.decode()[:2000]
    order = _place(client, token)
    assert order.buyer_einvoice == {"tin": "C2584563200", "id_type": "BRN",
                                    "id_number": "202001234567", "sst_number": ""}
    customer = Customer.objects.get()
    assert customer.marketing_consent and customer.password == ""
    assert [a.line1 for a in customer.addresses.all()] == ["12 Jalan Ampang"]


@pytest.mark.django_db
def test_bad_einvoice_details_are_refused_and_nothing_saved(client, cart_token):
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", {
        **DETAILS, "want_einvoice": "on", "tin": "12", "id_type": "NRIC",
        "id_number": "12"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "A TIN is a letter code and digits" in text
    assert "does not look like a valid number" in text
    assert not Checkout.objects.get().has_details


@pytest.mark.django_db
def test_a_guest_order_does_not_write_into_an_accounts_address_book(
        client, cart_token, siti):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)  # siti's email, no sign-in
    order = _place(client, token)
    assert order.customer == siti  # the order is hers (keyed by email)…
    assert [a.line1 for a in siti.addresses.all()] == ["8 Lorong Durian"]  # …not this


@pytest.mark.django_db
def test_the_account_pages_by_password(client, cart_token, siti):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    order = _place(client, token)

    page = client.get("/account/")
    assert page.status_code == 200
    _private(page)
    response = client.post("/account/", {"identifier": "siti@example.my",
                                         "password": PASSWORD})
    assert response.status_code == 303
    account_url = response["Location"]
    assert re.fullmatch(r"/account/[A-Za-z0-9_-]{32}/", account_url)
    page = client.get(account_url)
    _private(page)
    text = page.content.decode()
    assert order.number in text and "8 Lorong Durian" in text
    order_link = re.search(r'href="(/order/[A-Za-z0-9_-]{32}/)"', text)[1]
    assert order.number in client.get(order_link).content.decode()

    # Addresses: delete one; another customer's id does nothing.
    saved = siti.addresses.get()
    assert client.post(f"{account_url}addresses/{saved.pk}/delete/").status_code == 303
    assert not siti.addresses.exists()

    # Preferences and password.
    client.post(f"{account_url}preferences/", {"marketing_consent": "on"})
    siti.refresh_from_db()
    assert siti.marketing_consent
    bad = client.post(f"{account_url}password/", {
        "current_password": "wrong", "password": "nasi lemak 2026",
        "password_again": "nasi lemak 2026"})
    assert bad.status_code == 422
    assert "current password is wrong" in bad.content.decode()
    good = client.post(f"{account_url}password/", {
        "current_password": PASSWORD, "password": "nasi lemak 2026",
        "password_again": "nasi lemak 2026"})
    assert good.status_code == 200 and "password is saved" in good.content.decode()
    assert customers.customer_authenticate(identifier="C-000001",
                                           password="nasi lemak 2026") == siti

    # Signing out ends the link.
    assert client.post(f"{account_url}sign-out/").status_code == 200
    gone = client.get(account_url)
    assert gone.status_code == 404 and "expired" in gone.content.decode()


@pytest.mark.django_db
def test_a_guest_gets_an_account_by_link_and_creates_a_password(
        client, cart_token, django_capture_on_commit_callbacks):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    _place(client, token)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/", {"email": "siti@example.my"})
    link = next(line for line in mail.outbox[-1].body.splitlines()
                if "/sign-in/" in line)
    used = client.post(link.split("testserver", 1)[1])
    account_url = used["Location"]
    assert account_url.startswith("/account/")
    page = client.get(account_url).content.decode()
    assert "Create a password" in page and "Current password" not in page
    response = client.post(f"{account_url}password/", {
        "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 200
    assert customers.customer_authenticate(identifier="siti@example.my",
                                           password=PASSWORD) is not None


@pytest.mark.django_db
def test_account_links_expire(client, siti):
    token = customers.account_access_issue(customer=siti)
    assert client.get(f"/account/{token}/").status_code == 200
    SignInToken.objects.update(expires_at="2020-01-01T00:00:00Z")
    response = client.get(f"/account/{token}/")
    assert response.status_code == 404
    assert client.post(f"/account/{token}/preferences/",
                       {"marketing_consent": "on"}).status_code == 404
    assert client.get(f"/account/{'x' * 32}/").status_code == 404


@pytest.mark.django_db
def test_account_posts_from_another_site_are_refused(siti):
    token = customers.account_access_issue(customer=siti)
    browser = Client(headers={"Sec-Fetch-Site": "cross-site"})
    response = browser.post(f"/account/{token}/preferences/",
                            {"marketing_consent": "on"})
    assert response.status_code == 403
    siti.refresh_from_db()
    assert not siti.marketing_consent
