"""Document numbers: shown per series, raised only before the first issue."""

import pytest
from django.db import transaction
from django.utils import timezone

from kedai.core.models import NumberSequence
from kedai.core.numbering import number_allocate
from kedai.shopsettings.exceptions import ShopSettingsError
from kedai.shopsettings.models import NumberingStart
from kedai.shopsettings.services import numbering_start_set

pytestmark = pytest.mark.django_db
URL = "/office/settings/numbering/"


def _issue(series, year):
    with transaction.atomic():
        return number_allocate(series=series, year=year)


def test_the_page_shows_the_next_number_of_every_series(owner_client):
    year = timezone.localdate().year
    for _ in range(3):
        _issue("INV", year)
    page = owner_client.get(URL).content.decode()
    assert f"INV-{year}-000004" in page
    assert f"KD-{year}-000001" in page
    assert f"RCT-{year + 1}-000001" in page
    assert "C-000001" in page


def test_the_owner_sets_next_years_first_invoice_number(owner_client):
    year = timezone.localdate().year + 1
    response = owner_client.post(URL, {"series": "INV", "year": year,
                                       "first_number": 1000})
    assert response.status_code == 302
    assert NumberSequence.objects.get(series="INV", year=year).last_value == 999
    assert NumberingStart.objects.get().set_by == "nurul"
    # Still nothing issued: it may be raised again, but never lowered.
    owner_client.post(URL, {"series": "INV", "year": year, "first_number": 2000})
    assert NumberSequence.objects.get(series="INV", year=year).last_value == 1999
    response = owner_client.post(URL, {"series": "INV", "year": year,
                                       "first_number": 1500})
    assert response.status_code == 200
    assert "can only go up" in response.content.decode()
    assert NumberSequence.objects.get(series="INV", year=year).last_value == 1999
    # The first document of that year gets the starting number.
    assert _issue("INV", year) == f"INV-{year}-002000"


def test_a_series_with_issued_numbers_cannot_be_changed(owner_client):
    year = timezone.localdate().year
    _issue("KD", year)
    response = owner_client.post(URL, {"series": "KD", "year": year,
                                       "first_number": 5000})
    assert response.status_code == 200
    page = response.content.decode()
    assert "have been issued already" in page
    assert f"KD-{year}-000002" in page
    assert NumberSequence.objects.get(series="KD", year=year).last_value == 1
    assert not NumberingStart.objects.exists()


def test_this_year_can_get_a_start_before_its_first_number(owner_client):
    year = timezone.localdate().year
    owner_client.post(URL, {"series": "RCT", "year": year, "first_number": 100})
    assert _issue("RCT", year) == f"RCT-{year}-000100"
    # Now issued: no more changes, even upwards.
    response = owner_client.post(URL, {"series": "RCT", "year": year,
                                       "first_number": 500})
    assert "have been issued already" in response.content.decode()
    assert _issue("RCT", year) == f"RCT-{year}-000101"


def test_a_past_year_is_refused():
    today = timezone.localdate()
    with pytest.raises(ShopSettingsError) as error:
        numbering_start_set(series="INV", year=today.year - 1, first_number=10,
                            actor="nurul", today=today)
    assert error.value.code == "past_year"
    assert not NumberSequence.objects.exists()


def test_customer_numbers_have_no_year(owner_client):
    owner_client.post(URL, {"series": "C", "year": "", "first_number": 1001})
    assert NumberSequence.objects.get(series="C").year == 0
    assert _issue("C", None) == "C-001001"


@pytest.mark.parametrize("data", [
    {"series": "XX", "year": 2030, "first_number": 10},
    {"series": "INV", "year": 2030, "first_number": 1},
    {"series": "INV", "year": 2030, "first_number": -5},
    {"series": "INV", "year": 2030, "first_number": "ten"},
    {"series": "INV", "year": "soon", "first_number": 10},
])
def test_bad_input_changes_nothing(owner_client, data):
    response = owner_client.post(URL, data)
    assert response.status_code == 200
    assert "The starting number was not changed." in response.content.decode()
    assert not NumberSequence.objects.exists()
