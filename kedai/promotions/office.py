"""The owner's promotion tools: voucher codes generated in a batch and
their CSV, pausing a code, and campaigns' front-page banners (run by the
scheduler, ``promotions_sync``)."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.catalog.models import FrontPage
from kedai.catalog.services import catalog_changed
from kedai.promotions.exceptions import PromotionError
from kedai.promotions.models import (
    Campaign,
    Voucher,
    live_q,
)
from kedai.promotions.rules import (
    rules_changed,
)
from kedai.promotions.services import CODE_RE


def vouchers_generate(*, prefix: str, count: int, template: Voucher,
                      length: int = 8) -> list[Voucher]:
    """Create ``count`` single-use codes like ``template`` (its kind,
    value, scope, dates, minimum spend; not saved itself), named
    ``PREFIX-XXXXXXXX`` with random letters and digits, in one batch.

    Raises PromotionError for a bad prefix or count (1 … 10,000).
    """
    prefix = str(prefix).strip().upper()
    if prefix and not CODE_RE.match(prefix) or len(prefix) > 12:
        raise PromotionError(_("The prefix may have letters, digits and dashes "
                               "only, up to 12."), code="prefix")
    if not 1 <= count <= 10_000:
        raise PromotionError(_("Generate between 1 and 10,000 codes."),
                             code="count")
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
    batch = f"{prefix or 'BATCH'}-{timezone.now():%Y%m%d%H%M%S}"
    with transaction.atomic():
        codes: set[str] = set()
        while len(codes) < count:
            body = "".join(secrets.choice(alphabet) for _i in range(length))
            codes.add(f"{prefix}-{body}" if prefix else body)
        taken = set(Voucher.objects.filter(code__in=codes)
                    .values_list("code", flat=True))
        fields = {f.attname: getattr(template, f.attname)
                  for f in Voucher._meta.concrete_fields
                  if f.attname not in {"id", "code", "created_at", "updated_at",
                                       "times_used", "batch", "usage_limit"}}
        made = Voucher.objects.bulk_create([
            Voucher(**fields, code=code, batch=batch, usage_limit=1)
            for code in sorted(codes - taken)])
        if template.pk is not None:  # its categories or products, if any
            for name in ("categories", "products"):
                ids = list(getattr(template, name).values_list("pk", flat=True))
                through = getattr(Voucher, name).through
                column = "category_id" if name == "categories" else "product_id"
                through.objects.bulk_create([
                    through(voucher_id=v.pk, **{column: i})
                    for v in made for i in ids], batch_size=1000)
    return made


def vouchers_csv(vouchers: Iterable[Voucher]) -> str:
    """The CSV of generated codes: one row per code, for printing or mailing."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "batch", "kind", "value", "starts_at", "ends_at"])
    for v in vouchers:
        writer.writerow([v.code, v.batch, v.kind, v.value,
                         v.starts_at or "", v.ends_at or ""])
    return out.getvalue()


def voucher_set_paused(*, voucher: Voucher, paused: bool) -> None:
    """Pause or resume a voucher (a paused code is refused at once)."""
    Voucher.objects.filter(pk=voucher.pk).update(is_paused=paused,
                                                 updated_at=timezone.now())
    voucher.is_paused = paused


def campaign_banners_sync(*, now: datetime | None = None) -> int:
    """Let the front page announcement follow the campaigns.

    A live campaign with a banner puts it up (keeping the shop's own line);
    when it ends or is paused, the shop's line comes back, unless the owner
    changed the announcement meanwhile. Run by the scheduler
    (``promotions_sync``); safe to run at any time and concurrently.
    Returns how many campaigns changed the announcement.
    """
    now = now or timezone.now()
    changed = 0
    with transaction.atomic():
        front = FrontPage.objects.select_for_update().filter(pk=1).first()
        if front is None:
            return 0
        live = (Campaign.objects.filter(live_q(now)).exclude(banner="")
                .order_by("starts_at", "id").first())
        shown = Campaign.objects.filter(banner_shown=True)
        if live is not None:
            shown = shown.exclude(pk=live.pk)
        for gone in shown:
            if front.announcement == gone.banner:
                front.announcement = gone.announcement_before
            Campaign.objects.filter(pk=gone.pk).update(banner_shown=False)
            changed += 1
        if live is not None and not live.banner_shown:
            Campaign.objects.filter(pk=live.pk).update(
                banner_shown=True, announcement_before=front.announcement)
            front.announcement = live.banner
            changed += 1
        if changed:
            FrontPage.objects.filter(pk=front.pk).update(
                announcement=front.announcement)
            catalog_changed()
            rules_changed()
    return changed
