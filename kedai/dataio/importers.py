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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedai.catalog.models import Category, Product, TaxClass, Variant
from kedai.customers.models import Customer
from kedai.dataio.exceptions import DataError
from kedai.dataio.readers import (
    Sheet,
    bool_value,
    decimal_value,
    int_value,
    money_value,
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


def _diff(change: Change, name: str, old: Any, new: Any) -> None:
    if old != new:
        change.fields[name] = [old, new]


class _FieldImporter(Importer):
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
                parsed[column] = parser(raw, column, ctx) if _wants_ctx(parser) \
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
            _diff(change, column, None if current is None else current[attr], value)
        if current is None:
            change.fields[self.key] = [None, key]
        return change

    def attr(self, column: str) -> str:
        return column


def _wants_ctx(parser: Callable) -> bool:
    return getattr(parser, "wants_ctx", False)


def _with_ctx(fn: Callable) -> Callable:
    fn.wants_ctx = True  # type: ignore[attr-defined]
    return fn


# --- Products --------------------------------------------------------------

@_with_ctx
def _category_ref(value: Any, column: str, ctx: dict) -> int:
    slug = text_value(value)
    if slug not in ctx["categories"]:
        raise ValueError(_("Category “%(slug)s” does not exist; upload categories "
                           "first.") % {"slug": slug})
    return ctx["categories"][slug]


@_with_ctx
def _tax_ref(value: Any, column: str, ctx: dict) -> int:
    code = text_value(value)
    if code not in ctx["tax_classes"]:
        raise ValueError(_("Tax class “%(code)s” does not exist.") % {"code": code})
    return ctx["tax_classes"][code]


class ProductImporter(_FieldImporter):
    kind = "products"
    label = gettext_lazy("Products")
    key = "slug"
    model = Product
    columns = ("slug", "name", "category", "description", "tax_class", "is_active",
               "option1_name", "option2_name", "option3_name")
    readonly = ("created_at",)
    required = ("name", "category")
    parsers = {"category": _category_ref, "tax_class": _tax_ref,
               "is_active": bool_value}

    def attr(self, column: str) -> str:
        return {"category": "category_id", "tax_class": "tax_class_id"}.get(column,
                                                                            column)

    def blank(self, column: str) -> Any:
        return None if column == "tax_class" else True if column == "is_active" \
            else ""

    def lookups(self, plan: Plan, chunk: list) -> dict:
        return {"categories": dict(Category.objects.values_list("slug", "pk")),
                "tax_classes": dict(TaxClass.objects.values_list("code", "pk"))}

    def change_for(self, number, key, parsed, current, ctx, errors):
        if current is None and not _slug_ok(key):
            errors.append(_("“%(slug)s” is not a valid slug (letters, digits, "
                            "hyphens).") % {"slug": key})
            return None
        return super().change_for(number, key, parsed, current, ctx, errors)

    def apply(self, plan: Plan, *, actor: str) -> None:
        _apply_fields(self, plan)
        from kedai.catalog.services import product_refresh

        product_refresh(product_ids=Product.objects.filter(
            slug__in=[c.key for c in plan.changes]).values_list("pk", flat=True))


def _slug_ok(value: str) -> bool:
    return bool(value) and slugify(value) == value


def _apply_fields(importer: _FieldImporter, plan: Plan) -> None:
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


# --- Variants and stock --------------------------------------------------------

def _weight(value: Any, column: str) -> int:
    return int_value(value, column)


class VariantImporter(_FieldImporter):
    kind = "variants"
    label = gettext_lazy("Variants: prices, stock, options")
    key = "sku"
    model = Variant
    columns: tuple[str, ...] = (
        "sku", "product", "option1", "option2", "option3", "price",
        "compare_at_price", "stock", "weight_grams", "length_cm", "width_cm",
        "height_cm", "is_active", "position")
    readonly: tuple[str, ...] = ("product_name", "stock_exported")
    required: tuple[str, ...] = ("product", "price")
    parsers = {
        "price": money_value, "compare_at_price": money_value,
        "stock": int_value, "weight_grams": _weight, "position": int_value,
        "length_cm": decimal_value, "width_cm": decimal_value,
        "height_cm": decimal_value, "is_active": bool_value,
    }

    def blank(self, column: str) -> Any:
        if column == "compare_at_price":
            return None
        if column in ("stock", "weight_grams", "position"):
            return 0
        if column.endswith("_cm"):
            return decimal_value("0", column)
        if column == "is_active":
            return True
        return ""

    def lookups(self, plan: Plan, chunk: list) -> dict:
        slugs = {text_value(v.get("product")) for _n, _k, v in chunk}
        return {"products": dict(Product.objects.filter(slug__in=slugs)
                                 .values_list("slug", "pk"))}

    def parse(self, values, present, ctx, errors):
        parsed = super().parse(values, present, ctx, errors)
        if "stock_exported" in present and text_value(values.get("stock_exported")):
            try:
                parsed["stock_exported"] = int_value(values["stock_exported"],
                                                     "stock_exported")
            except ValueError as exc:
                errors.append(str(exc))
        return parsed

    def change_for(self, number, key, parsed, current, ctx, errors):
        exported = parsed.pop("stock_exported", None)
        stock = parsed.pop("stock", None)
        slug = parsed.pop("product", None)
        if current is None:
            if slug not in ctx["products"]:
                errors.append(_("Product “%(slug)s” does not exist; upload "
                                "products first.") % {"slug": slug})
                return None
            change = super().change_for(number, key, parsed, None, ctx, errors)
            assert change is not None
            change.fields["product"] = [None, ctx["products"][slug]]
            change.fields["stock"] = [None, stock or 0]
            return change
        change = super().change_for(number, key, parsed, current, ctx, errors)
        assert change is not None
        if stock is not None:
            now = current["stock"]
            if exported is not None:
                delta = stock - exported
                if delta and now + delta < 0:
                    errors.append(_(
                        "Stock changed since export: %(now)s now, %(exported)s "
                        "when downloaded; %(delta)+d would go below zero.")
                        % {"now": now, "exported": exported, "delta": delta})
                    return None
            else:
                delta = stock - now
            if delta:
                change.fields["stock"] = [now, now + delta]
                plan_stock = change.fields.setdefault("_stock", [None, None])
                plan_stock[1] = {"delta": delta, "seen": now,
                                 "absolute": exported is None}
        return change

    def attr(self, column: str) -> str:
        return "product_id" if column == "product" else column

    def apply(self, plan: Plan, *, actor: str) -> None:
        stock_moves = []
        for change in plan.changes:
            move = change.fields.pop("_stock", None)
            if move:
                change.fields.pop("stock")
                stock_moves.append((change, move[1]))
        _apply_fields(self, plan)
        deltas: dict[int, list[str]] = defaultdict(list)
        for change, move in stock_moves:
            if move["absolute"]:
                # Written only if nothing sold since the preview's read.
                done = Variant.objects.filter(sku=change.key, stock=move["seen"]) \
                    .update(stock=move["seen"] + move["delta"])
                if not done:
                    raise DataError(_("Row %(row)s: stock changed since export; "
                                      "download again.") % {"row": change.row},
                                    code="stock")
            else:
                deltas[move["delta"]].append(change.key)
        for delta, skus in deltas.items():
            for start in range(0, len(skus), 500):
                part = skus[start:start + 500]
                done = Variant.objects.filter(sku__in=part, stock__gte=-delta) \
                    .update(stock=F("stock") + delta)
                if done != len(part):
                    raise DataError(_("Stock changed since export: a sale "
                                      "would make stock negative. Download again."),
                                    code="stock")
        from kedai.catalog.services import product_refresh

        product_refresh(product_ids=Variant.objects.filter(
            sku__in=[c.key for c in plan.changes]).values_list("product_id",
                                                               flat=True).distinct())


class StockImporter(VariantImporter):
    """The stock sheet: SKU, stock and stock as exported."""

    kind = "stock"
    label = gettext_lazy("Stock")
    columns: tuple[str, ...] = ("sku", "stock")
    readonly: tuple[str, ...] = ("product_name", "option1", "option2", "option3",
                                 "stock_exported")
    required: tuple[str, ...] = ()


# --- Categories -----------------------------------------------------------------

class CategoryImporter(_FieldImporter):
    kind = "categories"
    label = gettext_lazy("Categories")
    key = "slug"
    model = Category
    columns = ("slug", "name", "parent", "description", "position", "is_active")
    required = ("name",)
    parsers = {"position": int_value, "is_active": bool_value}

    def blank(self, column: str) -> Any:
        return 0 if column == "position" else True if column == "is_active" \
            else None if column == "parent" else ""

    def existing(self, keys):
        rows = Category.objects.filter(slug__in=keys).values(
            "slug", "name", "parent__slug", "description", "position", "is_active")
        return {r["slug"]: {**r, "parent": r["parent__slug"]} for r in rows}

    def lookups(self, plan, chunk):
        known = plan.work.setdefault("slugs", set(
            Category.objects.values_list("slug", flat=True)))
        return {"known": known}

    def change_for(self, number, key, parsed, current, ctx, errors):
        parent = parsed.get("parent")
        if current is None and not _slug_ok(key):
            errors.append(_("“%(slug)s” is not a valid slug (letters, digits, "
                            "hyphens).") % {"slug": key})
            return None
        if parent == key:
            errors.append(_("A category cannot be placed under itself."))
            return None
        if parent and parent not in ctx["known"]:
            errors.append(_("Parent category “%(slug)s” does not exist (put it on "
                            "an earlier row).") % {"slug": parent})
            return None
        ctx["known"].add(key)
        return super().change_for(number, key, parsed, current, ctx, errors)

    def apply(self, plan: Plan, *, actor: str) -> None:
        ids = dict(Category.objects.values_list("slug", "pk"))
        for change in plan.changes:  # file order: parents before children
            values = {k: new for k, (_o, new) in change.fields.items()}
            if "parent" in values:
                values["parent_id"] = ids[values.pop("parent")] \
                    if values["parent"] else None
            if change.action == "create":
                category = Category.objects.create(**values)
                ids[category.slug] = category.pk
            else:
                Category.objects.filter(slug=change.key).update(
                    **values, updated_at=timezone.now())
        parents: dict[int, int | None] = dict(
            Category.objects.values_list("pk", "parent_id"))
        for start in parents:
            node, seen = parents[start], {start}
            while node is not None:
                if node in seen:
                    raise DataError(_("The upload would put a category under "
                                      "itself."), code="cycle")
                seen.add(node)
                node = parents[node]
        from kedai.catalog.services import catalog_changed

        catalog_changed()


# --- Customers -------------------------------------------------------------------

def _email(value: Any, column: str) -> str:
    text = text_value(value).lower()
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not an email address.")
                         % {"value": text}) from None
    return text


