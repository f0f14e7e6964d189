"""Human-friendly, sequential, gap-free document numbers.

``number_allocate(series="KD", year=2026)`` returns ``KD-2026-000123``.
The counter row is locked and bumped inside the caller's transaction, so a
rolled-back order or invoice gives its number back: the next one gets the
same number, and the series never has a gap (ARCHITECTURE.md §4).
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from kedai.core.models import NumberSequence


def number_format(*, series: str, year: int | None, value: int, width: int = 6) -> str:
    """``KD-2026-000123`` (with a year) or ``C-000123`` (without)."""
    parts = [series] + ([str(year)] if year else []) + [str(value).zfill(width)]
    return "-".join(parts)


def number_allocate(*, series: str, year: int | None = None, width: int = 6) -> str:
    """Take the next number of ``series`` (per ``year`` when given).

    Must run inside the transaction that stores the numbered row; raises
    RuntimeError otherwise, because a number allocated outside it could be
    lost by a later failure and leave a gap. Concurrent callers wait on the
    counter row: the UPDATE locks it until commit on PostgreSQL, and the
    IMMEDIATE transaction mode serialises writers on SQLite.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate() must run inside transaction.atomic()")
    key = {"series": series, "year": year or 0}
    updated = NumberSequence.objects.filter(**key).update(
        last_value=F("last_value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(**key, last_value=1)
        except IntegrityError:
            # Another transaction created the row first; count after it.
            NumberSequence.objects.filter(**key).update(
                last_value=F("last_value") + 1)
    # The UPDATE above holds the row lock until commit; this reads our value.
    value = NumberSequence.objects.values_list("last_value", flat=True).get(**key)
    return number_format(series=series, year=year, value=value, width=width)
