"""Admin API: customers (read), documents (invoice PDFs), settlement import."""

from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from kedai.api.cursor import page_by_id
from kedai.api.idempotency import idempotent
from kedai.api.keys import ApiKeyAuth, require
from kedai.api.money import MoneyOut, money_out
from kedai.api.problems import Problem
from kedai.api.schemas import ERRORS, ProblemOut
from kedai.customers.models import Customer
from kedai.invoicing.models import Document
from kedai.invoicing.services import document_pdf_bytes
from kedai.payments.exceptions import PaymentError
from kedai.payments.settlement import settlement_import

router = Router(tags=["admin: customers, documents, settlements"],
                auth=ApiKeyAuth())


class CustomerOut(Schema):
    number: str
    email: str
    name: str
    phone: str
    marketing_consent: bool
    created_at: str


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500)


def _customer_out(c: Customer) -> CustomerOut:
    return CustomerOut(number=c.number, email=c.email, name=c.name, phone=c.phone,
                       marketing_consent=c.marketing_consent,
                       created_at=c.created_at.isoformat())


@router.get("/customers", response={200: CustomerPageOut, ERRORS: ProblemOut},
            summary="Customers, oldest first")
def customer_list(request, query: Query[PageQuery]):
    require(request, "customers:read")
    page, next_cursor = page_by_id(Customer.objects.all(), kind="customers",
                                   cursor=query.cursor, limit=query.limit)
    return CustomerPageOut(items=[_customer_out(c) for c in page],
                           next_cursor=next_cursor)


@router.get("/customers/{number}", response={200: CustomerOut, ERRORS: ProblemOut},
            summary="One customer")
def customer_detail(request, number: str):
    require(request, "customers:read")
    found = Customer.objects.filter(number=number).first()
    if found is None:
        raise Problem(404, "No customer has this number.", code="not_found")
    return _customer_out(found)


class DocumentOut(Schema):
    number: str
    kind: str
    order_number: str
    issued_at: str
    amount: MoneyOut
    pdf_url: str


@router.get("/orders/{number}/documents",
            response={200: list[DocumentOut], ERRORS: ProblemOut},
            summary="The documents (invoice, receipts, credit notes) of an order")
def document_list(request, number: str):
    require(request, "documents:read")
    docs = Document.objects.filter(order__number=number).select_related("order")
    return [DocumentOut(number=d.number, kind=d.kind, order_number=d.order.number,
                        issued_at=d.issued_at.isoformat(),
                        amount=money_out(d.amount, d.currency),
                        pdf_url=f"/api/admin/v1/documents/{d.number}.pdf")
            for d in docs.order_by("issued_at", "id")]


@router.get("/documents/{number}.pdf",
            response={200: bytes, ERRORS: ProblemOut},
            openapi_extra={"responses": {200: {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {
                    "type": "string", "format": "binary"}}}}}},
            summary="A document's PDF")
def document_pdf(request, number: str):
    require(request, "documents:read")
    if not Document.objects.filter(number=number).exists():
        raise Problem(404, "No document has this number.", code="not_found")
    response = HttpResponse(document_pdf_bytes(number),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


class SettlementIn(Schema):
    gateway: Literal["stripe", "billplz", "ipay88", "fiuu", "senangpay"]
    file_name: str = Field("settlement.csv", max_length=255)
    content: str = Field(..., min_length=1, max_length=5_000_000,
                         description="The gateway's settlement CSV, as text.")


class SettlementOut(Schema):
    id: int
    gateway: str
    lines: int
    results: dict[str, int]


@router.post("/settlements", response={201: SettlementOut, ERRORS: ProblemOut},
             summary="Import a gateway settlement report and reconcile it")
def settlement_create(request, payload: SettlementIn):
    key = require(request, "settlements:write")

    def create():
        try:
            report = settlement_import(
                gateway=payload.gateway, file_name=payload.file_name,
                content=payload.content.encode(), actor=f"api:{key.name}")
        except PaymentError as exc:
            raise Problem(422, exc.message, code=exc.code) from None
        results: dict[str, int] = {}
        lines = list(report.lines.all())
        for line in lines:
            results[line.result] = results.get(line.result, 0) + 1
        return 201, SettlementOut(id=report.pk, gateway=report.gateway,
                                  lines=len(lines), results=results)

    return idempotent(request, scope=f"admin:{key.pk}:settlements", create=create)
