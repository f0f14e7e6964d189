import pytest


@pytest.fixture(autouse=True)
def _no_default_methods(request):
    """Start from no store methods: the shop's defaults (migration 0003)
    would otherwise mix into every quote these tests count."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from kedai.shipping.models import ShippingMethod

    ShippingMethod.objects.all().delete()
