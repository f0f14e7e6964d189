"""Shopper URLs: building links that carry a cart token."""

from django.urls import get_script_prefix, reverse


def token_url(request, token: str, viewname: str, **kwargs) -> str:
    """Return the path of ``viewname`` under ``/s/<token>/``.

    Works whether the current request is token-free or under another
    token: the path is taken relative to the current script prefix.
    """
    url = reverse(viewname, kwargs=kwargs or None)
    return token_path(request, token, url[len(get_script_prefix()):])


def token_path(request, token: str, path: str) -> str:
    """Put ``path`` (relative to the site root, no leading slash) under a token."""
    return f"{request.root_script_prefix}s/{token}/{path.lstrip('/')}"
