"""Version stamps (kedai.catalog.versions): a lost stamp never brings back
what was cached under an earlier one."""

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from kedai.catalog.versions import (
    CATALOG_KEY,
    LISTINGS_KEY,
    catalog_bump,
    catalog_version,
    product_key,
    stamps_get,
    version_cache,
)


def test_a_lost_catalogue_version_starts_afresh_not_at_an_old_number():
    """Redis evicts, the file cache culls: the next version must not be one
    that pages, the navigation or ``theme.css?v=`` were cached under."""
    seen = {catalog_version()}
    catalog_bump()
    seen.add(catalog_version())
    assert len(seen) == 2

    version_cache().delete(CATALOG_KEY)  # lost, then read
    after_read = catalog_version()
    version_cache().delete(CATALOG_KEY)  # lost, then bumped by a sale
    catalog_bump()
    after_bump = catalog_version()
    version_cache().delete(CATALOG_KEY)  # lost, then read with the others
    after_stamps = int(stamps_get([CATALOG_KEY, LISTINGS_KEY]).split(".")[0])

    assert not {after_read, after_bump, after_stamps} & seen
    assert len({after_read, after_bump, after_stamps}) == 3


def test_a_bump_moves_the_version_on_by_one():
    before = catalog_version()
    catalog_bump()
    assert catalog_version() == before + 1


def test_the_shared_file_cache_keeps_every_stamp_of_a_large_catalogue():
    """One stamp per product page shown: past Django's default 300 entries
    the file cache would delete a third of its files at random with each
    new one (the catalogue version and the workers' heartbeat among them)."""
    cache = version_cache()
    if not isinstance(cache, FileBasedCache):
        pytest.skip("the shared cache is not the file cache (CACHE_URL is set)")
    version = catalog_version()
    keys = [product_key(f"product-{i}") for i in range(400)]
    stamps = [stamps_get([CATALOG_KEY, key]) for key in keys]

    assert cache.get(CATALOG_KEY) == version
    assert [stamps_get([CATALOG_KEY, key]) for key in keys] == stamps
