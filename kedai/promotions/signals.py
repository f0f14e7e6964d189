"""Retire the cached rules (``rules``) whenever one of their rows changes.

Signals only for this cache's sake (an optional side effect): the
discounts themselves are always read from the database when an order is
priced. ``QuerySet.update()`` sends no signal, so code that pauses rows
in bulk calls :func:`kedai.promotions.rules.rules_changed` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from kedai.promotions.models import AutomaticDiscount, Campaign, FreeDeliveryThreshold
from kedai.promotions.rules import rules_changed


def _changed(sender: Any, **kwargs: Any) -> None:
    rules_changed()


def connect() -> None:
    for model in (Campaign, AutomaticDiscount, FreeDeliveryThreshold):
        post_save.connect(_changed, sender=model, dispatch_uid=f"promo-save-{model}")
        post_delete.connect(_changed, sender=model,
                            dispatch_uid=f"promo-delete-{model}")
    for through in (AutomaticDiscount.categories.through,
                    AutomaticDiscount.products.through):
        m2m_changed.connect(_changed, sender=through,
                            dispatch_uid=f"promo-m2m-{through}")
