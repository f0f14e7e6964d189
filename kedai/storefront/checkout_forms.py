"""Checkout forms: parse the shopper's input; addresses via address_clean."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kedai.customers.addressing import (
    STATES,
    PostalAddress,
    address_clean,
    normalise_email,
    normalise_phone,
)
from kedai.customers.einvoice import ID_TYPES, einvoice_clean

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

    saved_address = forms.ChoiceField(label=_("Ship to"), required=False,
                                      widget=forms.RadioSelect)
    marketing_consent = forms.BooleanField(
        label=_("Email me news and offers (you can stop them at any time)"),
        required=False)
    want_einvoice = forms.BooleanField(
        label=_("I need an e-invoice (for a business or tax claim)"), required=False)
    tin = _text(_("Tax identification number (TIN)"), 20)
    id_type = forms.ChoiceField(label=_("ID type"), required=False,
                                choices=[("", _("Choose")), *ID_TYPES])
    id_number = _text(_("Registration or ID number"), 30)
    sst_number = _text(_("SST registration number (if registered)"), 20)

    CONTACT_FIELDS = ("email", "name", "phone")
    EINVOICE_FIELDS = ("tin", "id_type", "id_number", "sst_number")

    def __init__(self, *args, saved_addresses=(), signed_in_email: str = "",
                 **kwargs):
        """``saved_addresses``: the signed-in customer's PostalAddress by id;
        with ``signed_in_email`` the email is fixed and not asked for."""
        super().__init__(*args, **kwargs)
        self.saved_addresses = dict(saved_addresses)
        self.signed_in_email = signed_in_email
        if self.saved_addresses:
            saved_field = self.fields["saved_address"]
            assert isinstance(saved_field, forms.ChoiceField)
            saved_field.choices = [
                *((str(pk), _address_label(address))
                  for pk, address in self.saved_addresses.items()),
                ("", _("A new address (fill in below)")),
            ]
        else:
            del self.fields["saved_address"]
        if signed_in_email:
            self.fields["email"].disabled = True
            self.fields["email"].initial = signed_in_email

    SHIPPING_FIELDS = ("line1", "line2", "city", "postcode", "state")
    BILLING_FIELDS = ("billing_name", "billing_line1", "billing_line2",
                      "billing_city", "billing_postcode", "billing_state")

    def clean(self):
        data = super().clean() or {}
        email = self.signed_in_email or data.get("email", "")
        if self.signed_in_email:
            data["email"] = email
        elif not email:
            self.add_error("email", _("This field is required."))
        else:
            try:
                data["email"] = normalise_email(email)
            except ValidationError as exc:
                self.add_error("email", exc)
        saved = self.saved_addresses.get(int(data["saved_address"])) if data.get(
            "saved_address") else None
        if saved is not None:
            shipping = self._saved(saved, name=data.get("name"),
                                   phone=data.get("phone"))
        else:
            shipping = self._address("", name=data.get("name"),
                                     phone=data.get("phone"), contact=True)
        if data.get("billing_same"):
            billing = shipping
        else:
            billing = self._address("billing_", name=data.get("billing_name"),
                                    phone=data.get("phone"), contact=False)
        if shipping is not None:
            data["name"], data["phone"] = shipping.name, shipping.phone
        data["shipping"], data["billing"] = shipping, billing
        data["buyer_einvoice"] = self._einvoice() if data.get("want_einvoice") else None
        return data

    def _saved(self, saved: PostalAddress, *, name, phone) -> PostalAddress | None:
        """The chosen saved address, checked again (rules may have changed),
        under the contact name and phone when those are given."""
        values = {field: getattr(saved, field) for field in
                  ("line1", "line2", "city", "postcode", "state_code")}
        try:
            phone = normalise_phone(phone) if phone else saved.phone
        except ValidationError as exc:
            self.add_error("phone", exc)
            return None
        try:
            return address_clean(name=name or saved.name, phone=phone, **values)
        except ValidationError:
            self.add_error("saved_address", _(
                "That saved address is no longer valid; enter a new one."))
            return None

    def _einvoice(self) -> dict | None:
        values = {field: self.cleaned_data.get(field, "")
                  for field in self.EINVOICE_FIELDS}
        try:
            return einvoice_clean(**values).as_dict()
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field, errors)
            return None

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


def _address_label(address: PostalAddress) -> str:
    parts = [address.name, address.line1, address.line2,
             f"{address.postcode} {address.city}", address.state_name]
    return ", ".join(part for part in parts if part)


class SignInForm(forms.Form):
    """A returning customer: customer ID or email, and password."""

    identifier = forms.CharField(label=_("Customer ID or email"), max_length=254,
                                 widget=forms.TextInput(attrs={
                                     "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={
                                   "autocomplete": "current-password"}))


class SignInLinkForm(forms.Form):
    """Ask for a one-time sign-in link by email."""

    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PasswordForm(forms.Form):
    """Set or change the account password."""

    current_password = forms.CharField(label=_("Current password"), required=False,
                                       max_length=128, strip=False,
                                       widget=forms.PasswordInput(attrs={
                                           "autocomplete": "current-password"}))
    password = forms.CharField(label=_("New password"), max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={
                                   "autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("New password again"), max_length=128,
                                     strip=False, widget=forms.PasswordInput(attrs={
                                         "autocomplete": "new-password"}))

    def __init__(self, *args, has_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_password:
            del self.fields["current_password"]

    def clean(self):
        data = super().clean() or {}
        if (data.get("password") and data.get("password_again")
                and data["password"] != data["password_again"]):
            self.add_error("password_again", _("The two passwords differ."))
        return data


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
        for name, choices in (("shipping_method", shipping_choices),
                              ("payment_method", payment_choices)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class ReviewForm(forms.Form):
    """Only the terms and the total the shopper saw; never prices to use."""

    accept_terms = forms.BooleanField(
        label=_("I accept the terms and conditions of sale"),
        error_messages={"required": _("Please accept the terms to place the order.")})
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=14,
                                        decimal_places=2, required=False)
