"""What happens to an order, announced to the apps that react to it.

Published with :func:`kedai.core.events.publish` inside the transaction
that made the change; see that module for the subscribers' contract.
``invoicing`` subscribes to all of them (documents and their mail).
"""

from __future__ import annotations

from dataclasses import dataclass

from kedai.core.money import Money
from kedai.orders.models import Order


@dataclass(frozen=True)
class OrderPlaced:
    """An order and its lines were created (by checkout)."""

    order: Order


@dataclass(frozen=True)
class OrderPaid:
    """A payment made the order paid: published once per order, by
    ``payments``, with the payment's amount and the method's name."""

    order: Order
    amount: Money
    method_label: str
    reference: str


@dataclass(frozen=True)
class OrderCancelled:
    """The order was cancelled (its stock is already back)."""

    order: Order
    reason: str


@dataclass(frozen=True)
class OrderRefunded:
    """A refund of ``amount`` succeeded: published once per refund."""

    order: Order
    amount: Money
    reason: str


@dataclass(frozen=True)
class OrderShipped:
    """Parcels were handed to a carrier: (carrier, tracking number,
    tracking url) per parcel."""

    order: Order
    shipments: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class OrderStatusChanged:
    """The order moved from ``status_from`` to ``status_to`` (published
    after the more specific events above, by ``order_change_status``)."""

    order: Order
    status_from: str
    status_to: str
