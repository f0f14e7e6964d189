"""The owner's wording of document emails, plugged in from above.

The texts are kept by ``kedai.shopsettings``, an interface app above
invoicing; it registers its reader from its ``AppConfig.ready`` so that
invoicing never imports it. Without it every email keeps its built-in
wording.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class FilledWording(Protocol):
    """The owner's words with placeholders filled; "" keeps the built-in."""

    @property
    def subject(self) -> str: ...
    @property
    def intro(self) -> str: ...
    @property
    def footer(self) -> str: ...


WordingSource = Callable[..., FilledWording | None]
_sources: list[WordingSource] = []


def email_wording_source_register(source: WordingSource) -> None:
    """Use ``source(kind=, role=, data=, number=)`` for the owner's wording.

    It runs inside the transaction of an order event, so it must never
    raise: a text that cannot be filled gives None (built-in wording).
    """
    _sources[:] = [source]


def email_wording_apply(*, kind: str, role: str, data: dict[str, Any],
                        number: str) -> FilledWording | None:
    """The owner's wording for the email of a document (``kind``, ``data``,
    ``number``) to ``role``, filled in; None when there is none."""
    if not _sources:
        return None
    return _sources[0](kind=kind, role=role, data=data, number=number)
