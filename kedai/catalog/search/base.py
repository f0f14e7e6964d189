"""The search port: what every backend must do, and query parsing.

A backend never sees raw user syntax: :func:`terms` reduces any input (FTS
operators, quotes, markup, 1,000 characters of noise) to at most
``MAX_TERMS`` plain lower-case words, which the backend then matches as
prefixes.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db.models import QuerySet

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
def _is_word_char(ch: str) -> bool:
    # Letters, combining marks and digits: Python's \w leaves out the vowel
    # signs and virama of Indic scripts, which would split Tamil words.
    return unicodedata.category(ch)[0] in "LMN"


def terms(text: str) -> list[str]:
    """Split user input into search words; operators and symbols are dropped."""
    words, current = [], []
    for ch in (text or "")[:1000].lower():
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    seen: list[str] = []
    for word in words:
        word = word[:MAX_TERM_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


SORTS = ("relevance", "price", "-price", "newest", "name")


@dataclass(frozen=True)
class SearchHits:
    """One page of results: product ids in display order, and the total."""

    ids: tuple[int, ...]
    total: int
    # Set when typo tolerance replaced the words, e.g. "batk" -> "batik".
    corrected_text: str | None = None
    # True when ``total`` is an estimate (too many matches to count cheaply).
    estimated: bool = False


@dataclass(frozen=True)
class Suggestion:
    """A live suggestion for a search box."""

    name: str
    slug: str
    price: Decimal | None
    thumbnail: str


class SearchBackend(Protocol):
    """Full-text product search over name, SKUs, category names, description.

    Backends must rank by relevance (name weighs most, then SKU, category,
    description), match every word as a prefix, and never raise on user
    input. They must not change catalogue rows; they only read them and
    maintain their own index.
    """

    def search(
        self, *, text: str, base: QuerySet, sort: str, offset: int, limit: int
    ) -> SearchHits:
        """Return matching products among ``base`` (already filtered).

        ``text`` is raw user input. When nothing matches, a backend with
        typo tolerance retries with corrected words and says so in
        ``corrected_text``.
        """
        ...

    def suggest(self, *, text: str, limit: int) -> list[Suggestion]:
        """Return up to ``limit`` active products for a live search box."""
        ...

    def index_products(self, product_ids: Sequence[int]) -> None:
        """Re-index these products (removing inactive or deleted ones)."""
        ...

    def rebuild(self) -> int:
        """Re-index every product; return how many are indexed."""
        ...
