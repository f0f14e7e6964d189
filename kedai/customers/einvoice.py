"""A buyer's e-invoice identity (LHDN MyInvois), checked at checkout.

A buyer who wants an e-invoice (a company claiming the expense, say) gives
their TIN, a registration or ID number and, if registered, an SST number;
everyone else is covered by the merchant's consolidated B2C e-invoice.
Facts: LHDN's e-Invoice Guideline, "Mandatory fields" and "Consolidated
e-invoice for B2C" (supplier and buyer: TIN, registration/ID — the 12-digit
SSM BRN for businesses, MyKad for individuals, passport for foreigners —
and the SST registration number, "NA" when there is none).

Pure functions: no ORM, no request.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise

# ID types as MyInvois names them (schemeID of the buyer's PartyIdentification).
ID_TYPES: tuple[tuple[str, StrOrPromise], ...] = (
    ("BRN", _("Business registration number (SSM)")),
    ("NRIC", _("MyKad / NRIC number")),
    ("PASSPORT", _("Passport number")),
    ("ARMY", _("Army / police ID")),
)
_ID_TYPE_CODES = frozenset(code for code, _label in ID_TYPES)

# An LHDN TIN is a one- or two-letter prefix (IG individuals, C companies,
# D partnerships, …) and digits; written with or without spaces.
_TIN = re.compile(r"^[A-Z]{1,2}\d{8,12}$")
# SSM's new-format registration number: 12 digits (e.g. 202001234567);
# the old "123456-X" form is accepted too, since older firms still print it.
_BRN = re.compile(r"^(\d{12}|\d{1,7}[A-Z])$")
_NRIC = re.compile(r"^\d{12}$")  # YYMMDD-PB-###G without the dashes
_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")
_ARMY = re.compile(r"^[A-Z0-9]{5,15}$")
# An SST registration number, e.g. W10-1808-31000011.
_SST = re.compile(r"^[A-Z]\d{2}-\d{4}-\d{8}$")


@dataclass(frozen=True, kw_only=True, slots=True)
class BuyerTaxIdentity:
    """What the buyer gave for their e-invoice (see ``einvoice_clean``)."""

    tin: str
    id_type: str
    id_number: str
    sst_number: str = ""  # "" when not SST-registered ("NA" on the e-invoice)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _compact(value: object) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).upper()


def einvoice_clean(*, tin: object, id_type: object, id_number: object,
                   sst_number: object = "") -> BuyerTaxIdentity:
    """Normalise and check e-invoice details; every problem raised at once
    as ``ValidationError({field: [...]})``."""
    errors: dict[str, ValidationError] = {}
    tin_value = _compact(tin)
    if not tin_value:
        errors["tin"] = ValidationError(_("Enter your TIN for the e-invoice."),
                                        code="required")
    elif not _TIN.match(tin_value):
        errors["tin"] = ValidationError(
            _("A TIN is a letter code and digits, like C2584563200 or "
              "IG12345678901."), code="invalid")
    kind = str(id_type or "").upper()
    number = _compact(id_number)
    if kind not in _ID_TYPE_CODES:
        errors["id_type"] = ValidationError(_("Choose the kind of ID number."),
                                            code="invalid")
    elif not number:
        errors["id_number"] = ValidationError(_("Enter the ID or registration number."),
                                              code="required")
    else:
        pattern, example = {
            "BRN": (_BRN, "202001234567"),
            "NRIC": (_NRIC, "900101-14-5678"),
            "PASSPORT": (_PASSPORT, "A12345678"),
            "ARMY": (_ARMY, "T1234567"),
        }[kind]
        if not pattern.match(number):
            errors["id_number"] = ValidationError(
                _("That does not look like a valid number (for example %(example)s)."),
                code="invalid", params={"example": example})
    sst = str(sst_number or "").strip().upper().replace(" ", "")
    if sst in ("NA", "N/A"):
        sst = ""
    if sst and not _SST.match(sst):
        errors["sst_number"] = ValidationError(
            _("An SST number looks like W10-1808-31000011; leave it empty if you "
              "are not registered."), code="invalid")
    if errors:
        raise ValidationError(errors)
    return BuyerTaxIdentity(tin=tin_value, id_type=kind, id_number=number,
                            sst_number=sst)
