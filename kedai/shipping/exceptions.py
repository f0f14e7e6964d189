"""Shipping errors: refused requests (shown) and carrier failures (logged)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kedai.core.exceptions import ApplicationError


class ShippingError(ApplicationError):
    """A shipping rule refused the request; nothing was changed."""


class CarrierError(Exception):
    """A carrier or aggregator failed: down, slow, garbage, wrong currency.

    Operational, never shown to shoppers: quoting falls back to the rate
    card. ``reason`` is a short machine-readable tag for logs and tests.
    """

    def __init__(self, message: str, *, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RowError:
    """One problem of an uploaded rate card: row (1-based), column, message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("file")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


class RateCardInvalid(ShippingError):
    """An uploaded rate card was refused; the current card is kept."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(_("The rate card has errors; nothing was changed."),
                         code="rate_card_invalid")
        self.errors = errors
