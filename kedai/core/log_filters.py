"""Logging filters. Capability tokens are secrets: logs never carry them."""

import logging
import re

# Cart (/s/), checkout, order, account and sign-in link tokens: 32 URL-safe
# characters; in the storefront API under carts/, checkouts/ and orders/.
_TOKEN_IN_PATH = re.compile(
    r"/(s|checkout|order|account|sign-in|carts|checkouts|orders)/[A-Za-z0-9_-]{32}(?=/|$)")


def redact(text: str) -> str:
    """Replace every capability token in ``text`` by a placeholder."""
    return _TOKEN_IN_PATH.sub(r"/\1/<token>", text)


class RedactTokensFilter(logging.Filter):
    """Rewrites log records so token URLs never reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        # django.request attaches the request; its path is used by some
        # formatters and error reporters.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request_path = redact(request.path)
        return True
