"""The port every payment gateway adapter implements (ARCHITECTURE.md §1).

Hosted-page / redirect model only: Kedai sends the shopper to the
gateway's own page and never renders, receives, stores or logs card data
(PCI DSS SAQ A). Frozen dataclasses cross the port in both directions;
gateway formats (sen, "1,278.99", signatures) never leave an adapter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

from kedai.core.money import Money


class ResultStatus(enum.StrEnum):
    """What a gateway says happened to one payment."""

    PENDING = "pending"
    AUTHORISED = "authorised"
    CAPTURED = "captured"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PaymentRequest:
    """One payment attempt as sent to a gateway.

    ``reference`` is Kedai's own reference of the attempt (unique, ≤30
    characters, letters, digits and ``-``), so a retry never reuses a
    reference the gateway has seen paid or failed.
    """

    reference: str
    order_number: str
    amount: Money
    description: str
    product_codes: tuple[str, ...]
    customer_name: str
    customer_email: str
    customer_phone: str
    return_url: str
    callback_url: str
    cancel_url: str


@dataclass(frozen=True)
class Redirect:
    """Where to send the shopper: a GET link or an auto-posting form."""

    url: str
    method: str = "GET"
    fields: tuple[tuple[str, str], ...] = ()
    # The gateway's id of the payment when creation returns one (Billplz
    # bill id, Stripe Checkout Session id); "" when it comes later.
    gateway_reference: str = ""


@dataclass(frozen=True)
class PaymentResult:
    """A verified statement from the gateway about one payment.

    ``reference`` is Kedai's reference when the gateway echoes it, ""
    otherwise (then ``gateway_reference`` identifies the payment).
    ``amount`` is what the gateway says was charged (None if it does not
    say); ``transaction_id`` is the gateway's id of the money movement.
    """

    status: ResultStatus
    reference: str = ""
    gateway_reference: str = ""
    transaction_id: str = ""
    amount: Money | None = None
    fee: Decimal | None = None
    message: str = ""


@dataclass(frozen=True)
class Incoming:
    """A request from a gateway or a returning browser, as the view got it."""

    method: str
    data: dict[str, str]  # form fields (POST) or query string (GET)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Acknowledgement:
    """The exact response body the gateway expects from a callback."""

    body: str = "OK"
    status: int = 200
    content_type: str = "text/plain"


@dataclass(frozen=True)
class RefundResult:
    """What the gateway answered to a refund request."""

    refund_reference: str
    succeeded: bool
    message: str = ""


@runtime_checkable
class PaymentGateway(Protocol):
    """An online gateway with a hosted payment page.

    Implementations must never hold database locks (they are called
    outside transactions), never take card data, and translate every
    transport or provider failure into ``GatewayError``.
    """

    code: str
    label: str
    # Seconds between status queries of one payment the gateway tolerates.
    min_query_interval: int

    def payment_create(self, request: PaymentRequest) -> Redirect:
        """Register the payment with the gateway; return where to send the
        shopper. Does not move money. Raises GatewayError."""
        ...

    def callback_verify(self, incoming: Incoming) -> PaymentResult:
        """Parse and authenticate a server-to-server callback.

        Raises CallbackRejected for a missing or wrong signature or a
        malformed payload; never compares amounts with orders (the
        payments service does that).
        """
        ...

    def callback_ack(self, incoming: Incoming) -> Acknowledgement:
        """The body that tells the gateway to stop re-sending."""
        ...

    def return_verify(self, incoming: Incoming) -> PaymentResult:
        """Parse a browser return; raises CallbackRejected if it is not
        signed by the gateway. Its result is never applied as payment."""
        ...

    def payment_query(self, *, reference: str, gateway_reference: str,
                      amount: Money) -> PaymentResult:
        """Ask the gateway's status API about one payment (no money moves).
        Raises GatewayError when the gateway cannot say."""
        ...

    def refund_create(self, *, reference: str, gateway_reference: str,
                      transaction_id: str, amount: Money,
                      refund_reference: str) -> RefundResult | None:
        """Refund through the gateway API; None if it has no refund API
        (the owner refunds in the gateway portal and records it)."""
        ...
