"""The in-process domain events (kedai.core.events)."""

from dataclasses import dataclass

import pytest

from kedai.core import events
from kedai.invoicing import subscribers as invoicing_subscribers
from kedai.orders.events import (
    OrderCancelled,
    OrderPaid,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)


@dataclass(frozen=True)
class ThingHappened:
    name: str


@pytest.fixture
def seen():
    calls: list[tuple[str, str]] = []

    def first(event):
        calls.append(("first", event.name))

    def second(event):
        calls.append(("second", event.name))

    events.subscribe(ThingHappened, first)
    events.subscribe(ThingHappened, second)
    events.subscribe(ThingHappened, first)  # a second ready() adds nothing
    yield calls
    events.unsubscribe(ThingHappened, first)
    events.unsubscribe(ThingHappened, second)


def test_publish_calls_each_subscriber_once_in_order(seen):
    events.publish(ThingHappened("x"))
    assert seen == [("first", "x"), ("second", "x")]


def test_publish_without_subscribers_does_nothing():
    events.publish(object())


def test_a_failing_subscriber_reaches_the_publisher():
    """The publisher's transaction rolls back when a subscriber fails."""

    def broken(event):
        raise RuntimeError("no")

    events.subscribe(ThingHappened, broken)
    try:
        with pytest.raises(RuntimeError):
            events.publish(ThingHappened("x"))
    finally:
        events.unsubscribe(ThingHappened, broken)


@pytest.mark.parametrize("event_type,handler", [
    (OrderPlaced, invoicing_subscribers.on_order_placed),
    (OrderPaid, invoicing_subscribers.on_order_paid),
    (OrderCancelled, invoicing_subscribers.on_order_cancelled),
    (OrderRefunded, invoicing_subscribers.on_order_refunded),
    (OrderShipped, invoicing_subscribers.on_order_shipped),
])
def test_invoicing_listens_to_every_order_event(event_type, handler):
    """Registered by InvoicingConfig.ready, so no order event goes
    without its document."""
    assert handler in events.subscribers(event_type)


def test_shopsettings_plugs_its_switches_and_wording_into_the_domain():
    """payments and invoicing honour the owner's settings without
    importing the settings app (ShopsettingsConfig.ready)."""
    from kedai.invoicing import wording
    from kedai.payments import registry
    from kedai.shopsettings import selectors

    assert registry._switches["codes_offered"] is selectors.payment_codes_offered
    assert registry._switches["gateway_options"] is selectors.gateway_options
    assert wording._sources == [selectors.email_wording_apply]
