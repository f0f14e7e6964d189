"""Malay/English synonyms for search: "kopi" also finds "coffee".

The owner keeps groups of words that mean the same
(:class:`~kedai.catalog.models.SearchSynonym`). A search word that is in a
group matches the other words of its group as whole words (the typed word
still matches as a prefix, like every search word: "tea" must not find
"teak" for "teh"); backends see that as one word with alternatives,
``"coffee|kopi"``, which :func:`alternatives` splits again. Search words
never hold ``|`` (:func:`~kedai.catalog.search.base.terms` keeps letters
and digits only).

The groups are read from the database once per catalogue version and kept
in the version cache, so an edit (which bumps the catalogue version) is
seen by every process at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from kedai.catalog.search.base import terms

SEPARATOR = "|"
_KEY = "search:synonyms:{version}"


def synonym_group_parse(text: str) -> list[str]:
    """The distinct search words of one group as the owner typed it
    ("Kopi, coffee" -> ["kopi", "coffee"]); a phrase counts by its words."""
    words: list[str] = []
    for part in (text or "").split(","):
        for word in terms(part):
            if word not in words:
                words.append(word)
    return words


def synonym_map(groups: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each word of ``groups`` -> every word it stands for (itself first).

    A word in several groups stands for the words of all of them.
    """
    found: dict[str, list[str]] = {}
    for text in groups:
        words = synonym_group_parse(text)
        if len(words) < 2:
            continue
        for word in words:
            known = found.setdefault(word, [word])
            known.extend(w for w in words if w not in known)
    return {word: tuple(words) for word, words in found.items()}


def expand(words: list[str], synonyms: dict[str, tuple[str, ...]]) -> list[str]:
    """``words`` with each word that has synonyms as ``"word|other|…"``."""
    return [SEPARATOR.join(synonyms[w]) if w in synonyms else w for w in words]


def alternatives(word: str) -> list[str]:
    """The words one (possibly expanded) search word stands for."""
    return word.split(SEPARATOR)


def synonyms_current() -> dict[str, tuple[str, ...]]:
    """The owner's synonym groups as a map (see :func:`synonym_map`)."""
    from kedai.catalog.models import SearchSynonym
    from kedai.catalog.versions import catalog_version, version_cache

    cache = version_cache()
    key = _KEY.format(version=catalog_version())
    cached = cache.get(key)
    if cached is None:
        cached = synonym_map(SearchSynonym.objects.values_list("words", flat=True))
        cache.set(key, cached, 3600)
    return cached
