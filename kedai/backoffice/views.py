"""The back office's own pages: sign-in and the landing page; each area
(orders, reports, data, settings) has its own app and URLs."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _

from kedai.backoffice.access import office_view
from kedai.core.ratelimit import rate_limit_blocked, rate_limit_record
from kedai.payments.selectors import FLAGGED_SHOWN, payment_flagged_list

# Failed sign-ins per account and per client address (OWASP ASVS 6.3.1).
FAILED_SIGN_INS_PER_WINDOW = 10
SIGN_IN_WINDOW_SECONDS = 900


class LoginView(auth_views.LoginView):
    """Django's sign-in, throttled: after too many failures for a user name
    or from an address, every attempt gets the same 429 answer."""

    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def _keys(self) -> list[str]:
        username = self.request.POST.get("username", "").strip().lower()[:150]
        client = self.request.META.get("REMOTE_ADDR", "")
        return [f"office-login:user:{username}", f"office-login:ip:{client}"]

    def post(self, request, *args, **kwargs):
        if any(rate_limit_blocked(key=key, limit=FAILED_SIGN_INS_PER_WINDOW)
               for key in self._keys()):
            form = self.get_form()
            form.errors.clear()
            response = self.render_to_response(self.get_context_data(
                form=form, throttled=_("Too many failed sign-ins. Please wait "
                                       "15 minutes and try again.")))
            response.status_code = 429
            response["Retry-After"] = str(SIGN_IN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        for key in self._keys():
            rate_limit_record(key=key, window_seconds=SIGN_IN_WINDOW_SECONDS)
        return super().form_invalid(form)


@office_view()
def home(request):
    return render(request, "backoffice/home.html", {
        "flagged_payments": list(payment_flagged_list()[:FLAGGED_SHOWN])})
