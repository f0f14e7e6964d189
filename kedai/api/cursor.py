"""Opaque pagination cursors.

A cursor is the position after the last item of a page (a sort key, or
the offset for ranked search), signed with the project's secret so a
client cannot forge one. Clients pass ``next_cursor`` back unchanged.
"""

from typing import TypeVar

from django.core import signing
from django.db.models import Model, QuerySet

from kedai.api.problems import Problem

_SALT = "kedai.api.cursor"
M = TypeVar("M", bound=Model)


def cursor_make(kind: str, position: object) -> str:
    return signing.dumps([kind, position], salt=_SALT, compress=True)


def cursor_read(kind: str, cursor: str | None) -> object | None:
    """The position in ``cursor``, None for no cursor; 400 if it is not
    one of ours for this listing."""
    if not cursor:
        return None
    try:
        found_kind, position = signing.loads(cursor, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise Problem(400, "The cursor is not valid; start again without it.",
                      code="bad_cursor") from exc
    if found_kind != kind:
        raise Problem(400, "This cursor belongs to another listing.",
                      code="bad_cursor")
    return position


def page_by_id(qs: QuerySet[M], *, kind: str, cursor: str | None,
               limit: int) -> tuple[list[M], str | None]:
    """One page of ``qs`` in id order after ``cursor``, and the cursor of
    the next page (None on the last). One query: ``limit + 1`` rows tell
    whether more follow."""
    after = cursor_read(kind, cursor)
    qs = qs.order_by("id")
    if after is not None:
        if not isinstance(after, int):
            raise Problem(400, "The cursor is not valid.", code="bad_cursor")
        qs = qs.filter(id__gt=after)
    page = list(qs[:limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, cursor_make(kind, page[-1].pk) if more else None
