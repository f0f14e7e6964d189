"""Sealed links: opened only with the shop's key, across a rotation."""

import pytest

from kedai.notifications.exceptions import SealError
from kedai.notifications.sealing import seal, unseal

LINK = "https://shop.example.my/s/AbCdEfGhIjKlMnOpQrStUvWxYz012345/cart/"


def test_a_sealed_link_hides_the_link_and_opens_with_the_key(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "k" * 50, []
    sealed = seal(LINK)
    assert "AbCdEfGh" not in sealed and sealed != seal(LINK)  # fresh nonce
    assert unseal(sealed) == LINK


def test_a_rotated_key_still_opens_with_the_old_one_as_fallback(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old" * 20, []
    sealed = seal(LINK)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new" * 20, ["old" * 20]
    assert unseal(sealed) == LINK
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SealError):
        unseal(sealed)


def test_tampered_or_foreign_text_is_refused(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "k" * 50, []
    sealed = seal(LINK)
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    for text in (flipped, LINK, "sealed1.a.b", ""):
        with pytest.raises(SealError):
            unseal(text)
