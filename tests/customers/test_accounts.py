"""Customer accounts: IDs, passwords (Argon2), one-time sign-in links,
short-lived account tokens and saved addresses."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from kedai.customers import services
from kedai.customers.addressing import address_clean
from kedai.customers.exceptions import CustomerError
from kedai.customers.models import Address, Customer, SignInToken

ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
ADDRESS = {"name": "Siti Aminah", "line1": "12 Jalan Ampang", "city": "Kuala Lumpur",
           "postcode": "50450", "state_code": "KUL", "phone": "012-345 6789"}


@pytest.fixture
def siti(db):
    return services.customer_get_or_create(email="Siti@Example.my",
                                           name="Siti Aminah")


def _link_token(outbox_message) -> str:
    url = next(line for line in outbox_message.body.splitlines()
               if "/sign-in/" in line)
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.django_db
def test_customers_get_friendly_ids_and_are_found_by_id_or_email(siti):
    other = services.customer_get_or_create(email="ali@example.my", name="Ali")
    assert (siti.number, other.number) == ("C-000001", "C-000002")
    for identifier in ("C-000001", "c000001", "C-1", " siti@EXAMPLE.my "):
        assert services.customer_find(identifier=identifier) == siti
    for identifier in ("C-000009", "nobody@example.my", "not an email", ""):
        assert services.customer_find(identifier=identifier) is None


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=ARGON2)
def test_passwords_are_hashed_with_argon2_and_checked(siti):
    services.customer_set_password(customer=siti, password="kopi tenom 2026")
    siti.refresh_from_db()
    assert siti.password.startswith("argon2$argon2id$")
    assert "kopi" not in siti.password
    assert services.customer_authenticate(identifier="C-000001",
                                          password="kopi tenom 2026") == siti
    assert services.customer_authenticate(identifier="siti@example.my",
                                          password="kopi tenom 2026") == siti
    assert services.customer_authenticate(identifier="siti@example.my",
                                          password="Kopi tenom 2026") is None


@pytest.mark.django_db
def test_guests_and_unknown_customers_cannot_sign_in_with_a_password(siti):
    assert siti.password == ""
    assert services.customer_authenticate(identifier="siti@example.my",
                                          password="") is None
    assert services.customer_authenticate(identifier="nobody@example.my",
                                          password="anything") is None


@pytest.mark.django_db
def test_changing_a_password_needs_the_current_one_and_a_good_new_one(siti):
    services.customer_set_password(customer=siti, password="kopi tenom 2026")
    with pytest.raises(ValidationError) as caught:
        services.customer_set_password(customer=siti, password="nasi lemak 2026",
                                       current_password="wrong")
    assert "current_password" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.customer_set_password(customer=siti, password="short",
                                       current_password="kopi tenom 2026")
    assert "password" in caught.value.error_dict
    siti.refresh_from_db()
    assert services.customer_authenticate(identifier="C-000001",
                                          password="kopi tenom 2026") == siti
    services.customer_set_password(customer=siti, password="nasi lemak 2026",
                                   current_password="kopi tenom 2026")
    assert services.customer_authenticate(identifier="C-000001",
                                          password="nasi lemak 2026") == siti


@pytest.mark.django_db
def test_a_sign_in_link_is_emailed_and_works_exactly_once(
        siti, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.signin_link_send(
            client="192.0.2.7", email="SITI@example.my", checkout_id=7,
            build_url=lambda t: f"https://shop.my/sign-in/{t}/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.my"]
    token = _link_token(mail.outbox[0])
    assert SignInToken.objects.get().token_hash != token  # only the hash stored

    assert services.signin_link_get(token=token).customer == siti  # not used up
    link = services.signin_link_use(token=token)
    assert (link.customer, link.checkout_id) == (siti, 7)
    assert services.signin_link_use(token=token) is None
    assert services.signin_link_get(token=token) is None


@pytest.mark.django_db
def test_a_sign_in_link_expires(siti, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        services.signin_link_send(
            client="192.0.2.7", email="siti@example.my",
            build_url=lambda t: f"https://shop.my/sign-in/{t}/")
    token = _link_token(mail.outbox[0])
    SignInToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.signin_link_use(token=token) is None


@pytest.mark.django_db
def test_unknown_emails_get_no_mail_and_the_same_answer(
        siti, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.signin_link_send(
            client="192.0.2.7", email="nobody@example.my", build_url=str)
    assert mail.outbox == [] and not SignInToken.objects.exists()
    with pytest.raises(CustomerError):
        services.signin_link_send(
            client="192.0.2.7", email="not an email", build_url=str)


@pytest.mark.django_db
def test_sign_in_links_are_limited_per_address(siti):
    for _attempt in range(services.LINKS_PER_EMAIL_PER_HOUR):
        services.signin_link_send(
            client="192.0.2.7", email="siti@example.my", build_url=str)
    with pytest.raises(CustomerError) as caught:
        services.signin_link_send(
            client="192.0.2.7", email="siti@example.my", build_url=str)
    assert caught.value.code == "rate_limited"
    assert SignInToken.objects.count() == services.LINKS_PER_EMAIL_PER_HOUR


@pytest.mark.django_db
def test_account_tokens_are_short_lived_and_can_be_ended(siti, settings):
    token = services.account_access_issue(customer=siti)
    assert services.account_access_get(token=token) == siti
    access = SignInToken.objects.get(kind=SignInToken.Kind.ACCESS)
    lifetime = access.expires_at - access.created_at
    assert abs(lifetime - timedelta(minutes=settings.KEDAI_ACCOUNT_ACCESS_MINUTES)) \
        < timedelta(seconds=5)
    services.account_sign_out(token=token)
    assert services.account_access_get(token=token) is None
    assert services.account_access_get(token="x" * 32) is None
    assert services.account_access_get(token="../etc") is None


@pytest.mark.django_db
def test_expired_tokens_are_purged(siti):
    live = services.account_access_issue(customer=siti)
    dead = services.account_access_issue(customer=siti)
    services.account_sign_out(token=dead)
    assert services.sign_in_tokens_purge_expired() == 1
    assert services.account_access_get(token=live) == siti


@pytest.mark.django_db
def test_saved_addresses_are_kept_once_and_capped(siti):
    home = address_clean(**ADDRESS)
    first = services.customer_remember_address(customer=siti, address=home)
    again = services.customer_remember_address(customer=siti, address=home)
    assert first.pk == again.pk and Address.objects.count() == 1
    for number in range(services.MAX_SAVED_ADDRESSES + 2):
        services.customer_remember_address(
            customer=siti, address=address_clean(**{**ADDRESS,
                                                    "line1": f"{number} Jalan Tun"}))
    kept = list(Address.objects.filter(customer=siti).values_list("line1", flat=True))
    assert len(kept) == services.MAX_SAVED_ADDRESSES
    assert kept[0] == f"{services.MAX_SAVED_ADDRESSES + 1} Jalan Tun"  # newest first
    assert "12 Jalan Ampang" not in kept  # the least recently used went


@pytest.mark.django_db
def test_a_customer_deletes_only_their_own_addresses(siti):
    ali = Customer.objects.create(number="C-000777", email="ali@example.my",
                                  name="Ali")
    ali_home = services.customer_remember_address(
        customer=ali, address=address_clean(**ADDRESS))
    assert not services.customer_address_delete(customer=siti, address_id=ali_home.pk)
    assert Address.objects.filter(pk=ali_home.pk).exists()
    assert services.customer_address_delete(customer=ali, address_id=ali_home.pk)


@pytest.mark.django_db
def test_a_password_change_ends_every_other_sign_in(siti):
    """SEC-20: other account links and unused sign-in links stop working."""
    here = services.account_access_issue(customer=siti)
    elsewhere = services.account_access_issue(customer=siti)
    services.signin_link_send(
            client="192.0.2.7", email="siti@example.my", build_url=str)
    services.customer_set_password(customer=siti, password="a long passphrase " * 4,
                                   keep_token=here)
    assert services.account_access_get(token=here) == siti
    assert services.account_access_get(token=elsewhere) is None
    assert not SignInToken.objects.filter(kind=SignInToken.Kind.LINK).exists()
    assert services.customer_authenticate(identifier="C-000001",
                                          password="a long passphrase " * 4) == siti
