"""/office/api/: the owner's API keys and webhook endpoints (Owner role).

A new key or webhook secret is shown once, on the page that answers its
creation (never stored in clear, never in a redirect URL).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kedai.api import webhook_targets, webhooks
from kedai.api.keys import api_key_create, api_key_revoke
from kedai.api.models import AREAS, ApiKey, WebhookEndpoint, WebhookEvent
from kedai.backoffice.access import office_view

manage = office_view("manage_settings")


class KeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), widget=forms.CheckboxSelectMultiple,
        choices=[(f"{a}:{m}", f"{a}: {m}") for a in AREAS for m in ("read", "write")],
        help_text=gettext_lazy("Write includes read."))


class EndpointForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=254,
                         assume_scheme="https")
    events = forms.MultipleChoiceField(label=gettext_lazy("Events"),
                                       widget=forms.CheckboxSelectMultiple,
                                       choices=WebhookEvent.choices)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhook_targets.target_check(url)
        except webhook_targets.WebhookTargetRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url


def _page(request, *, key_form=None, endpoint_form=None, new_secret="",
          status=200):
    response = render(request, "api/office.html", {
        "keys": ApiKey.objects.all(),
        "endpoints": WebhookEndpoint.objects.all(),
        "deliveries": webhooks.delivery_list(limit=50),
        "key_form": key_form or KeyForm(),
        "endpoint_form": endpoint_form or EndpointForm(),
        "new_secret": new_secret,
    }, status=status)
    add_never_cache_headers(response)
    return response


@manage
@require_http_methods(["GET"])
def home(request):
    return _page(request)


@manage
@require_POST
def key_create(request):
    form = KeyForm(request.POST)
    if not form.is_valid():
        return _page(request, key_form=form, status=422)
    _key, secret = api_key_create(name=form.cleaned_data["name"],
                                  scopes=form.cleaned_data["scopes"],
                                  created_by=request.user.get_username())
    return _page(request, new_secret=secret)


@manage
@require_POST
def key_revoke(request, pk: int):
    api_key_revoke(key=get_object_or_404(ApiKey, pk=pk))
    messages.success(request, _("The key was revoked; it no longer works."))
    return redirect("api_office:home")


@manage
@require_POST
def endpoint_create(request):
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _page(request, endpoint_form=form, status=422)
    try:
        endpoint = webhooks.endpoint_create(url=form.cleaned_data["url"],
                                            events=form.cleaned_data["events"])
    except webhook_targets.WebhookTargetRefused as exc:  # DNS changed meanwhile
        form.add_error("url", str(exc))
        return _page(request, endpoint_form=form, status=422)
    return _page(request, new_secret=endpoint.secret)


@manage
@require_POST
def endpoint_delete(request, pk: int):
    get_object_or_404(WebhookEndpoint, pk=pk).delete()
    messages.success(request, _("The webhook was removed."))
    return redirect("api_office:home")


@manage
@require_POST
def delivery_resend(request, pk: int):
    webhooks.delivery_resend(message_id=pk)
    messages.success(request, _("The webhook will be sent again."))
    return redirect("api_office:home")
