"""Uploads of customers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedai.customers.models import Customer
from kedai.dataio.importers.base import (
    Change,
    FieldImporter,
    Plan,
    field_diff,
)
from kedai.dataio.readers import (
    bool_value,
    text_value,
)

# --- Customers -------------------------------------------------------------------

def _email(value: Any, column: str) -> str:
    text = text_value(value).lower()
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not an email address.")
                         % {"value": text}) from None
    return text


class CustomerImporter(FieldImporter):
    """Customers by their number (C-000123); rows without one are new."""

    kind = "customers"
    label = gettext_lazy("Customers")
    key = "email"
    model = Customer
    columns = ("email", "number", "name", "phone", "marketing_consent")
    readonly = ("created_at",)
    required = ("name",)
    parsers = {"marketing_consent": bool_value}

    def blank(self, column: str) -> Any:
        return False if column == "marketing_consent" else ""

    def existing(self, keys):
        return {r["email"]: r for r in Customer.objects.filter(
            email__in=[k.lower() for k in keys]).values()}

    def lookups(self, plan, chunk):
        numbers = [text_value(v.get("number")) for _n, _k, v in chunk]
        return {"by_number": {r["number"]: r for r in Customer.objects.filter(
            number__in=[n for n in numbers if n]).values()}}

    def change_for(self, number, key, parsed, current, ctx, errors):
        email = key.lower()
        try:
            _email(email, "email")
        except ValueError as exc:
            errors.append(str(exc))
            return None
        customer_number = parsed.pop("number", "")
        if customer_number:
            current = ctx["by_number"].get(customer_number)
            if current is None:
                errors.append(_("Customer %(number)s does not exist; leave the "
                                "number blank for a new customer.")
                              % {"number": customer_number})
                return None
            if current["email"] != email and Customer.objects.filter(
                    email=email).exists():
                errors.append(_("Another customer already has the email "
                                "%(email)s.") % {"email": email})
                return None
        elif current is not None:
            customer_number = current["number"]
        if current is None and "name" not in parsed:
            errors.append(_("A new customer needs a name."))
            return None
        change = Change(number, customer_number or email,
                        "create" if current is None else "update")
        for column, value in parsed.items():
            old = None if current is None else current[column]
            field_diff(change, column, old, value)
        old_email = None if current is None else current["email"]
        field_diff(change, "email", old_email, email)
        return change

    def apply(self, plan: Plan, *, actor: str) -> None:
        from kedai.customers.services import customer_get_or_create

        for change in plan.changes:
            values = {k: new for k, (_o, new) in change.fields.items()}
            if change.action == "create":
                customer = customer_get_or_create(
                    email=values["email"], name=values.get("name", ""),
                    phone=values.get("phone", ""))
                if values.get("marketing_consent"):
                    Customer.objects.filter(pk=customer.pk).update(
                        marketing_consent=True)
            else:
                Customer.objects.filter(number=change.key).update(
                    **values, updated_at=timezone.now())


