import logging

from kedai.core.log_filters import RedactTokensFilter, redact

TOKEN = "A" * 20 + "b_c-" + "9" * 8


def test_redact_replaces_tokens_in_paths():
    """Cart tokens never reach log output."""
    assert redact(f"GET /s/{TOKEN}/cart/ 200") == "GET /s/<token>/cart/ 200"


def test_redact_covers_checkout_and_order_tokens():
    assert redact(f"Not Found: /checkout/{TOKEN}/review/") == (
        "Not Found: /checkout/<token>/review/")
    assert redact(f"/ms/order/{TOKEN}/") == "/ms/order/<token>/"


def test_filter_rewrites_message_and_args():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", (f"/s/{TOKEN}/cart/",), None)
    assert RedactTokensFilter().filter(record)
    assert TOKEN not in record.getMessage()
    assert "/s/<token>/cart/" in record.getMessage()


def test_redact_covers_the_storefront_api_tokens():
    assert redact(f"Not Found: /api/store/v1/carts/{TOKEN}") == (
        "Not Found: /api/store/v1/carts/<token>")
    assert redact(f"GET /api/store/v1/checkouts/{TOKEN}/review") == (
        "GET /api/store/v1/checkouts/<token>/review")
