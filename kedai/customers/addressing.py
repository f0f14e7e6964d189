"""Malaysian postal address rules: states, postcodes, phones and e-mails.

Pure functions over strings and a frozen dataclass; nothing here touches
the ORM, the request or settings, so forms, services and imports can share
it.

State codes are the short codes of the shipping reference
(docs/reference/shipping.md: JHR, KDH, ... SRW for
Sarawak); ``ISO_3166_2`` maps them to the ISO 3166-2:MY codes that carrier
and e-invoice APIs want. The postcode table lives in ``data/postcodes.csv``,
whose header names its source.

Postcodes are validated against *ranges*, so an unused number inside a
state's range (e.g. 50001) is accepted; a number outside every range
(e.g. 00000, 61000) is refused.
"""

from __future__ import annotations

import bisect
import csv
import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ISO_3166_2",
    "STATES",
    "AddressErrorCode",
    "PostalAddress",
    "address_clean",
    "normalise_email",
    "normalise_phone",
    "normalise_postcode",
    "states_for_postcode",
    "validate_postcode_state",
]

POSTCODES_FILE = Path(__file__).resolve().parent / "data" / "postcodes.csv"

# Ordered for a form's <select>: the thirteen states alphabetically, then the
# three federal territories.
STATES: tuple[tuple[str, str], ...] = (
    ("JHR", "Johor"),
    ("KDH", "Kedah"),
    ("KTN", "Kelantan"),
    ("MLK", "Melaka"),
    ("NSN", "Negeri Sembilan"),
    ("PHG", "Pahang"),
    ("PRK", "Perak"),
    ("PLS", "Perlis"),
    ("PNG", "Pulau Pinang"),
    ("SBH", "Sabah"),
    ("SRW", "Sarawak"),
    ("SGR", "Selangor"),
    ("TRG", "Terengganu"),
    ("KUL", "Kuala Lumpur"),
    ("LBN", "Labuan"),
    ("PJY", "Putrajaya"),
)
STATE_NAMES: dict[str, str] = dict(STATES)

# ISO 3166-2:MY subdivision codes (EasyParcel ``subdivison_code``, MyInvois).
ISO_3166_2: dict[str, str] = {
    "JHR": "MY-01",
    "KDH": "MY-02",
    "KTN": "MY-03",
    "MLK": "MY-04",
    "NSN": "MY-05",
    "PHG": "MY-06",
    "PNG": "MY-07",
    "PRK": "MY-08",
    "PLS": "MY-09",
    "SGR": "MY-10",
    "TRG": "MY-11",
    "SBH": "MY-12",
    "SRW": "MY-13",
    "KUL": "MY-14",
    "LBN": "MY-15",
    "PJY": "MY-16",
}

MAX_LENGTHS: dict[str, int] = {
    "name": 100,
    "line1": 120,
    "line2": 120,
    "city": 60,
}
REQUIRED_FIELDS = ("name", "line1", "city", "postcode", "state_code", "phone")
ADDRESS_FIELDS = (
    "name",
    "line1",
    "line2",
    "city",
    "postcode",
    "state_code",
    "country",
    "phone",
)


class AddressErrorCode(enum.StrEnum):
    """Machine-readable ``ValidationError.code`` values of this module."""

    REQUIRED = "required"
    MAX_LENGTH = "max_length"
    NULL_CHARACTERS = "null_characters_not_allowed"
    POSTCODE_FORMAT = "postcode_format"
    POSTCODE_UNKNOWN = "postcode_unknown"
    POSTCODE_STATE_MISMATCH = "postcode_state_mismatch"
    STATE_INVALID = "state_invalid"
    COUNTRY_UNSUPPORTED = "country_unsupported"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "invalid"


# --- postcodes ---------------------------------------------------------------

_POSTCODE_RE = re.compile(r"[0-9]{5}")
_WHITESPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _PostcodeIndex:
    """Sorted, non-overlapping segments: ``starts[i]`` up to ``starts[i+1]``."""

    starts: tuple[int, ...]
    states: tuple[frozenset[str], ...]

    def lookup(self, number: int) -> frozenset[str]:
        i = bisect.bisect_right(self.starts, number) - 1
        return self.states[i] if i >= 0 else frozenset()


