"""Shopper URLs: building links with or without a cart token."""

from django.urls import get_script_prefix, reverse


def _relative(viewname: str, kwargs: dict) -> str:
    """``viewname``'s path after the current script prefix (token or not)."""
    return reverse(viewname, kwargs=kwargs or None)[len(get_script_prefix()):]


def root_url(request, viewname: str, **kwargs) -> str:
    """The path of ``viewname`` without any cart token of this request."""
    return request.root_script_prefix + _relative(viewname, kwargs)


def token_url(request, token: str, viewname: str, **kwargs) -> str:
    """Return the path of ``viewname`` under ``/s/<token>/``.

    Works whether the current request is token-free or under another
    token: the path is taken relative to the current script prefix.
    """
    return token_path(request, token, _relative(viewname, kwargs))


def token_path(request, token: str, path: str) -> str:
    """Put ``path`` (relative to the site root, no leading slash) under a token."""
    return f"{request.root_script_prefix}s/{token}/{path.lstrip('/')}"
