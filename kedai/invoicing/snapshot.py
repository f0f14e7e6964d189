"""The data a document is rendered from, frozen when it is issued.

Everything printed comes from this dict: amounts as strings (Decimal text,
never float), the seller's identity and the branding as they were on the
day of issue. Rendering the same snapshot again gives the same PDF.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from kedai.catalog.selectors import navigation_get
from kedai.customers.addressing import ISO_3166_2, STATE_NAMES
from kedai.invoicing.models import SellerProfile
from kedai.orders.models import Order

SNAPSHOT_VERSION = 1
TAX_LABELS = {"sales": "Sales tax", "service": "Service tax", "none": "No tax"}


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _address(fields: dict[str, Any]) -> dict[str, str]:
    state = fields.get("state_code", "")
    return {
        "name": fields.get("name", ""), "line1": fields.get("line1", ""),
        "line2": fields.get("line2", ""), "city": fields.get("city", ""),
        "postcode": fields.get("postcode", ""), "state_code": state,
        "state_name": STATE_NAMES.get(state, state),
        # MyInvois state codes are the ISO 3166-2:MY numbers ("14" for KL).
        "state_number": ISO_3166_2.get(state, "MY-17")[3:],
        "country": fields.get("country", "MY") or "MY",
        "phone": fields.get("phone", ""),
    }


def address_lines(address: dict[str, str]) -> list[str]:
    """Printable lines of an address snapshot, without the name."""
    place = " ".join(x for x in (address.get("postcode"), address.get("city")) if x)
    return [x for x in (address.get("line1"), address.get("line2"), place,
                        address.get("state_name")) if x]


def seller_snapshot(seller: SellerProfile | None) -> dict[str, Any]:
    if seller is None:
        # Documents are still issued before the owner fills in the profile;
        # the e-invoice export refuses them until it is complete.
        return {"legal_name": "", "registration_number": "", "sst_number": "",
                "tin": "", "tourism_tax_number": "", "msic_code": "",
                "business_activity": "", "address": _address({}), "phone": "",
                "email": "", "footer": ""}
    return {
        "legal_name": seller.legal_name,
        "registration_number": seller.registration_number,
        "sst_number": seller.sst_number, "tin": seller.tin,
        "tourism_tax_number": seller.tourism_tax_number,
        "msic_code": seller.msic_code, "business_activity": seller.business_activity,
        "address": _address({"line1": seller.address_line1,
                             "line2": seller.address_line2, "city": seller.city,
                             "postcode": seller.postcode,
                             "state_code": seller.state_code}),
        "phone": seller.phone, "email": seller.email, "footer": seller.invoice_footer,
    }


def branding_snapshot() -> dict[str, str]:
    front = navigation_get().front_page
    return {"store_name": front.store_name,
            "logo": (front.logo.name or "") if front.logo else ""}


def tax_breakdown(order: Order) -> list[dict[str, str]]:
    """SST per kind and rate; tax the lines do not explain is on shipping."""
    groups: dict[tuple[str, Decimal], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0)])
    for line in order.lines.all():
        if line.tax_kind == "none" and not line.line_tax:
            continue
        group = groups[(line.tax_kind, Decimal(line.tax_rate))]
        group[0] += line.line_net
        group[1] += line.line_tax
    rows = [{"kind": kind, "rate": f"{rate.normalize():f}",
             "label": f"{TAX_LABELS.get(kind, kind)} {rate.normalize():f}%",
             "taxable": _money(taxable), "tax": _money(tax)}
            for (kind, rate), (taxable, tax) in sorted(groups.items())]
    rest = order.tax_total - sum((Decimal(r["tax"]) for r in rows), Decimal(0))
    if rest:
        rows.append({"kind": "service", "rate": "", "label": "Tax on shipping",
                     "taxable": "", "tax": _money(rest)})
    return rows


def order_snapshot(*, order: Order, kind: str, title: str, number: str,
                   issued_at: datetime, seller: SellerProfile | None,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The full data of one document about ``order``."""
    billing = _address(order.billing_address or {})
    lines = [{
        "sku": line.sku, "name": line.name, "variant_label": line.variant_label,
        "quantity": line.quantity, "unit_price": _money(line.unit_price),
        "net": _money(line.line_net), "tax": _money(line.line_tax),
        "total": _money(line.line_total), "tax_kind": line.tax_kind,
        "tax_rate": f"{Decimal(line.tax_rate).normalize():f}",
        # Taken off before tax (promotions); net/tax/total are after it.
        **({"discount": _money(line.discount)} if line.discount else {}),
    } for line in order.lines.all()]
    local = timezone.localtime(issued_at)
    data: dict[str, Any] = {
        "version": SNAPSHOT_VERSION, "kind": kind, "title": title, "number": number,
        "issued_at": issued_at.isoformat(), "issued_date": local.date().isoformat(),
        # Malaysian dd/mm/yyyy, in the shop's time zone.
        "issued_local": local.strftime("%d/%m/%Y %H:%M"),
        "time_zone": settings.TIME_ZONE, "currency": order.currency,
        "order": {"number": order.number,
                  "placed_at": timezone.localtime(order.created_at).isoformat(),
                  "payment_method": order.payment_method,
                  "shipping_method": order.shipping_method},
        "branding": branding_snapshot(),
        "seller": seller_snapshot(seller),
        "buyer": {"name": billing["name"] or order.customer.name,
                  "email": order.email, "phone": order.phone, "billing": billing,
                  "shipping": _address(order.shipping_address or {}),
                  "einvoice": dict(order.buyer_einvoice or {})},
        "lines": lines,
        "tax_breakdown": tax_breakdown(order),
        # Line totals are gross (tax included) in both price modes, so the
        # printed sum is items + shipping + rounding = total, with the SST
        # shown as included in it.
        "totals": {"subtotal": _money(sum((line.line_total
                                           for line in order.lines.all()),
                                          Decimal(0))),
                   "net": _money(order.subtotal),
                   "shipping": _money(order.shipping_total),
                   "tax": _money(order.tax_total),
                   "rounding": _money(order.rounding), "total": _money(order.total),
                   "tax_included": order.prices_include_tax},
    }
    if order.discount_total or order.shipping_discount:
        # Only on discounted orders, so other snapshots stay as they were.
        data["totals"].update(discount=_money(order.discount_total),
                              shipping_discount=_money(order.shipping_discount))
    data.update(extra or {})
    return data
