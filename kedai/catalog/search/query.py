"""Query rules shared by the search backends, so both behave alike.

Pure functions over search words and product ids; no SQL.
"""

import re
from collections.abc import Callable

from kedai.catalog.search.base import SearchHits, terms
from kedai.catalog.search.synonyms import expand

_CODE = re.compile(r"[^\W_]+(?:[-_/.][^\W_]+)+")


def compact_code(text: str, words: list[str]) -> str | None:
    """``"kdbtk001"`` when ``text`` is one product code like ``KD-BTK-001``.

    SKUs are indexed whole without separators as well as in parts. Looking
    up that one rare word first is both more precise and far cheaper than
    "kd"* AND "btk"* AND "001"*, as every SKU of a shop tends to share its
    first part. ``words`` are ``terms(text)``; codes hold at least one digit.
    """
    text = text.strip()
    if len(words) < 2 or not _CODE.fullmatch(text):
        return None
    if not any(ch.isdigit() for ch in text):
        return None
    return "".join(words)


def estimated_total(window: list[int], first_id: int, floor: int) -> int:
    """How many products match, judged from the newest matches.

    ``window`` holds the ids of the newest matches, newest first, and
    ``first_id`` is the lowest product id: if the window spans ids
    9,001-10,000 of 1-10,000, about ten times as many match. Rounded to two
    significant figures, as it is not exact, and at least ``floor``.
    """
    newest, oldest = window[0], window[-1]
    share = (newest - oldest + 1) / max(newest - first_id + 1, 1)
    estimate = round(len(window) / share)
    return max(round(estimate, 2 - len(str(estimate))), floor)


# ORDER BY for the exact sorts, over the matching product aliased ``hit``.
ORDER_BY = {
    "price": "hit.price, hit.id",
    "-price": "hit.price DESC, hit.id",
    "newest": "hit.created_at DESC, hit.id DESC",
    "name": "hit.name, hit.id",
}


def search_with_fallbacks(
    text: str,
    find: Callable[[list[str]], SearchHits],
    correct: Callable[[list[str]], list[str]],
    synonyms: dict[str, tuple[str, ...]] | None = None,
) -> SearchHits:
    """The steps every backend takes for one search, in the same order.

    A lone product code is looked up in its compact form first; then every
    word must match (a word with ``synonyms`` by any of them, passed to
    ``find`` as ``"word|other"``); when nothing does, ``correct`` replaces
    misspelt words and the search runs once more, saying so in
    ``corrected_text``. ``find(words)`` returns one page for those words.
    """
    words = terms(text)
    if not words:
        return SearchHits((), 0)
    synonyms = synonyms or {}
    code = compact_code(text, words)
    hits = find([code]) if code else SearchHits((), 0)
    if not hits.total:
        hits = find(expand(words, synonyms))
    if hits.total:
        return hits
    corrected = correct(words)
    if corrected == words:
        return hits
    retry = find(expand(corrected, synonyms))
    if not retry.total:
        return hits
    return SearchHits(retry.ids, retry.total, " ".join(corrected), retry.estimated)
