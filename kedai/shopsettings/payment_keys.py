"""/office/settings/payments/<code>/keys/: the owner types a gateway's
keys instead of setting environment variables (Owner role only).

The values go to :func:`kedai.payments.secrets.gateway_keys_save`,
encrypted with ``KEDAI_SECRETS_KEY``; the page shows them by their last
four characters only, never puts a value back into a form, and keeps
them out of error reports (``sensitive_post_parameters``). Without
``KEDAI_SECRETS_KEY`` the page explains it and stores nothing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from kedai.backoffice.access import office_view
from kedai.backoffice.roles import OWNER
from kedai.core.registry import adapter_class
from kedai.payments.exceptions import PaymentError
from kedai.payments.secrets import (
    MAX_SECRET_LENGTH,
    KeyRow,
    gateway_key_rows,
    gateway_keys_save,
    secrets_available,
)


def is_owner(user) -> bool:
    """Gateway keys are for the Owner role (and superusers) only."""
    return bool(user.is_superuser or user.groups.filter(name=OWNER).exists())


def gateway_keys(code: str) -> list[KeyRow]:
    """The key rows of a configured online gateway; Http404 otherwise."""
    conf = (getattr(settings, "KEDAI_PAYMENT_GATEWAYS", {}) or {}).get(code)
    if not conf:
        raise Http404
    try:
        backend = adapter_class("KEDAI_PAYMENT_GATEWAYS", code)
    except Exception as exc:
        raise Http404 from exc
    return gateway_key_rows(code, options=conf.get("OPTIONS", {}) or {},
                            required=tuple(getattr(backend, "required_options", ())))


class GatewayKeysForm(forms.Form):
    """One password field per key the environment does not set; empty
    leaves the stored key as it is; "remove" forgets a stored one."""

    def __init__(self, *args, rows: list[KeyRow], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if row.from_env:
                continue
            self.fields[row.name] = forms.CharField(
                label=row.name, required=False, max_length=MAX_SECRET_LENGTH,
                strip=True,
                widget=forms.PasswordInput(render_value=False, attrs={
                    "autocomplete": "off", "spellcheck": "false"}))
            if row.stored:
                self.fields[f"remove_{row.name}"] = forms.BooleanField(
                    label=gettext_lazy("Forget the stored key"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        for row in self.rows:
            value = data.get(row.name) or ""
            if any(c.isspace() or not c.isprintable() for c in value):
                self.add_error(row.name, _("A key has no spaces or control "
                                           "characters."))
        return data

    def values(self) -> dict[str, str]:
        return {r.name: self.cleaned_data.get(r.name) or "" for r in self.rows
                if not r.from_env}

    def removed(self) -> set[str]:
        return {r.name for r in self.rows
                if self.cleaned_data.get(f"remove_{r.name}")}

    def pairs(self):
        """(row, field, remove field) for the template."""
        for row in self.rows:
            yield (row, self[row.name] if row.name in self.fields else None,
                   self[f"remove_{row.name}"] if f"remove_{row.name}" in self.fields
                   else None)


@office_view("manage_settings")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def payment_keys(request: HttpRequest, code: str) -> HttpResponse:
    if not is_owner(request.user):
        raise PermissionDenied
    rows = gateway_keys(code)
    available, why = secrets_available()
    form = GatewayKeysForm(request.POST or None, rows=rows)
    status = 200
    if request.method == "POST":
        status = 400
        if not available:
            form.is_valid()
            form.add_error(None, why)
        elif form.is_valid():
            try:
                changed = gateway_keys_save(
                    gateway=code, values=form.values(), remove=form.removed(),
                    allowed={r.name for r in rows if not r.from_env},
                    actor=request.user.get_username())
            except PaymentError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Keys of %(code)s saved: %(names)s.")
                                 % {"code": code, "names": ", ".join(changed)}
                                 if changed else _("Nothing was changed."))
                return redirect("shopsettings:payment_keys", code=code)
    return render(request, "shopsettings/payment_keys.html", {
        "code": code, "form": form, "available": available, "why": why},
        status=status)