class CustomerImporter(_FieldImporter):
    """Customers by their number (C-000123); rows without one are new."""

    kind = "customers"
    label = gettext_lazy("Customers")
    key = "email"
    model = Customer
    columns = ("email", "number", "name", "phone", "marketing_consent")
    readonly = ("created_at",)
    required = ("name",)
    parsers = {"marketing_consent": bool_value}

    def blank(self, column: str) -> Any:
        return False if column == "marketing_consent" else ""

    def existing(self, keys):
        return {r["email"]: r for r in Customer.objects.filter(
            email__in=[k.lower() for k in keys]).values()}

    def lookups(self, plan, chunk):
        numbers = [text_value(v.get("number")) for _n, _k, v in chunk]
        return {"by_number": {r["number"]: r for r in Customer.objects.filter(
            number__in=[n for n in numbers if n]).values()}}

    def change_for(self, number, key, parsed, current, ctx, errors):
        email = key.lower()
        try:
            _email(email, "email")
        except ValueError as exc:
            errors.append(str(exc))
            return None
        customer_number = parsed.pop("number", "")
        if customer_number:
            current = ctx["by_number"].get(customer_number)
            if current is None:
                errors.append(_("Customer %(number)s does not exist; leave the "
                                "number blank for a new customer.")
                              % {"number": customer_number})
                return None
            if current["email"] != email and Customer.objects.filter(
                    email=email).exists():
                errors.append(_("Another customer already has the email "
                                "%(email)s.") % {"email": email})
                return None
        elif current is not None:
            customer_number = current["number"]
        if current is None and "name" not in parsed:
            errors.append(_("A new customer needs a name."))
            return None
        change = Change(number, customer_number or email,
                        "create" if current is None else "update")
        for column, value in parsed.items():
            _diff(change, column, None if current is None else current[column], value)
        _diff(change, "email", None if current is None else current["email"], email)
        return change

    def apply(self, plan: Plan, *, actor: str) -> None:
        from kedai.customers.services import customer_get_or_create

        for change in plan.changes:
            values = {k: new for k, (_o, new) in change.fields.items()}
            if change.action == "create":
                customer = customer_get_or_create(
                    email=values["email"], name=values.get("name", ""),
                    phone=values.get("phone", ""))
                if values.get("marketing_consent"):
                    Customer.objects.filter(pk=customer.pk).update(
                        marketing_consent=True)
            else:
                Customer.objects.filter(number=change.key).update(
                    **values, updated_at=timezone.now())


