"""Template context every storefront page shares (header, footer)."""


def storefront(request):
    if not getattr(request, "is_storefront", False):
        return {}
    from kedai.catalog.selectors import navigation_get

    nav = navigation_get()
    # The cart badge is the {% cart_badge %} tag (storefront.cart_badge).
    return {
        "nav": nav,
        "front": nav.front_page,
        "shopper_token": getattr(request, "shopper_token", None),
    }
