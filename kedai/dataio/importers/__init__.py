"""Uploads for local updates: products, variants and stock, categories,
customers, tracking numbers.

Every upload is planned first (a dry run: each change and each error with
its row number, nothing written) and applied as one transaction that plans
again against the database as it is then and refuses everything if any row
is in error. A column missing from the file leaves that field alone; a
blank cell in a present column clears an optional field and is an error for
a required one (Shopify's convention).

Stock never loses a concurrent sale. A downloaded sheet carries
``stock_exported`` next to ``stock``; the upload applies the difference
(``stock - stock_exported``) as a delta with ``F("stock") + delta``, so a
sale made after the download stays counted. A delta that would take stock
below zero refuses the upload ("stock changed since export"). Without a
``stock_exported`` column ``stock`` is an absolute count, written only if
the stock is still what the preview saw; otherwise the upload is refused
with the same message.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kedai.dataio.exceptions import DataError
from kedai.dataio.importers.base import Change, Importer, Plan, Progress
from kedai.dataio.importers.catalog import (
    CategoryImporter,
    ProductImporter,
    StockImporter,
    VariantImporter,
)
from kedai.dataio.importers.customers import CustomerImporter
from kedai.dataio.importers.tracking import TrackingImporter
from kedai.dataio.readers import Sheet

__all__ = ["IMPORTERS", "Change", "Importer", "Plan", "Progress", "importer_for",
           "upload_apply", "upload_preview"]



IMPORTERS: dict[str, Importer] = {i.kind: i for i in [
    ProductImporter(), VariantImporter(), StockImporter(), CategoryImporter(),
    CustomerImporter(), TrackingImporter()]}


def importer_for(kind: str) -> Importer:
    if kind in IMPORTERS:
        return IMPORTERS[kind]
    from kedai.dataio.migrate import MIGRATORS

    if kind in MIGRATORS:
        return MIGRATORS[kind]
    raise DataError(_("Unknown upload kind."), code="kind")


def upload_preview(*, kind: str, sheet: Sheet, progress: Progress = None) -> Plan:
    """Dry run: every change and error by row; writes nothing."""
    return importer_for(kind).plan(sheet, progress)


def upload_apply(*, kind: str, sheet: Sheet, actor: str,
                 progress: Progress = None) -> Plan:
    """Apply the upload as one transaction, or nothing of it.

    Plans again inside the transaction (the database may have moved since
    the preview) and raises DataError, with the plan's errors in
    ``extra["plan"]``, if any row is refused.
    """
    importer = importer_for(kind)
    try:
        with transaction.atomic(durable=True):
            plan = importer.plan(sheet, progress)
            if plan.errors:
                raise DataError(
                    _("Nothing was changed: %(count)s row(s) have errors.")
                    % {"count": len({r for r, _m in plan.errors})},
                    code="rows", extra={"plan": plan.report()})
            importer.apply(plan, actor=actor)
    except IntegrityError as exc:
        raise DataError(_("Nothing was changed: the upload conflicts with the "
                          "shop's data (%(error)s).") % {"error": exc},
                        code="integrity") from None
    return plan
