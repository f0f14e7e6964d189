"""The machinery every upload shares: a plan of changes and errors by row,
and importers that check a row's fields against a model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.dataio.exceptions import DataError
from kedai.dataio.readers import (
    Sheet,
    text_value,
)

CHUNK = 1000
Progress = Callable[[int], None] | None


@dataclass
class Change:
    row: int
    key: str
    action: str  # "create" or "update"
    fields: dict[str, list[Any]] = field(default_factory=dict)  # name: [old, new]


@dataclass
class Plan:
    """The dry-run result: what applying would do, and what stops it."""

    kind: str
    total: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Importer-specific data for apply (not shown).
    work: dict[str, Any] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return self.total - len(self.changes) - len({r for r, _m in self.errors})

    def report(self) -> dict:
        return {
            "kind": self.kind, "total": self.total, "unchanged": max(self.unchanged, 0),
            "creates": sum(1 for c in self.changes if c.action == "create"),
            "updates": sum(1 for c in self.changes if c.action == "update"),
            "changes": [{"row": c.row, "key": c.key, "action": c.action,
                         "fields": {k: [_show(o), _show(n)]
                                    for k, (o, n) in c.fields.items()
                                    if not k.startswith("_")}}
                        for c in self.changes],
            "errors": [{"row": r, "message": m} for r, m in self.errors],
            "unknown_columns": self.unknown_columns, "notes": self.notes,
        }


def _show(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def normalise_header(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


class Importer:
    """One upload kind: the columns it knows and how rows become changes."""

    kind = ""
    label: Any = ""
    key = ""
    columns: tuple[str, ...] = ()
    readonly: tuple[str, ...] = ()  # known, shown in downloads, never written

    def plan(self, sheet: Sheet, progress: Progress = None) -> Plan:
        plan = Plan(kind=self.kind, total=len(sheet.rows))
        mapping = {h: normalise_header(h) for h in sheet.headers if h}
        known = set(self.columns) | set(self.readonly)
        present = {canon for canon in mapping.values() if canon in known}
        if self.key not in present:
            raise DataError(
                _("Missing column “%(key)s”. This upload expects the columns: "
                  "%(columns)s.") % {"key": self.key,
                                     "columns": ", ".join(self.columns)},
                code="headers")
        plan.unknown_columns = [h for h, canon in mapping.items()
                                if canon not in known]
        if plan.unknown_columns:
            plan.notes.append(
                _("%(count)s column(s) will be left behind: %(names)s.")
                % {"count": len(plan.unknown_columns),
                   "names": ", ".join(plan.unknown_columns)})
        # Header position -> canonical column, for the columns kept.
        keep = [(i, mapping[h]) for i, h in enumerate(sheet.headers)
                if h in mapping and mapping[h] in known]
        seen: dict[str, int] = {}
        total = len(sheet.rows)
        for start in range(0, total, CHUNK):
            chunk = []
            for number, row in sheet.rows[start:start + CHUNK]:
                values = {canon: row[i] if i < len(row) else None
                          for i, canon in keep}
                key = text_value(values.get(self.key))
                if not key:
                    plan.errors.append((number, _("“%(key)s” is blank.")
                                        % {"key": self.key}))
                    continue
                folded = key.lower()
                if folded in seen:
                    plan.errors.append((number, _(
                        "%(key)s “%(value)s” appears again (first on row %(row)s).")
                        % {"key": self.key, "value": key, "row": seen[folded]}))
                    continue
                seen[folded] = number
                chunk.append((number, key, values))
            self.plan_chunk(plan, chunk, present)
            if progress:
                progress(min(start + CHUNK, total))
        plan.errors.sort()
        return plan

    def plan_chunk(self, plan: Plan, chunk: list, present: set[str]) -> None:
        raise NotImplementedError

    def apply(self, plan: Plan, *, actor: str) -> None:
        raise NotImplementedError


def field_diff(change: Change, name: str, old: Any, new: Any) -> None:
    if old != new:
        change.fields[name] = [old, new]


class FieldImporter(Importer):
    """Rows map to one model by a unique key; fields parsed by ``parsers``."""

    model: Any = None
    parsers: dict[str, Callable[[Any, str], Any]] = {}
    required: tuple[str, ...] = ()

    def lookups(self, plan: Plan, chunk: list) -> dict:
        return {}

    def existing(self, keys: list[str]) -> dict[str, dict]:
        return {r[self.key]: r for r in self.model.objects.filter(
            **{f"{self.key}__in": keys}).values()}

    def parse(self, values: dict, present: set[str], ctx: dict,
              errors: list[str]) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for column in self.columns:
            if column == self.key or column not in present:
                continue
            parser = self.parsers.get(column, lambda v, c: text_value(v))
            raw = values.get(column)
            if (raw is None or raw == "") and column not in self.required:
                parsed[column] = self.blank(column)
                continue
            if raw is None or raw == "":
                errors.append(_("“%(column)s” is blank.") % {"column": column})
                continue
            try:
                parsed[column] = parser(raw, column, ctx) if wants_ctx(parser) \
                    else parser(raw, column)
            except ValueError as exc:
                errors.append(str(exc))
        return parsed

    def blank(self, column: str) -> Any:
        return ""

    def plan_chunk(self, plan: Plan, chunk: list, present: set[str]) -> None:
        if not chunk:
            return
        existing = self.existing([key for _n, key, _v in chunk])
        ctx = self.lookups(plan, chunk)
        for number, key, values in chunk:
            errors: list[str] = []
            parsed = self.parse(values, present, ctx, errors)
            current = existing.get(key)
            if current is None:
                missing = [c for c in self.required
                           if c not in parsed and not errors]
                if missing:
                    errors.append(_("A new %(key)s needs: %(columns)s.")
                                  % {"key": self.key, "columns": ", ".join(missing)})
            if not errors:
                change = self.change_for(number, key, parsed, current, ctx, errors)
                if change is not None and not errors and change.fields:
                    plan.changes.append(change)
            plan.errors.extend((number, message) for message in errors)

    def change_for(self, number: int, key: str, parsed: dict, current: dict | None,
                   ctx: dict, errors: list[str]) -> Change | None:
        change = Change(number, key, "create" if current is None else "update")
        for column, value in parsed.items():
            attr = self.attr(column)
            old = None if current is None else current[attr]
            field_diff(change, column, old, value)
        if current is None:
            change.fields[self.key] = [None, key]
        return change

    def attr(self, column: str) -> str:
        return column


def wants_ctx(parser: Callable) -> bool:
    return getattr(parser, "wants_ctx", False)


def with_ctx(fn: Callable) -> Callable:
    fn.wants_ctx = True  # type: ignore[attr-defined]
    return fn




def apply_fields(importer: FieldImporter, plan: Plan) -> None:
    """Write planned creates and updates of a field importer."""
    model = importer.model
    creates = [c for c in plan.changes if c.action == "create"]
    updates = [c for c in plan.changes if c.action == "update"]
    if creates:
        model.objects.bulk_create(
            [model(**{importer.attr(k): new for k, (_o, new) in c.fields.items()})
             for c in creates], batch_size=500)
    by_fields: dict[tuple, list[Change]] = defaultdict(list)
    for change in updates:
        by_fields[tuple(sorted(change.fields))].append(change)
    stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    now = timezone.now()
    meta = model._meta
    quote = connection.ops.quote_name
    key_field = meta.get_field(importer.key)
    for names, changes in by_fields.items():
        if not names:
            continue
        fields = [meta.get_field(importer.attr(n)) for n in names]
        if stamped:
            fields.append(meta.get_field("updated_at"))
        # One prepared UPDATE run for every row (executemany): bulk_update's
        # CASE expressions cost seconds per 10,000 rows. Only quoted column
        # names of the model are interpolated; every value is a parameter.
        sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
            quote(meta.db_table),
            ", ".join(f"{quote(f.column)} = %s" for f in fields),
            quote(key_field.column))
        params = []
        for change in changes:
            values = [change.fields[n][1] for n in names] + ([now] if stamped else [])
            params.append([f.get_db_prep_save(v, connection)
                           for f, v in zip(fields, values, strict=True)]
                          + [change.key])
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


