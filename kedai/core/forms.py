"""Form fields shared by the storefront and the back office.

Ids and numbers come from the outside (forms, query strings, URL parts)
and must be range-checked before they reach the database: SQLite and
PostgreSQL keep integers in 64 bits, and a bigger one is an
``OverflowError`` (a 500) instead of "not found".
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest primary key (BigAutoField) either database can hold.
ID_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    """A database id: a whole number 1 … ``ID_MAX`` in ASCII digits.

    ``int()`` also reads other scripts' digits ("١٢٣"); an id never holds
    them, so they are refused like any other non-number.
    """

    default_error_messages = {
        "invalid": _("This is not a valid choice."),
        "min_value": _("This is not a valid choice."),
        "max_value": _("This is not a valid choice."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and not value.strip().isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def id_or_none(value: object) -> int | None:
    """``value`` as a database id, or None when it is not one (for query
    strings and URL parts, where a bad id is simply "not found")."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose value is range-checked before any query."""

    def to_python(self, value):
        if value not in self.empty_values and id_or_none(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose values are range-checked before any
    query (Django's own check lets a 20-digit id reach the database)."""

    def _check_values(self, value):
        for pk in value:
            if id_or_none(pk) is None:
                raise ValidationError(self.error_messages["invalid_choice"],
                                      code="invalid_choice", params={"value": pk})
        return super()._check_values(value)  # type: ignore[misc]


_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")


def is_reference(value: str) -> bool:
    """True for what an order or document number can look like (ASCII
    letters, digits and dashes, up to 40); anything else in a URL part is
    "not found" without a query (PostgreSQL refuses NUL bytes outright)."""
    return bool(_REFERENCE.fullmatch(value or ""))