# --- Tracking numbers ----------------------------------------------------------------

class TrackingImporter(Importer):
    """Order number, carrier, tracking number: one parcel per row."""

    kind = "tracking_numbers"
    label = gettext_lazy("Tracking numbers")
    key = "tracking_number"
    columns = ("order", "carrier", "tracking_number")

    def plan_chunk(self, plan, chunk, present):
        from kedai.orders.models import Order
        from kedai.shipping.models import Carrier, ShipmentParcel
        from kedai.shipping.services import SHIPPABLE, tracking_numbers_clean

        carriers = {c.value: c.value for c in Carrier}
        carriers.update({str(c.label).lower(): c.value for c in Carrier})
        numbers = {text_value(v.get("order")) for _n, _k, v in chunk}
        orders = {o.number: o for o in Order.objects.filter(number__in=numbers)}
        recorded = set(ShipmentParcel.objects.filter(
            shipment__order__number__in=numbers).values_list(
            "shipment__order__number", "tracking_number"))
        groups = plan.work.setdefault("groups", {})
        for number, key, values in chunk:
            order_number = text_value(values.get("order"))
            carrier = carriers.get(text_value(values.get("carrier")).lower())
            order = orders.get(order_number)
            if order is None:
                plan.errors.append((number, _("Order “%(number)s” does not exist.")
                                    % {"number": order_number}))
                continue
            if carrier is None:
                plan.errors.append((number, _("Carrier “%(carrier)s” is not one "
                                              "of: %(list)s.") % {
                    "carrier": text_value(values.get("carrier")),
                    "list": ", ".join(Carrier.values)}))
                continue
            try:
                tracking = tracking_numbers_clean([key])[0]
            except Exception as exc:  # ShippingError
                plan.errors.append((number, str(exc)))
                continue
            if (order_number, tracking) in recorded:
                continue
            if order.status not in SHIPPABLE and order.status != "shipped":
                plan.errors.append((number, _("Order %(number)s is “%(status)s” "
                                              "and cannot be shipped.") % {
                    "number": order_number, "status": order.get_status_display()}))
                continue
            plan.changes.append(Change(number, order_number, "create",
                                       {"carrier": [None, carrier],
                                        "tracking_number": [None, tracking]}))
            groups.setdefault(f"{order_number}|{carrier}", []).append(tracking)

    def apply(self, plan: Plan, *, actor: str) -> None:
        from kedai.orders.models import Order
        from kedai.shipping.services import shipment_record

        for group, numbers in plan.work.get("groups", {}).items():
            order_number, carrier = group.split("|")
            shipment_record(order=Order.objects.get(number=order_number),
                            carrier=carrier, tracking_numbers=numbers, actor=actor)


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
