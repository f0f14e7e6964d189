"""The back office's own pages: sign-in and the landing page; each area
(orders, reports, data, settings) has its own app and URLs."""

from functools import wraps

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _

from kedai.backoffice.access import office_view
from kedai.backoffice.dashboard import dashboard_tiles, dashboard_warnings
from kedai.backoffice.orders.selectors import (
    HOME_ROWS,
    orders_to_ship_list,
    orders_unpaid_list,
)
from kedai.core.ratelimit import client_address, rate_limit_blocked, rate_limit_record
from kedai.payments.selectors import FLAGGED_SHOWN, payment_flagged_list

# Failed sign-ins per account and per client address (OWASP ASVS 6.3.1),
# counted together for /office/login/ and /admin/login/.
FAILED_SIGN_INS_PER_WINDOW = 10
SIGN_IN_WINDOW_SECONDS = 900


def _sign_in_keys(request) -> list[str]:
    username = request.POST.get("username", "").strip().lower()[:150]
    client = client_address(request)
    return [f"office-login:user:{username}", f"office-login:ip:{client}"]


def _sign_in_blocked(request) -> bool:
    return any(rate_limit_blocked(key=key, limit=FAILED_SIGN_INS_PER_WINDOW)
               for key in _sign_in_keys(request))


def _sign_in_failed(request) -> None:
    for key in _sign_in_keys(request):
        rate_limit_record(key=key, window_seconds=SIGN_IN_WINDOW_SECONDS)


class LoginView(auth_views.LoginView):
    """Django's sign-in, throttled: after too many failures for a user name
    or from an address, every attempt gets the same 429 answer."""

    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if _sign_in_blocked(request):
            return _throttled(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        _sign_in_failed(self.request)
        return super().form_invalid(form)


def _throttled(request):
    form = AuthenticationForm(request)
    response = render(request, "backoffice/login.html", {
        "form": form, "next": request.POST.get("next", ""),
        "throttled": _("Too many failed sign-ins. Please wait 15 minutes and "
                       "try again.")}, status=429)
    response["Retry-After"] = str(SIGN_IN_WINDOW_SECONDS)
    return response


def sign_in_throttled(view):
    """Wrap another sign-in view (the admin's) in the back office's
    throttle: the same counters, the same 429. A POST answered without a
    redirect is a failed sign-in (the form is shown again)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and _sign_in_blocked(request):
            return _throttled(request)
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 200:
            _sign_in_failed(request)
        return response

    return wrapper


@office_view()
def home(request):
    """The dashboard: orders to ship today, unpaid orders, the tiles and
    warnings other apps provide (low stock, shipping set-up), flagged
    payments."""
    can_orders = request.user.has_perm("backoffice.manage_orders")
    to_ship = orders_to_ship_list() if can_orders else None
    unpaid = orders_unpaid_list() if can_orders else None
    return render(request, "backoffice/home.html", {
        "flagged_payments": list(payment_flagged_list()[:FLAGGED_SHOWN]),
        "can_orders": can_orders,
        "to_ship": list(to_ship[:HOME_ROWS]) if to_ship is not None else [],
        "to_ship_count": to_ship.count() if to_ship is not None else 0,
        "unpaid": list(unpaid[:HOME_ROWS]) if unpaid is not None else [],
        "unpaid_count": unpaid.count() if unpaid is not None else 0,
        "tiles": dashboard_tiles() if request.user.has_perm(
            "backoffice.view_reports") else [],
        "warnings": dashboard_warnings(),
    })
