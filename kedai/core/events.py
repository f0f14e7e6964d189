"""Domain events: how a lower app tells higher apps what happened.

A lower app (``orders``, ``payments``, ``shipping``) must not import the
apps that react to its changes (``invoicing`` and the outbox above it), so
it publishes a past-tense fact instead: ``publish(OrderPaid(...))``. A
higher app subscribes in its ``AppConfig.ready``:
``subscribe(OrderPaid, on_order_paid)``.

Contract:

- ``publish`` calls every subscriber of the event's exact type at once, in
  the order they subscribed, in the publisher's thread and inside the
  publisher's transaction. Subscribers write their side effects as rows
  (documents, outbox messages) that commit or roll back with the change
  they react to, and defer anything slow or external (mail, HTTP, search
  reindex) to ``transaction.on_commit``.
- An exception in a subscriber propagates to the publisher, so the whole
  change rolls back: an event that cannot be recorded is not half-applied.
- Events are frozen dataclasses named in the past tense (``OrderPlaced``).

This is deliberately not Django's signals: subscribers are typed by event
class, and there is no sender, no weak reference and no dispatch_uid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")

_subscribers: defaultdict[type, list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call ``handler(event)`` for every published ``event_type``.

    Subscribing the same handler twice has no further effect (``ready()``
    may run more than once in tests).
    """
    handlers = _subscribers[event_type]
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Stop calling ``handler`` for ``event_type`` (tests)."""
    handlers = _subscribers[event_type]
    if handler in handlers:
        handlers.remove(handler)


def publish(event: object) -> None:
    """Tell every subscriber of ``type(event)`` that ``event`` happened.

    Runs the subscribers now, inside the caller's transaction; their
    exceptions propagate. Does nothing when nobody subscribed.
    """
    for handler in list(_subscribers.get(type(event), ())):
        handler(event)


def subscribers(event_type: type) -> list[Callable[[Any], None]]:
    """The handlers of ``event_type``, in calling order (for checks, tests)."""
    return list(_subscribers.get(event_type, ()))
