"""An owner signed in to the back office, and helpers for the grid."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync


@pytest.fixture
def owner(db):
    roles_sync()
    user = User.objects.create_user("mariam", password="pw-mariam-2026",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=OWNER))
    return user


@pytest.fixture
def office(owner) -> Client:
    """A client signed in as the owner."""
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def staff_office(db) -> Client:
    roles_sync()
    user = User.objects.create_user("aisyah", password="pw-aisyah-2026",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF))
    client = Client()
    client.force_login(user)
    return client


def grid_data(product, changes: dict[int, dict] | None = None, *,
              extra: dict | None = None, delete: tuple[int, ...] = ()) -> dict:
    """The POST of the product page's "Save" with the product and its
    variant grid as shown, then ``changes`` by row index, an extra new row,
    and rows ticked for deletion."""
    data = {
        "save": "1", "name": product.name, "slug": product.slug,
        "category": product.category_id, "description": product.description,
        "tax_class": product.tax_class_id or "",
        "option1_name": product.option1_name, "option2_name": product.option2_name,
        "option3_name": product.option3_name,
    }
    if product.is_active:
        data["is_active"] = "on"
    variants = list(product.variants.order_by("position", "id"))
    rows = []
    for v in variants:
        row = {"id": v.pk, "sku": v.sku, "option1": v.option1, "option2": v.option2,
               "option3": v.option3, "price": str(v.price),
               "compare_at_price": "" if v.compare_at_price is None
               else str(v.compare_at_price),
               "stock": v.stock, "stock_seen": v.stock,
               "weight_grams": v.weight_grams, "position": v.position,
               "is_active": "on" if v.is_active else ""}
        rows.append(row)
    for index, change in (changes or {}).items():
        rows[index].update(change)
    for index in delete:
        rows[index]["DELETE"] = "on"
    if extra:
        rows.append({"id": "", "sku": "", "option1": "", "option2": "",
                     "option3": "", "price": "", "compare_at_price": "",
                     "stock": "", "stock_seen": "", "weight_grams": "",
                     "position": "", "is_active": "on", **extra})
    data.update({"variants-TOTAL_FORMS": len(rows),
                 "variants-INITIAL_FORMS": len(variants),
                 "variants-MIN_NUM_FORMS": 0, "variants-MAX_NUM_FORMS": 1000})
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "is_active" and not value:
                continue
            data[f"variants-{i}-{key}"] = value
    return data
