"""What happens to the catalogue, announced to the apps that react to it.

Published with :func:`kedai.core.events.publish` inside the transaction
that made the change; see that module for the subscribers' contract.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductsChanged:
    """The summaries (price, stock, images, details) of these products were
    refreshed: something about them may have changed."""

    product_ids: tuple[int, ...]
