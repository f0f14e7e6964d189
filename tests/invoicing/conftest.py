"""Orders as checkout stores them, and the seller's identity."""

import io
from dataclasses import asdict, dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from kedai.checkout.pricing import PricingLine, price_order
from kedai.core.money import Money
from kedai.core.numbering import number_allocate
from kedai.core.tokens import new_token, token_hash
from kedai.customers.addressing import address_clean
from kedai.customers.services import customer_get_or_create
from kedai.invoicing.models import SellerProfile
from kedai.orders.models import Order, OrderLine

ADDRESS = {"name": "Siti Aminah", "line1": "12 Jalan Ampang", "city": "Kuala Lumpur",
           "postcode": "50450", "state_code": "KUL", "phone": "012-345 6789"}
TAX = {"sst10": ("sales", Decimal("10")), "svc8": ("service", Decimal("8")),
       "none": ("none", Decimal("0"))}


@dataclass(frozen=True)
class Placed:
    order: Order
    token: str


def place_order(*, name: str = "Siti Aminah", email: str = "siti@example.my",
                items: list[tuple[str, str, int, str]] | None = None,
                key: str = "k1", cash: bool = False,
                buyer_einvoice: dict | None = None) -> Placed:
    """An order as checkout stores it, priced by kedai.checkout.pricing.

    Built here rather than through checkout_complete, so these tests do
    not depend on whether checkout already calls the invoicing entry
    points. Items are (sku, gross unit price, quantity, tax code).
    """
    items = items or [("KOPI-1", "22.00", 2, "sst10"), ("KUIH-1", "15.90", 1, "none")]
    priced = price_order(
        lines=[PricingLine(sku=sku, name=f"Product {sku}", quantity=qty,
                           unit_price=Money(price), tax_kind=TAX[tax][0],
                           tax_rate=TAX[tax][1])
               for sku, price, qty, tax in items],
        shipping=Money("8.00"), prices_include_tax=True, cash_rounding=cash)
    address = asdict(address_clean(**{**ADDRESS, "name": name}))
    token = new_token()
    with transaction.atomic():
        customer = customer_get_or_create(email="buyer@example.my", name=name)
        order = Order.objects.create(
            number=number_allocate(series="KD", year=timezone.localdate().year),
            token_hash=token_hash(token), checkout_key=key, customer=customer,
            email=email, phone="+60123456789", billing_address=address,
            shipping_address=address, currency="MYR", prices_include_tax=True,
            subtotal=priced.subtotal.amount, tax_total=priced.tax_total.amount,
            shipping_method="Flat rate", shipping_total=priced.shipping_gross.amount,
            rounding=priced.rounding.amount, total=priced.total.amount,
            payment_method="cod" if cash else "bank_transfer",
            buyer_einvoice=buyer_einvoice or {})
        OrderLine.objects.bulk_create([
            OrderLine(order=order, sku=p.sku, name=p.name, quantity=p.quantity,
                      unit_price=p.unit_price.amount, line_net=p.net_total.amount,
                      line_tax=p.tax.amount, line_total=p.gross_total.amount,
                      tax_kind=p.tax_kind, tax_rate=p.tax_rate)
            for p in priced.lines])
    return Placed(order, token)


@pytest.fixture
def seller():
    return SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn. Bhd.", registration_number="202301012345",
        sst_number="W10-1808-32000123", tin="C25845632020",
        address_line1="Lot 5, Jalan Tun Razak", city="Kuala Lumpur",
        postcode="50400", state_code="KUL", phone="+60321234567",
        email="hello@kedai.example.my", owner_email="owner@kedai.example.my",
        invoice_footer="Goods sold are not returnable after 14 days.")


@pytest.fixture
def placed(db, seller):
    return place_order()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in
                     PdfReader(io.BytesIO(content)).pages)
