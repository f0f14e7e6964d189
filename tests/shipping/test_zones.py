"""Postcode -> state -> zone, and carrier route zones (postcode table)."""

import pytest

from kedai.customers.addressing import STATE_NAMES
from kedai.shipping.zones import (
    CarrierZone,
    Zone,
    carrier_zone,
    crosses_sea,
    destination_resolve,
    zone_for_state,
)


@pytest.mark.parametrize(("postcode", "state", "zone"), [
    # Range table of postcode table, one case per zone and the exceptions.
    ("50000", "KUL", Zone.PENINSULAR),  # 50000-60000 Kuala Lumpur
    ("01000", "PLS", Zone.PENINSULAR),  # first postcode of Malaysia, Perlis
    ("14290", "KDH", Zone.PENINSULAR),  # Kedah exception inside Penang's block
    ("49000", "PHG", Zone.PENINSULAR),  # Fraser's Hill, Pahang inside Selangor
    ("86900", "JHR", Zone.PENINSULAR),  # last of Johor
    ("87000", "LBN", Zone.LABUAN),  # 87000-87033 Labuan
    ("88000", "SBH", Zone.SABAH),  # 88000-91309 Sabah
    ("91309", "SBH", Zone.SABAH),
    ("93000", "SRW", Zone.SARAWAK),  # 93000-98859 Sarawak
    ("98859", "SRW", Zone.SARAWAK),
    (" 88 000 ", "sbh", Zone.SABAH),  # spaces and case are normalised
])
def test_postcode_state_and_zone(postcode, state, zone):
    destination = destination_resolve(postcode, state)
    assert destination.ok and destination.zone == zone and not destination.error


@pytest.mark.parametrize(("postcode", "state", "message"), [
    ("00000", "KUL", "does not exist"),  # below every range
    ("61000", "KUL", "does not exist"),  # gap between KL and Putrajaya
    ("98860", "SRW", "does not exist"),  # past Sarawak's last postcode
    ("5000", "KUL", "exactly 5 digits"),
    ("ABCDE", "KUL", "exactly 5 digits"),
    ("", "KUL", "exactly 5 digits"),
    ("50000", "SBH", "is in Kuala Lumpur, not Sabah"),  # mismatch
    ("88000", "XYZ", "valid Malaysian state"),
])
def test_bad_destinations_say_why(postcode, state, message):
    destination = destination_resolve(postcode, state)
    assert not destination.ok
    assert message in destination.error


def test_every_state_has_a_zone():
    assert {zone_for_state(code) for code in STATE_NAMES} == set(Zone)


@pytest.mark.parametrize(("origin", "dest", "zone", "sea"), [
    ("KUL", "KUL", CarrierZone.WITHIN_STATE, False),
    ("KUL", "SGR", CarrierZone.INTERSTATE, False),
    ("PNG", "JHR", CarrierZone.INTERSTATE, False),
    ("KUL", "SBH", CarrierZone.EAST_WEST, True),
    ("SRW", "JHR", CarrierZone.EAST_WEST, True),
    ("KUL", "LBN", CarrierZone.EAST_WEST, True),
    # Sabah <-> Sarawak is a D+7 route like Peninsular <-> East (Pos
    # FlexiPrepaid service levels) but no air surcharge applies (only Peninsular <->
    # Sabah/Sarawak, Pos Malaysia).
    ("SBH", "SRW", CarrierZone.EAST_WEST, False),
    ("SBH", "LBN", CarrierZone.INTERSTATE, False),
    ("SBH", "SBH", CarrierZone.WITHIN_STATE, False),
])
def test_carrier_route_zones(origin, dest, zone, sea):
    assert carrier_zone(origin, dest) == zone
    assert crosses_sea(origin, dest) is sea
