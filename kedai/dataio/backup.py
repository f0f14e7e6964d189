"""One-click full backup and restore into an empty shop.

The archive is a ZIP: ``manifest.json``, one ``tables/<app.Model>.json``
per table (JSON Lines: one object per row in Django's serializer layout,
``{"model", "pk", "fields"}``, primary keys included; times keep their
microseconds, which Django's JSON serializer would drop, so a restore
reproduces every row exactly) and ``media/<name>`` for every file the rows
refer to (product and category images, logos). Every model of the Kedai
apps is included except this app's own job rows; staff accounts and
sessions (django.contrib.auth) are not shop data and stay out, so the
person restoring keeps their sign-in.
"""

from __future__ import annotations

import datetime
import decimal
import json
import posixpath
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kedai.dataio.archives import ZipLimits, zip_check
from kedai.dataio.exceptions import DataError

FORMAT_VERSION = 1
EXCLUDED_APPS = {"dataio"}
# A shop is "empty" when none of these hold a row (migrations seed only
# settings-like tables: shipping methods, rate cards, tax classes).
SHOP_DATA = ("catalog.Category", "catalog.Product", "customers.Customer",
             "orders.Order", "payments.Payment", "invoicing.Document")


def backup_models() -> list[type[models.Model]]:
    """Every Kedai model, in an order where references come first."""
    app_models = [
        (config, [m for m in config.get_models()
                  if m._meta.managed and not m._meta.proxy])
        for config in apps.get_app_configs()
        if config.name.startswith("kedai.") and config.label not in EXCLUDED_APPS]
    return serializers.sort_dependencies(app_models, allow_cycles=True)


def _file_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields
            if isinstance(f, models.FileField)]


def backup_write(target: IO[bytes] | Path) -> dict:
    """Write the whole shop to a ZIP archive; return its manifest."""
    manifest: dict = {"format": FORMAT_VERSION, "app": "kedai",
                      "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                      "tables": {}, "media": []}
    media: set[str] = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in backup_models():
            label = model._meta.label
            rows = model._base_manager.order_by("pk")
            with archive.open(f"tables/{label}.jsonl", "w") as out:
                for start in range(0, rows.count(), 2000):
                    for record in serializers.serialize(
                            "python", rows[start:start + 2000]):
                        out.write(json.dumps(record, cls=_ExactEncoder,
                                             ensure_ascii=False).encode() + b"\n")
            manifest["tables"][label] = rows.count()
            for name in _file_fields(model):
                media.update(v for v in rows.values_list(name, flat=True) if v)
        for name in sorted(media):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as f:
                    archive.writestr(f"media/{name}", f.read())
                manifest["media"].append(name)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


class _ExactEncoder(json.JSONEncoder):
    """Dates and times in full ISO 8601; decimals and UUIDs as strings."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.date | datetime.time):
            return o.isoformat()
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


# One row of a table, one line of its JSON Lines file; a longer line is
# damage (or a bomb) and is refused before it is held in memory whole.
MAX_LINE_BYTES = 16 * 2**20
MAX_MANIFEST_BYTES = 2**20


def backup_limits() -> ZipLimits:
    """A backup holds a manifest, one file per table and every media file."""
    inflated = settings.KEDAI_DATAIO_MAX_BACKUP_INFLATED_BYTES
    return ZipLimits(max_members=200_000, max_inflated=inflated,
                     max_member_inflated=inflated,
                     max_ratio=settings.KEDAI_DATAIO_MAX_ZIP_RATIO)


def _records(data: IO[bytes]) -> Iterator[dict]:
    while line := data.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise DataError(_("The backup is damaged: a row is longer than "
                              "%(size)s.") % {"size": filesizeformat(MAX_LINE_BYTES)},
                            code="archive")
        if line.strip():
            yield json.loads(line)


def shop_is_empty() -> bool:
    return not any(apps.get_model(label)._base_manager.exists()
                   for label in SHOP_DATA)


def _media_name(entry: str) -> str:
    name = entry.removeprefix("media/")
    normal = posixpath.normpath(name)
    if (not name or name.startswith("/") or normal != name
            or normal.startswith("..") or "\\" in name):
        raise DataError(_("The backup holds an unsafe file name: %(name)s")
                        % {"name": entry[:100]}, code="archive")
    return name


def _search_reindex() -> None:
    """Rebuild the product search index (not a model: not in the archive).

    Only the index: product summaries are restored as they were.
    """
    from kedai.catalog.search import get_search_backend
    from kedai.catalog.services import catalog_changed

    get_search_backend().rebuild()
    catalog_changed()


def backup_restore(source: IO[bytes] | Path) -> dict:
    """Restore a backup into an empty shop, exactly, or change nothing.

    Refuses (DataError) when the shop already has categories, products,
    customers, orders, payments or documents, and when the archive is not
    a Kedai backup. Settings-like rows seeded by migrations are replaced by
    the archive's. Media files are written under their stored names.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise DataError(_("This is not a Kedai backup (not a ZIP archive)."),
                        code="archive") from None
    with archive:
        # From the ZIP directory alone, before anything is inflated.
        zip_check(archive, backup_limits(), what=_("The backup"))
        try:
            if archive.getinfo("manifest.json").file_size > MAX_MANIFEST_BYTES:
                raise ValueError("manifest too large")
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError):
            raise DataError(_("This is not a Kedai backup (no manifest)."),
                            code="archive") from None
        if manifest.get("app") != "kedai" or manifest.get("format") != FORMAT_VERSION:
            raise DataError(_("This backup was made by another program or "
                              "version."), code="archive")
        if not shop_is_empty():
            raise DataError(_("Restore only goes into an empty shop: this shop "
                              "already has products, customers or orders. Set up "
                              "a fresh installation and restore there."),
                            code="not_empty")
        media = [(entry, _media_name(entry)) for entry in archive.namelist()
                 if entry.startswith("media/") and not entry.endswith("/")]
        ordered = backup_models()
        known = {m._meta.label for m in ordered}
        unknown = set(manifest["tables"]) - known
        if unknown:
            raise DataError(_("The backup holds tables this shop does not know: "
                              "%(names)s.") % {"names": ", ".join(sorted(unknown))},
                            code="archive")
        try:
            with transaction.atomic(durable=True):
                for model in reversed(ordered):
                    model._base_manager.all()._raw_delete(using="default")
                for model in ordered:
                    label = model._meta.label
                    if label not in manifest["tables"]:
                        continue
                    with archive.open(f"tables/{label}.jsonl") as data:
                        for obj in serializers.deserialize("python",
                                                           _records(data)):
                            obj.save()
                statements = connection.ops.sequence_reset_sql(no_style(), ordered)
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
                _search_reindex()
        except (serializers.base.DeserializationError, KeyError, ValueError) as exc:
            raise DataError(_("The backup is damaged: %(error)s")
                            % {"error": str(exc)[:200]}, code="archive") from None
        for entry, name in media:
            if default_storage.exists(name):
                default_storage.delete(name)
            with archive.open(entry) as member:  # streamed, chunk by chunk
                saved = default_storage.save(name, File(member, name=name))
            if saved != name:  # pragma: no cover - storage renamed it
                raise DataError(_("Could not restore file %(name)s.")
                                % {"name": name}, code="media")
    return manifest
