"""Typo correction shared by the search backends: pick the closest word.

Backends bring candidate words from their own index; this module decides
which one, if any, a misspelt search word was meant to be. The rule follows
common search-engine practice: the first letter is usually right, words of
three to seven letters allow one edit and longer words two, and swapping two
neighbouring letters counts as one edit ("btaik" -> "batik").

Two edits in a short word make another word, not a typo: "songkok" (a cap)
is two letters from "songket" (a cloth), so it is left alone. Among
candidates equally few edits away, the one that keeps more of the typed
letters wins before the more frequent one: a letter left out is a commoner
slip than one typed too many, so "bedk" means "bedak", not "bed".
"""

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel

MIN_LENGTH = 3


def max_edits(word: str) -> int:
    """How many edits a word of this length may be from its correction."""
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) <= 7 else 2


def correctable(word: str) -> bool:
    """Whether a search word is worth correcting (long enough, no digits)."""
    return max_edits(word) > 0 and not any(ch.isdigit() for ch in word)


def closest_word(word: str, candidates: Iterable[tuple[str, int]]) -> str | None:
    """Return the candidate ``word`` was most likely meant to be, or None.

    ``candidates`` are (word, how many products hold it) pairs; words with
    digits (product codes) are ignored. A whole word within
    :func:`max_edits` wins over a longer word whose beginning is that close
    (the shopper may still be typing); then fewer edits, more of the typed
    letters kept (in order), the same first letter, a closer length and
    more products decide.
    """
    limit = max_edits(word)
    if not limit:
        return None
    counts: dict[str, int] = {}
    for candidate, count in candidates:
        if (candidate != word and len(candidate) >= len(word) - limit
                and not any(ch.isdigit() for ch in candidate)):
            counts[candidate] = max(count, counts.get(candidate, 0))
    whole = [c for c in counts if len(c) <= len(word) + limit]
    longer = [c for c in counts if len(c) > len(word)]
    scored: dict[str, tuple[int, int]] = {}
    for candidate, edits, _ in process.extract(
        word, whole, scorer=DamerauLevenshtein.distance, score_cutoff=limit,
        limit=None,
    ):
        scored[candidate] = (0, edits)
    heads = [c[: len(word)] for c in longer]
    for _, edits, index in process.extract(
        word, heads, scorer=DamerauLevenshtein.distance, score_cutoff=limit,
        limit=None,
    ):
        scored.setdefault(longer[index], (1, edits))
    if not scored:
        return None
    return min(
        scored,
        key=lambda c: (*scored[c], -_kept(word, c), c[0] != word[0],
                       abs(len(c) - len(word)), -counts[c], c),
    )


def _kept(word: str, candidate: str) -> int:
    """How many of ``word``'s letters ``candidate`` keeps, in order (the
    longest common subsequence, from the insert/delete distance)."""
    return (len(word) + len(candidate) - Indel.distance(word, candidate)) // 2
