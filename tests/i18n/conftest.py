"""Fixtures shared with the storefront and invoicing tests."""

from tests.invoicing.conftest import seller  # noqa: F401 - fixture
from tests.storefront.conftest import cart_token, shop  # noqa: F401 - fixtures
