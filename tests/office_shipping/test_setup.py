"""/office/shipping/: methods, rate cards (upload, preview, activate) and
the set-up warnings. Bad input: a message by the field, nothing changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kedai.catalog.models import FrontPage
from kedai.shipping.models import RateBand, RateCard, ShippingMethod
from kedai.shipping.services import shipping_demo_setup
from kedai.shipping.warnings import (
    FREE_DELIVERY_SOURCES,
    FreeDeliveryOffer,
    free_delivery_promises,
    free_delivery_source_register,
    setup_warnings,
)

pytestmark = pytest.mark.django_db
HOME = "/office/shipping/"
UPLOAD = "/office/shipping/cards/upload/"

GOOD_CSV = (
    "zone,from_kg,to_kg,base_price,base_kg,step_price,step_kg,eta\n"
    "within_state,0,30,6.00,1,1.50,1,1-2 days\n"
    "interstate,0,30,7.00,1,2.00,1,2-3 days\n"
    "east_west,0,30,12.00,1,5.00,1,3-5 days\n")
BAD_CSV = GOOD_CSV + "mars,0,30,abc,1,1,1,never\n"


def codes(warnings) -> set[tuple[str, str]]:
    return {(w.code, w.subject) for w in warnings}


def csv_file(text: str, name: str = "card.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# --- access -------------------------------------------------------------------------


def test_owner_only(client, staff):
    assert client.get(HOME).status_code == 302
    assert staff.get(HOME).status_code == 403
    assert staff.get(UPLOAD).status_code == 403


def test_page_lists_methods_cards_zones_and_warnings(owner):
    response = owner.get(HOME)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    for text in ("Standard delivery", "Free delivery over RM150", "2009-sample",
                 "sample-structure", "SAMPLE", "Sabah", "Check your shipping set-up"):
        assert text in page, text


# --- warnings -----------------------------------------------------------------------


def test_fresh_shop_warns_about_the_sample_card_and_inactive_skynet():
    found = codes(setup_warnings())
    assert ("sample_card", "poslaju") in found
    assert ("carrier_inactive", "skynet") in found


def test_old_card_warns_and_a_current_one_does_not():
    card = RateCard.objects.get(carrier="poslaju", is_active=True)
    card.is_sample = False
    card.effective_date = date(2024, 1, 1)
    card.save()
    assert ("stale_card", "poslaju") in codes(setup_warnings(today=date(2026, 12, 4)))
    card.effective_date = date(2026, 6, 1)
    card.save()
    found = codes(setup_warnings(today=date(2026, 12, 4)))
    assert not {c for c in found if c[1] == "poslaju"}


def test_a_card_activated_before_its_date_warns():
    card = RateCard.objects.get(carrier="poslaju", is_active=True)
    RateCard.objects.filter(pk=card.pk).update(is_sample=False,
                                               effective_date=date(2027, 1, 1))
    assert ("card_not_yet_effective", "poslaju") in codes(
        setup_warnings(today=date(2026, 12, 4)))


@pytest.mark.django_db(transaction=True)
def test_owners_switching_cards_at_once_leave_one_active():
    """Real threads (PostgreSQL: row locks): cards of one carrier activated
    at the same moment never deadlock nor break "one active card"."""
    import threading

    from django.db import close_old_connections

    from kedai.shipping.services import rate_card_activate, rate_cards_load

    rate_cards_load()
    base = RateCard.objects.get(carrier="poslaju")
    cards = [base] + [RateCard.objects.create(
        carrier="poslaju", version=f"v{n}", effective_date=date(2026, 1, 1),
        is_active=False) for n in range(5)]
    barrier = threading.Barrier(len(cards) * 2)
    errors: list[str] = []

    def run(card):
        try:
            barrier.wait()
            rate_card_activate(card=card)
        except Exception as exc:  # noqa: BLE001 - any error fails below
            errors.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(card,)) for card in cards * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert RateCard.objects.filter(carrier="poslaju", is_active=True).count() == 1


def test_demo_setup_switches_skynet_on():
    shipping_demo_setup()
    assert RateCard.objects.get(carrier="skynet").is_active
    found = codes(setup_warnings())
    assert ("carrier_inactive", "skynet") not in found
    assert ("sample_card", "skynet") in found


def front(**texts) -> FrontPage:
    page = FrontPage.objects.order_by("id").first() or FrontPage(pk=1)
    for name, value in texts.items():
        setattr(page, name, value)
    page.save()
    return page


def test_banner_promising_free_delivery_no_method_gives_warns():
    front(announcement="Free delivery in Peninsular Malaysia above RM150")
    ShippingMethod.objects.filter(kind="free_over").update(is_active=False)
    warnings = [w for w in setup_warnings() if w.code == "free_delivery_promise"]
    assert len(warnings) == 1
    assert "RM150.00" in warnings[0].message
    assert warnings[0].url == HOME
    # The default "free over RM150" method keeps the promise once switched on.
    ShippingMethod.objects.filter(kind="free_over").update(is_active=True)
    assert "free_delivery_promise" not in {w.code for w in setup_warnings()}


def test_a_higher_threshold_or_a_missing_zone_does_not_keep_the_promise():
    front(announcement="Penghantaran percuma ke Sabah untuk RM100 ke atas")
    ShippingMethod.objects.filter(kind="free_over").update(
        is_active=True, free_over=Decimal("150.00"))
    assert "free_delivery_promise" in {w.code for w in setup_warnings()}
    ShippingMethod.objects.filter(kind="free_over").update(
        free_over=Decimal("100.00"), zones=["peninsular"])
    assert "free_delivery_promise" in {w.code for w in setup_warnings()}
    ShippingMethod.objects.filter(kind="free_over").update(
        zones=["peninsular", "sabah"])
    assert "free_delivery_promise" not in {w.code for w in setup_warnings()}


def test_a_promotion_source_can_keep_the_promise():
    front(hero_text="Free shipping on orders over RM 200!")
    ShippingMethod.objects.filter(kind="free_over").update(is_active=False)
    assert "free_delivery_promise" in {w.code for w in setup_warnings()}

    def promotions() -> list[FreeDeliveryOffer]:
        return [FreeDeliveryOffer(label="Year-end promo", minimum=Decimal(200))]

    free_delivery_source_register(promotions)
    try:
        assert "free_delivery_promise" not in {w.code for w in setup_warnings()}
    finally:
        FREE_DELIVERY_SOURCES.remove(promotions)


def test_the_promotions_free_delivery_thresholds_keep_the_promise():
    """The demo's "free delivery above RM150" with the store's "free over"
    method off is kept by a live promotions threshold, not a paused one
    nor one for another zone."""
    from kedai.promotions.models import FreeDeliveryThreshold
    from kedai.promotions.selectors import free_delivery_offers

    assert free_delivery_offers in FREE_DELIVERY_SOURCES
    front(announcement="Free delivery in Peninsular Malaysia above RM150")
    ShippingMethod.objects.filter(kind="free_over").update(is_active=False)
    assert "free_delivery_promise" in {w.code for w in setup_warnings()}
    FreeDeliveryThreshold.objects.create(zone="sabah", min_subtotal=Decimal(100))
    paused = FreeDeliveryThreshold.objects.create(
        zone="peninsular", min_subtotal=Decimal(150), is_paused=True)
    assert "free_delivery_promise" in {w.code for w in setup_warnings()}
    FreeDeliveryThreshold.objects.filter(pk=paused.pk).update(is_paused=False)
    assert "free_delivery_promise" not in {w.code for w in setup_warnings()}
    FreeDeliveryThreshold.objects.filter(pk=paused.pk).update(
        min_subtotal=Decimal(200))
    assert "free_delivery_promise" in {w.code for w in setup_warnings()}


def test_promise_parsing():
    found = free_delivery_promises({
        "a": "Free delivery in Peninsular Malaysia above RM150",
        "b": "RM1,000.50 and above: free shipping",
        "c": "Batik from Kelantan"})
    assert [(p.where, p.minimum, set(p.zones)) for p in found] == [
        ("a", Decimal("150"), {"peninsular"}), ("b", Decimal("1000.50"), set())]


# --- methods ------------------------------------------------------------------------


def test_add_and_switch_a_method(owner):
    response = owner.post("/office/shipping/methods/new/", {
        "name": "Express", "kind": "flat", "zones": ["peninsular", "sabah"],
        "eta": "1-2 days", "charge": "12.50", "position": "5", "is_active": "on"})
    assert response.status_code == 302
    method = ShippingMethod.objects.get(name="Express")
    assert method.zones == ["peninsular", "sabah"] and method.charge == Decimal("12.5")
    owner.post(f"/office/shipping/methods/{method.pk}/active/", {"active": "0"})
    method.refresh_from_db()
    assert not method.is_active


def test_bad_method_input_is_refused_by_the_field(owner):
    before = ShippingMethod.objects.count()
    response = owner.post("/office/shipping/methods/new/", {
        "name": "", "kind": "free_over", "zones": [], "charge": "-1",
        "position": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_name_errors"' in page and 'id="id_charge_errors"' in page
    response = owner.post("/office/shipping/methods/new/", {
        "name": "Free", "kind": "free_over", "zones": [], "charge": "0",
        "position": "0"})
    assert response.status_code == 400
    assert "Enter the order amount." in response.content.decode()
    assert ShippingMethod.objects.count() == before


# --- rate cards ---------------------------------------------------------------------


def test_upload_preview_confirm_makes_a_new_active_card(owner):
    old = RateCard.objects.get(carrier="skynet")
    response = owner.post(UPLOAD, {"carrier": "skynet", "file": csv_file(GOOD_CSV),
                                   "version": "2026 contract",
                                   "effective_date": "2026-11-01", "activate": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="upload-preview"' in page and "Confirm and save" in page
    assert RateCard.objects.filter(carrier="skynet").count() == 1  # not yet
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    data["effective_date"] = "2026-11-01"
    data["activate"] = "True"
    data["confirm"] = "1"
    response = owner.post(UPLOAD, data)
    assert response.status_code == 302
    new = RateCard.objects.get(carrier="skynet", version="2026 contract")
    assert new.is_active and not new.is_sample
    assert new.effective_date == date(2026, 11, 1)
    assert new.bands.count() == 3
    old.refresh_from_db()
    assert not old.is_active
    assert ("carrier_inactive", "skynet") not in codes(setup_warnings())


def test_a_file_with_one_bad_row_saves_nothing(owner):
    cards, bands = RateCard.objects.count(), RateBand.objects.count()
    response = owner.post(UPLOAD, {"carrier": "poslaju", "file": csv_file(BAD_CSV),
                                   "effective_date": "2026-11-01", "activate": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="upload-errors"' in page and "nothing was saved" in page
    assert "mars" in page
    # A tampered confirmation is checked again.
    response = owner.post(UPLOAD, {"carrier": "poslaju", "csv_text": BAD_CSV,
                                   "effective_date": "2026-11-01", "activate": "True",
                                   "confirm": "1"})
    assert response.status_code == 400
    assert (RateCard.objects.count(), RateBand.objects.count()) == (cards, bands)
    assert RateCard.objects.get(carrier="poslaju", is_active=True).version == \
        "2009-sample"


def test_the_upload_form_offers_today_as_a_date_the_browser_reads(owner):
    """<input type="date"> takes only yyyy-mm-dd, whatever the shop's
    dd/mm/yyyy display format: today is filled in, not left empty."""
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert f'type="date" name="effective_date" value="{today}"' in (
        owner.get(UPLOAD).content.decode())


def test_upload_refuses_wrong_type_size_and_dates(owner):
    response = owner.post(UPLOAD, {"carrier": "poslaju",
                                   "file": csv_file(GOOD_CSV, "card.xlsx"),
                                   "effective_date": "1999-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Upload a .csv file." in page and 'id="id_effective_date_errors"' in page
    big = csv_file(GOOD_CSV + "#" * 1_000_001)
    response = owner.post(UPLOAD, {"carrier": "poslaju", "file": big,
                                   "effective_date": "2026-11-01"})
    assert "larger than 1 MB" in response.content.decode()
    response = owner.post(UPLOAD, {"carrier": "dhl", "file": csv_file(GOOD_CSV),
                                   "effective_date": "2026-11-01"})
    assert response.status_code == 400
    assert RateCard.objects.count() == 2


def test_activate_and_deactivate_a_card(owner):
    skynet = RateCard.objects.get(carrier="skynet")
    owner.post(f"/office/shipping/cards/{skynet.pk}/active/", {"active": "1"})
    skynet.refresh_from_db()
    assert skynet.is_active
    owner.post(f"/office/shipping/cards/{skynet.pk}/active/", {"active": "0"})
    skynet.refresh_from_db()
    assert not skynet.is_active
    assert owner.get(f"/office/shipping/cards/{skynet.pk}/active/").status_code == 405


def test_card_page_and_csv_download(owner):
    card = RateCard.objects.get(carrier="poslaju")
    page = owner.get(f"/office/shipping/cards/{card.pk}/").content.decode()
    assert "SAMPLE" in page and "more than a year ago" in page
    response = owner.get(f"/office/shipping/cards/{card.pk}/card.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "within_state,0.000,2.000" in response.content.decode()



def band_rows(*rows, existing=0, total=None) -> dict:
    data = {"bands-TOTAL_FORMS": str(total or len(rows)),
            "bands-INITIAL_FORMS": str(existing), "bands-MIN_NUM_FORMS": "0",
            "bands-MAX_NUM_FORMS": "1000"}
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"bands-{n}-{key}"] = value
    return data


def test_weight_band_method_with_bands(owner):
    response = owner.post("/office/shipping/methods/new/", {
        "name": "By weight", "kind": "weight_bands", "zones": ["peninsular"],
        "charge": "0", "position": "1", "is_active": "on",
        **band_rows({"zone": "peninsular", "up_to_kg": "1", "charge": "6.00"},
                    {"zone": "peninsular", "up_to_kg": "5", "charge": "12.00"},
                    {"zone": "", "up_to_kg": "", "charge": ""})})
    assert response.status_code == 302, response.content.decode()[:2000]
    method = ShippingMethod.objects.get(name="By weight")
    assert [(b.zone, b.up_to_kg, b.charge) for b in method.bands.all()] == [
        ("peninsular", Decimal("1.000"), Decimal("6.00")),
        ("peninsular", Decimal("5.000"), Decimal("12.00"))]


def test_one_bad_band_row_saves_nothing(owner):
    before = ShippingMethod.objects.count()
    response = owner.post("/office/shipping/methods/new/", {
        "name": "By weight", "kind": "weight_bands", "zones": ["peninsular"],
        "charge": "0", "position": "1",
        **band_rows({"zone": "peninsular", "up_to_kg": "1", "charge": "6.00"},
                    {"zone": "peninsular", "up_to_kg": "1", "charge": "7.00"},
                    {"zone": "sabah", "up_to_kg": "2", "charge": "-3"})})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_bands-2-charge_errors"' in page
    assert "Please correct the duplicate data for zone and up_to_kg" in page
    assert ShippingMethod.objects.count() == before
