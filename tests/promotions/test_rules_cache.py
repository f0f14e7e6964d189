"""The rules snapshot pages read (promotions.rules.rules_get): one read of
the shared cache when nothing changed, the new rules after any change."""

from decimal import Decimal

import pytest
from django.core.cache import caches

from kedai.promotions import rules as module
from kedai.promotions.models import FreeDeliveryThreshold
from kedai.promotions.rules import rules_changed, rules_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(settings, monkeypatch):
    cache = caches[settings.KEDAI_VERSION_CACHE_ALIAS]
    keys = []
    original = type(cache).get

    def counting_get(self, key, *args, **kwargs):
        if self is cache:
            keys.append(key)
        return original(self, key, *args, **kwargs)

    monkeypatch.setattr(type(cache), "get", counting_get)
    return keys


def test_unchanged_rules_cost_one_read(reads, django_capture_on_commit_callbacks):
    rules_get()
    reads.clear()
    assert rules_get() == rules_get()
    assert reads == [module.GENERATION_KEY] * 2


def test_a_change_shows_on_the_next_read(django_capture_on_commit_callbacks):
    assert rules_get().thresholds == ()
    with django_capture_on_commit_callbacks(execute=True):
        FreeDeliveryThreshold.objects.create(zone="peninsular",
                                             min_subtotal=Decimal("150"))
        rules_changed()
    assert [t.min_subtotal for t in rules_get().thresholds] == [Decimal("150")]


def test_an_emptied_cache_never_brings_back_old_rules(
        settings, django_capture_on_commit_callbacks):
    assert rules_get().thresholds == ()
    caches[settings.KEDAI_VERSION_CACHE_ALIAS].clear()
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("150"))
    assert len(rules_get().thresholds) == 1
