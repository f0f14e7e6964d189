"""Query rules shared by the search backends, so both behave alike.

Pure functions over search words and product ids; no SQL.
"""

import re

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
