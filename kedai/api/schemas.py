"""Shapes shared by the storefront and admin APIs."""

from ninja import Schema


class ProblemOut(Schema):
    """An error (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str
    code: str | None = None
    errors: list[dict] | None = None


# Error statuses every operation may answer with a problem document.
ERRORS = frozenset({400, 401, 403, 404, 405, 409, 410, 422, 429, 503})
