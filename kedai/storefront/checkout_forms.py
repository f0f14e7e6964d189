"""Checkout forms: parse the shopper's input; addresses via address_clean."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kedai.customers.addressing import (
    STATES,
    PostalAddress,
    address_clean,
    normalise_email,
)

STATE_CHOICES = [("", _("Choose a state")), *STATES]
# Form field → PostalAddress field (name and phone are the contact's).
_ADDRESS_FIELDS = {"line1": "line1", "line2": "line2", "city": "city",
                   "postcode": "postcode", "state": "state_code"}


def _text(label, max_length, **attrs):
    return forms.CharField(label=label, required=False, max_length=max_length,
                           widget=forms.TextInput(attrs=attrs))


class CheckoutDetailsForm(forms.Form):
    """Contact, shipping address and (unless the same) billing address.

    Fields are optional here: ``clean`` validates them with
    :func:`address_clean`, which reports every problem at once.
    ``cleaned_data`` then holds ``shipping`` and ``billing`` PostalAddress.
    """

    email = forms.CharField(label=_("Email"), required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = _text(_("Full name"), 200, autocomplete="name")
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                          "type": "tel"}))
    line1 = _text(_("Address"), 200, autocomplete="shipping address-line1")
    line2 = _text(_("Address line 2 (optional)"), 200,
                  autocomplete="shipping address-line2")
    city = _text(_("City"), 100, autocomplete="shipping address-level2")
    postcode = _text(_("Postcode"), 20, autocomplete="shipping postal-code",
                     inputmode="numeric")
    state = forms.CharField(label=_("State"), required=False, max_length=3,
                            widget=forms.Select(choices=STATE_CHOICES))
    billing_same = forms.BooleanField(label=_("Billing address is the same"),
                                      required=False, initial=True)
    billing_name = _text(_("Billing name"), 200, autocomplete="billing name")
    billing_line1 = _text(_("Billing address"), 200,
                          autocomplete="billing address-line1")
    billing_line2 = _text(_("Billing address line 2 (optional)"), 200,
                          autocomplete="billing address-line2")
    billing_city = _text(_("Billing city"), 100, autocomplete="billing address-level2")
    billing_postcode = _text(_("Billing postcode"), 20,
                             autocomplete="billing postal-code", inputmode="numeric")
    billing_state = forms.CharField(label=_("Billing state"), required=False,
                                    max_length=3,
                                    widget=forms.Select(choices=STATE_CHOICES))

    CONTACT_FIELDS = ("email", "name", "phone")
    SHIPPING_FIELDS = ("line1", "line2", "city", "postcode", "state")
    BILLING_FIELDS = ("billing_name", "billing_line1", "billing_line2",
                      "billing_city", "billing_postcode", "billing_state")

    def clean(self):
        data = super().clean()
        email = data.get("email", "")
        if not email:
            self.add_error("email", _("This field is required."))
        else:
            try:
                data["email"] = normalise_email(email)
            except ValidationError as exc:
                self.add_error("email", exc)
        shipping = self._address("", name=data.get("name"), phone=data.get("phone"),
                                 contact=True)
        if data.get("billing_same"):
            billing = shipping
        else:
            billing = self._address("billing_", name=data.get("billing_name"),
                                    phone=data.get("phone"), contact=False)
        if shipping is not None:
            data["name"], data["phone"] = shipping.name, shipping.phone
        data["shipping"], data["billing"] = shipping, billing
        return data

    def _address(self, prefix: str, *, name, phone, contact: bool
                 ) -> PostalAddress | None:
        values = {target: self.cleaned_data.get(prefix + field, "")
                  for field, target in _ADDRESS_FIELDS.items()}
        try:
            return address_clean(name=name, phone=phone, **values)
        except ValidationError as exc:
            targets = {v: prefix + k for k, v in _ADDRESS_FIELDS.items()}
            targets["name"] = "name" if contact else "billing_name"
            targets["phone"] = "phone"
            for field, errors in exc.error_dict.items():
                if field == "phone" and not contact:
                    continue  # reported on the contact phone already
                self.add_error(targets.get(field), errors)
            return None


class DeliveryForm(forms.Form):
    """Shipping and payment method, from the choices the services offer."""

    shipping_method = forms.ChoiceField(label=_("Shipping"),
                                        widget=forms.RadioSelect,
                                        error_messages={"required": _(
                                            "Choose a shipping method.")})
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect,
                                       error_messages={"required": _(
                                           "Choose a payment method.")})

    def __init__(self, *args, shipping_choices, payment_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = shipping_choices
        self.fields["payment_method"].choices = payment_choices


class ReviewForm(forms.Form):
    """Only the terms and the total the shopper saw; never prices to use."""

    accept_terms = forms.BooleanField(
        label=_("I accept the terms and conditions of sale"),
        error_messages={"required": _("Please accept the terms to place the order.")})
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=14,
                                        decimal_places=2, required=False)
