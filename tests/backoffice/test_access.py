"""Back-office access: signed-in staff by role, 403 without permission,
CSRF-protected forms."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync


@pytest.fixture
def staff_user(db):
    roles_sync()
    user = User.objects.create_user("aisyah", password="pw-aisyah-2026",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF))
    return user


@pytest.mark.django_db
def test_the_back_office_asks_for_a_sign_in(client):
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/login/?next=/office/")


@pytest.mark.django_db
def test_roles_get_their_permissions():
    roles_sync()
    owner = set(Group.objects.get(name=OWNER).permissions.values_list("codename",
                                                                     flat=True))
    staff = set(Group.objects.get(name=STAFF).permissions.values_list("codename",
                                                                     flat=True))
    assert {"export_data", "import_data", "manage_settings"} <= owner
    assert staff == {"use_backoffice", "manage_orders", "view_reports"}


@pytest.mark.django_db
def test_staff_sign_in_and_see_only_their_sections(client, staff_user):
    response = client.post("/office/login/", {"username": "aisyah",
                                              "password": "pw-aisyah-2026"})
    assert response.status_code == 302
    page = client.get("/office/")
    assert page.status_code == 200
    assert "Welcome, aisyah" in page.content.decode()


@pytest.mark.django_db
def test_a_customer_like_user_without_staff_status_is_refused(client):
    User.objects.create_user("shopper", password="pw-shopper-2026")
    client.login(username="shopper", password="pw-shopper-2026")
    assert client.get("/office/").status_code == 403


@pytest.mark.django_db
def test_login_form_needs_the_csrf_token(staff_user):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/office/login/", {"username": "aisyah",
                                              "password": "pw-aisyah-2026"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled_per_account(client, staff_user):
    """SEC-19: after 10 failures the right password is refused too, with
    429, until the window passes."""
    from kedai.backoffice.views import FAILED_SIGN_INS_PER_WINDOW

    for _attempt in range(FAILED_SIGN_INS_PER_WINDOW):
        response = client.post("/office/login/", {"username": "aisyah",
                                                  "password": "guess"})
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    response = client.post("/office/login/", {"username": "aisyah",
                                              "password": "pw-aisyah-2026"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/office/login/", {"username": "aisyah",
                                         "password": "pw-aisyah-2026"}
                      ).status_code == 429  # per account, from anywhere


@pytest.mark.django_db
def test_the_admin_sign_in_shares_the_throttle(client, staff_user):
    """Issue 13 defect 11: /admin/login/ was not throttled at all."""
    from kedai.backoffice.views import FAILED_SIGN_INS_PER_WINDOW

    staff_user.is_superuser = True
    staff_user.save()
    for _attempt in range(FAILED_SIGN_INS_PER_WINDOW - 2):
        response = client.post("/admin/login/", {"username": "aisyah",
                                                 "password": "guess"})
        assert response.status_code == 200
    for _attempt in range(2):  # the two pages count together
        client.post("/office/login/", {"username": "aisyah", "password": "guess"})
    response = client.post("/admin/login/", {"username": "aisyah",
                                             "password": "pw-aisyah-2026"})
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/admin/login/", {"username": "aisyah",
                                        "password": "pw-aisyah-2026"}
                      ).status_code == 429  # per account, from anywhere


@pytest.mark.django_db
def test_the_admin_sign_in_still_works(client, staff_user):
    response = client.post("/admin/login/", {"username": "aisyah",
                                             "password": "pw-aisyah-2026"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)
