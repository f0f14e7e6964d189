"""Writes of the reports app: stock thresholds and the daily digest."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedai.catalog.models import Variant
from kedai.invoicing.services import owner_email
from kedai.notifications.models import Message
from kedai.notifications.services import message_queue
from kedai.reports.exceptions import ReportsError
from kedai.reports.models import StockAlert
from kedai.reports.selectors import day_label, low_stock_list, low_stock_threshold

logger = logging.getLogger(__name__)

MAX_THRESHOLD = 1_000_000
# The digest lists at most this many variants and links to the page for more.
DIGEST_ROWS = 200
DIGEST_KIND = "low_stock_digest"


@transaction.atomic(durable=True)
def stock_alert_set(*, variant: Variant, threshold: int | None) -> StockAlert | None:
    """Give ``variant`` its own low-stock threshold, or drop it (None).

    With None the shop-wide ``KEDAI_LOW_STOCK_THRESHOLD`` applies again.
    Raises ReportsError for a negative or absurd number; nothing changes
    then. Does not touch the variant's stock.
    """
    if threshold is None:
        StockAlert.objects.filter(variant=variant).delete()
        return None
    if not 0 <= threshold <= MAX_THRESHOLD:
        raise ReportsError(_("Enter a threshold from 0 to %(max)s.")
                           % {"max": MAX_THRESHOLD}, code="threshold")
    alert, _created = StockAlert.objects.update_or_create(
        variant=variant, defaults={"threshold": threshold})
    return alert


@dataclass(frozen=True)
class DigestOutcome:
    """What ``low_stock_digest_send`` did, and the outbox row if any."""

    status: str  # sent, already_sent, nothing_low, too_early, no_recipient
    message: Message | None = None
    count: int = 0


def digest_dedupe_key(day) -> str:
    return f"{DIGEST_KIND}:{day.isoformat()}"


def low_stock_digest_send(*, now: datetime | None = None) -> DigestOutcome:
    """Queue today's low-stock digest to the owner, once per shop day.

    Does nothing before ``KEDAI_LOW_STOCK_DIGEST_HOUR`` (shop time), when
    today's digest is already in the outbox, when nothing is low, or when
    there is no owner address (seller profile or KEDAI_OWNER_EMAIL;
    logged). Safe to call every few minutes and from several processes:
    the outbox's dedupe key for the date lets one message through. Never
    talks to a mail server; the outbox worker delivers.
    """
    local = timezone.localtime(now or timezone.now())
    if local.hour < settings.KEDAI_LOW_STOCK_DIGEST_HOUR:
        return DigestOutcome("too_early")
    key = digest_dedupe_key(local.date())
    existing = Message.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return DigestOutcome("already_sent", existing)
    low = low_stock_list()
    rows = list(low[:DIGEST_ROWS])
    if not rows:
        return DigestOutcome("nothing_low")
    count = len(rows) if len(rows) < DIGEST_ROWS else low.count()
    to = owner_email()
    if not to:
        logger.warning("low-stock digest not queued: no owner email address "
                       "(seller profile or KEDAI_OWNER_EMAIL)")
        return DigestOutcome("no_recipient", count=count)
    context = {
        "rows": rows, "count": count, "more": count - len(rows),
        "day": day_label(local.date()), "default_threshold": low_stock_threshold(),
        "page_url": settings.KEDAI_SITE_URL.rstrip("/") + reverse("reports:low_stock"),
    }
    subject = ngettext("Low stock: %(count)s variant on %(day)s",
                       "Low stock: %(count)s variants on %(day)s",
                       count) % {"count": count, "day": context["day"]}
    with transaction.atomic(durable=True):
        message = message_queue(
            kind=DIGEST_KIND, to=to, subject=subject,
            body_text=render_to_string("reports/email/low_stock_digest.txt", context),
            body_html=render_to_string("reports/email/low_stock_digest.html", context),
            reference=local.date().isoformat(), dedupe_key=key)
    return DigestOutcome("sent", message, count)