def _read_ranges(path: Path) -> list[tuple[str, int, int]]:
    rows: list[tuple[str, int, int]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines):
            code, first, last = row["state_code"], row["first"], row["last"]
            if code not in STATE_NAMES:
                raise ValueError(f"{path}: unknown state code {code!r}")
            if not (_POSTCODE_RE.fullmatch(first) and _POSTCODE_RE.fullmatch(last)):
                raise ValueError(f"{path}: bad range {first!r}-{last!r}")
            if int(first) > int(last):
                raise ValueError(f"{path}: empty range {first}-{last}")
            rows.append((code, int(first), int(last)))
    return rows


def _build_index(ranges: Iterable[tuple[str, int, int]]) -> _PostcodeIndex:
    """Split possibly overlapping ranges into segments with a state set each."""
    ranges = list(ranges)
    bounds = sorted({b for _c, first, last in ranges for b in (first, last + 1)})
    starts: list[int] = []
    states: list[frozenset[str]] = []
    for start in bounds:
        covering = frozenset(
            code for code, first, last in ranges if first <= start <= last
        )
        if states and states[-1] == covering:
            continue
        starts.append(start)
        states.append(covering)
    return _PostcodeIndex(starts=tuple(starts), states=tuple(states))


@functools.cache
def _postcode_index() -> _PostcodeIndex:
    return _build_index(_read_ranges(POSTCODES_FILE))


def states_for_postcode(postcode: str) -> frozenset[str]:
    """Return the codes of every state whose ranges contain ``postcode``.

    ``postcode`` must already be a 5-digit string (see
    ``normalise_postcode``); anything else returns an empty set. Never
    raises for unknown postcodes: an empty set means "not in Malaysia".
    """
    if not isinstance(postcode, str) or not _POSTCODE_RE.fullmatch(postcode):
        return frozenset()
    return _postcode_index().lookup(int(postcode))


def normalise_postcode(value: object) -> str:
    """Return ``value`` as a 5-digit postcode string.

    All whitespace is removed first, so ``" 50 000 "`` becomes ``"50000"``.
    Only ASCII digits count; integers are refused when they lost a leading
    zero (``1000``). Raises ``ValidationError`` (code ``postcode_format``)
    otherwise. Does not check that the postcode exists.
    """
    text = _WHITESPACE_RE.sub("", str(value)) if value is not None else ""
    if not _POSTCODE_RE.fullmatch(text):
        raise ValidationError(
            _("Enter a postcode of exactly 5 digits, e.g. 50000."),
            code=AddressErrorCode.POSTCODE_FORMAT,
        )
    return text


def _state_names(codes: Iterable[str]) -> str:
    return str(get_text_list(sorted(STATE_NAMES[c] for c in codes), _("or")))


def validate_postcode_state(postcode: str, state_code: str) -> None:
    """Raise ``ValidationError`` unless ``postcode`` lies in ``state_code``.

    ``postcode`` must be normalised already. The message names the state(s)
    the postcode belongs to, so the shopper can fix whichever field is wrong.
    """
    if state_code not in STATE_NAMES:
        raise ValidationError(
            _("Select a valid Malaysian state."),
            code=AddressErrorCode.STATE_INVALID,
        )
    states = states_for_postcode(postcode)
    if not states:
        raise ValidationError(
            _("Postcode %(postcode)s does not exist in Malaysia."),
            code=AddressErrorCode.POSTCODE_UNKNOWN,
            params={"postcode": postcode},
        )
    if state_code not in states:
        raise ValidationError(
            _("Postcode %(postcode)s is in %(right)s, not %(wrong)s."),
            code=AddressErrorCode.POSTCODE_STATE_MISMATCH,
            params={
                "postcode": postcode,
                "right": _state_names(states),
                "wrong": STATE_NAMES[state_code],
            },
        )


# --- phones and e-mails ------------------------------------------------------

# Digits, one leading "+", and the separators people type. Letters are
# refused outright: phonenumbers would otherwise read "1-800-FLOWERS" style
# vanity letters or "ext." suffixes as part of the number.
_PHONE_CHARS_RE = re.compile(r"\+?[0-9 ().\-]+")


