"""Template context every storefront page shares (header, footer, cart)."""

from django.utils.functional import SimpleLazyObject


def storefront(request):
    if not getattr(request, "is_storefront", False):
        return {}
    from kedai.catalog.selectors import navigation_get

    nav = navigation_get()
    token = getattr(request, "shopper_token", None)

    def cart_count():
        if not token:
            return 0
        from django.db.models import Sum

        from kedai.cart.models import Cart
        from kedai.core.tokens import token_hash

        return (Cart.objects.filter(token_hash=token_hash(token))
                .aggregate(n=Sum("lines__quantity"))["n"] or 0)

    return {
        "nav": nav,
        "front": nav.front_page,
        "shopper_token": token,
        # Evaluated only where a template shows it (one query).
        "cart_count": SimpleLazyObject(cart_count),
    }
