"""Guards for back-office views: signed-in staff with the right permission.

Unlike the storefront, the back office uses Django's session and CSRF
cookies (ARCHITECTURE.md §3). A user who is signed in but lacks the
permission gets 403, never a login loop.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def office_view(permission: str = "use_backoffice") -> Callable:
    """Decorate a view: sign-in required, then ``backoffice.<permission>``."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff
                    and user.has_perm("backoffice.use_backoffice")
                    and user.has_perm(f"backoffice.{permission}")):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