def normalise_phone(value: object, region: str = "MY") -> str:
    """Return ``value`` as an E.164 number such as ``+60123456789``.

    Accepts national forms (``012-345 6789``, ``03-1234 5678``) read in
    ``region``, the country code with or without ``+`` (``+6012...``,
    ``6012...``), and valid numbers of any country written with ``+``.
    Raises ``ValidationError`` (code ``phone_invalid``) for anything that
    ``phonenumbers.is_valid_number`` refuses. Never dials or looks up the
    number.
    """
    error = ValidationError(
        _("Enter a valid Malaysian phone number, e.g. 012-345 6789."),
        code=AddressErrorCode.PHONE_INVALID,
    )
    text = str(value).strip() if value is not None else ""
    if not _PHONE_CHARS_RE.fullmatch(text) or text.count("+") > 1:
        raise error
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise error from None
    if not phonenumbers.is_valid_number(number):
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: object) -> str:
    """Return ``value`` stripped, with only the domain part lower-cased.

    The local part keeps its case (RFC 5321 lets servers treat it as case
    sensitive). Raises Django's ``ValidationError`` from ``validate_email``.
    """
    text = str(value).strip() if value is not None else ""
    local, at, domain = text.rpartition("@")
    if at:
        text = f"{local}@{domain.lower()}"
    validate_email(text)
    return text


# --- whole addresses ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class PostalAddress:
    """A cleaned Malaysian delivery address (see ``address_clean``)."""

    name: str
    line1: str
    line2: str = ""
    city: str
    postcode: str
    state_code: str
    country: str = "MY"
    phone: str

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state_code]

    @property
    def state_iso(self) -> str:
        return ISO_3166_2[self.state_code]


def address_clean(**fields: object) -> PostalAddress:
    """Normalise and validate an address given as keyword strings.

    Accepts the ``PostalAddress`` field names; missing or ``None`` values
    count as empty. Text is stripped; the postcode, state, phone and country
    are normalised with the functions above. Every problem is collected and
    raised together as ``ValidationError({field: [errors]})`` so a form can
    show all of them at once. A postcode/state mismatch is reported on
    ``postcode``. Unknown field names raise ``TypeError`` (a programming
    error, not user input). Never touches the database.
    """
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"address_clean() got unknown fields: {sorted(unknown)}")

    errors: dict[str, list[ValidationError]] = {}
    values: dict[str, str] = {}

    def add(field: str, error: ValidationError) -> None:
        errors.setdefault(field, []).extend(error.error_list)

    for field in ADDRESS_FIELDS:
        raw = fields.get(field)
        text = "" if raw is None else str(raw).strip()
        values[field] = text
        if "\x00" in text:
            add(
                field,
                ValidationError(
                    _("Null characters are not allowed."),
                    code=AddressErrorCode.NULL_CHARACTERS,
                ),
            )
            continue
        if not text:
            if field in REQUIRED_FIELDS:
                add(
                    field,
                    ValidationError(
                        _("This field is required."),
                        code=AddressErrorCode.REQUIRED,
                    ),
                )
            continue
        limit = MAX_LENGTHS.get(field)
        if limit is not None and len(text) > limit:
            add(
                field,
                ValidationError(
                    _(
                        "Ensure this value has at most %(limit_value)d characters "
                        "(it has %(show_value)d)."
                    ),
                    code=AddressErrorCode.MAX_LENGTH,
                    params={"limit_value": limit, "show_value": len(text)},
                ),
            )

    country = values["country"].upper() or "MY"
    if "country" not in errors:
        if country != "MY":
            add(
                "country",
                ValidationError(
                    _("Only addresses in Malaysia are supported."),
                    code=AddressErrorCode.COUNTRY_UNSUPPORTED,
                ),
            )
        values["country"] = country

    for field, normalise in (
        ("postcode", normalise_postcode),
        ("phone", normalise_phone),
    ):
        if field not in errors:
            try:
                values[field] = normalise(values[field])
            except ValidationError as exc:
                add(field, exc)

    state_code = values["state_code"].upper()
    if "state_code" not in errors:
        if state_code in STATE_NAMES:
            values["state_code"] = state_code
        else:
            add(
                "state_code",
                ValidationError(
                    _("Select a valid Malaysian state."),
                    code=AddressErrorCode.STATE_INVALID,
                ),
            )

    if "postcode" not in errors and "state_code" not in errors:
        try:
            validate_postcode_state(values["postcode"], values["state_code"])
        except ValidationError as exc:
            add("postcode", exc)

    if errors:
        raise ValidationError(errors)
    return PostalAddress(**values)
