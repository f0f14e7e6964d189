"""The order page's documents: list and PDF download, by the order's token.

Capability pages (ARCHITECTURE.md §3): the token in the URL is the only
key, responses are private and never cached. An unknown token or a number
of another order is a 404 that reveals nothing.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kedai.core.forms import is_reference
from kedai.core.privacy import capability_page
from kedai.invoicing.selectors import document_get, document_list
from kedai.invoicing.services import document_pdf_render
from kedai.orders.models import Order
from kedai.orders.selectors import order_get_by_token


def _order(token: str) -> Order:
    order = order_get_by_token(token=token)
    if order is None:
        raise Http404
    return order


@require_GET
@capability_page
def order_documents(request: HttpRequest, token: str) -> HttpResponse:
    """The documents issued for the order, each with a download link."""
    order = _order(token)
    return render(request, "invoicing/order_documents.html",
                  {"order": order, "documents": document_list(order=order),
                   "token": token})


@require_GET
@capability_page
def document_download(request: HttpRequest, token: str, number: str) -> HttpResponse:
    """The PDF of one document of the order."""
    order = _order(token)
    document = (document_get(order=order, number=number)
                if is_reference(number) else None)
    if document is None:
        raise Http404
    response = HttpResponse(document_pdf_render(document),
                            content_type="application/pdf")
    # The filename is ours (the document number), never user input.
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
