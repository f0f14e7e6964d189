"""Owner and staff clients, a private upload directory, a small shop."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from kedai.backoffice.roles import OWNER, STAFF, roles_sync
from tests.factories import CategoryFactory, make_product


@pytest.fixture(autouse=True)
def _private_dirs(settings, tmp_path):
    settings.KEDAI_DATAIO_DIR = tmp_path / "dataio"
    settings.MEDIA_ROOT = tmp_path / "media"


def _user(name: str, group: str) -> User:
    roles_sync()
    user = User.objects.create_user(name, password=f"pw-{name}-2026", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def owner(db):
    return _user("farah", OWNER)


@pytest.fixture
def staff(db):
    return _user("aisyah", STAFF)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def shop(db):
    """Two categories, a product with two variants, one with one."""
    clothes = CategoryFactory(name="Clothes", slug="clothes")
    CategoryFactory(name="Batik", slug="batik", parent=clothes)
    shirt = make_product(name="Batik shirt", slug="batik-shirt", category=clothes,
                         option1_name="Size", variants=[
                             {"sku": "SHIRT-M", "option1": "M",
                              "price": Decimal("59.00"), "stock": 10},
                             {"sku": "SHIRT-L", "option1": "L",
                              "price": Decimal("62.50"), "stock": 4}])
    kopi = make_product(name="Kopi =cmd", slug="kopi", category=clothes,
                        description="+60 strong; -dark @home",
                        variants=[{"sku": "KOPI-1", "price": Decimal("22.00"),
                                   "stock": 30}])
    return {"shirt": shirt, "kopi": kopi}


@pytest.fixture
def orders(shop):
    """Two orders: one paid and shipped with two parcels, one paid."""
    from django.db import transaction

    from kedai.invoicing.models import SellerProfile
    from kedai.invoicing.services import order_placed
    from kedai.payments.services import payment_mark_received
    from kedai.shipping.services import shipment_record
    from tests.invoicing.conftest import place_order

    SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn. Bhd.", registration_number="202301012345",
        sst_number="W10-1808-32000123", tin="C25845632020",
        address_line1="Lot 5, Jalan Tun Razak", city="Kuala Lumpur",
        postcode="50400", state_code="KUL", phone="+60321234567",
        email="hello@kedai.example.my", owner_email="owner@kedai.example.my")
    placed = []
    for key, email in (("k1", "siti@example.my"), ("k2", "=evil@example.my")):
        order = place_order(key=key, email=email).order
        with transaction.atomic():
            order_placed(order)
        payment_mark_received(order=order, amount=order.total,
                              reference=f"MBB-{key}", actor="farah")
        placed.append(order)
    with transaction.atomic():
        shipment_record(order=placed[0], carrier="poslaju",
                        tracking_numbers=["ER123456789MY", "ER123456790MY"],
                        actor="farah")
    return placed
