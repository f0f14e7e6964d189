"""Customer writes."""

from django.db import IntegrityError, transaction

from kedai.core.numbering import number_allocate
from kedai.customers.addressing import normalise_email
from kedai.customers.models import Customer

CUSTOMER_SERIES = "C"


def customer_get_or_create(*, email: str, name: str, phone: str = "") -> Customer:
    """The customer with this email, created (with a C-000123 ID) if new.

    Guests become customers too: the email, lower-cased whole, is the key
    (mailbox providers treat the local part case-insensitively in practice,
    and "Siti@" and "siti@" must not become two customers). An existing
    customer's name and phone are left as they are. Runs in the caller's
    transaction (the number is only used if that transaction commits).
    """
    email = normalise_email(email).lower()
    with transaction.atomic(savepoint=False):
        existing = Customer.objects.filter(email=email).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return Customer.objects.create(
                    number=number_allocate(series=CUSTOMER_SERIES),
                    email=email, name=name, phone=phone,
                )
        except IntegrityError:
            # The same new customer checked out twice at once.
            return Customer.objects.get(email=email)
