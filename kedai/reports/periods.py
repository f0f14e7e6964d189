"""Report periods in shop time: today, the last 7 and the last 30 days.

A period is whole local days up to now: "7 days" is today so far and the
six days before it. It is compared with the stretch of the same length
just before it, ending at the same time of day (today until 14:05 against
yesterday until 14:05), so a morning never looks like a bad day against a
whole yesterday. Days start at local midnight in ``TIME_ZONE``
(Asia/Kuala_Lumpur), not in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Bucket = Literal["hour", "day"]

# key: (label, days)
PERIODS: dict[str, tuple[str | Promise, int]] = {
    "today": (_("Today"), 1),
    "7d": (_("Last 7 days"), 7),
    "30d": (_("Last 30 days"), 30),
}
DEFAULT_PERIOD = "7d"


@dataclass(frozen=True)
class Period:
    """A stretch of shop time ``[start, end)`` and the one before it."""

    key: str
    label: str
    days: int
    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime

    @property
    def bucket(self) -> Bucket:
        """Charts of one day go by hour, longer ones by day."""
        return "hour" if self.days == 1 else "day"

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.start).date()

    @property
    def previous_first_day(self) -> date:
        return timezone.localtime(self.previous_start).date()


def period_get(key: str, *, now: datetime | None = None) -> Period:
    """The period ``key`` (one of PERIODS) ending at ``now``.

    Raises KeyError for an unknown key; views fall back to the default.
    """
    label, days = PERIODS[key]
    tz = timezone.get_default_timezone()
    local_now = timezone.localtime(now or timezone.now(), tz)
    first_day = local_now.date() - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first_day, time.min), tz)
    previous_start = timezone.make_aware(
        datetime.combine(first_day - timedelta(days=days), time.min), tz)
    # Same local time of day, ``days`` earlier (right across a DST change).
    previous_end = timezone.make_aware(
        local_now.replace(tzinfo=None) - timedelta(days=days), tz)
    return Period(key=key, label=str(label), days=days, start=start,
                  end=local_now, previous_start=previous_start,
                  previous_end=previous_end)
