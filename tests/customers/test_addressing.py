"""Malaysian address rules (kedai.customers.addressing).

Postcode cases cite the row of the table in
docs/reference/shipping.md they come from, written as
"4f: FROM-TO STATE".
"""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kedai.customers import addressing
from kedai.customers.addressing import (
    ISO_3166_2,
    STATES,
    PostalAddress,
    address_clean,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    states_for_postcode,
    validate_postcode_state,
)

STATE_CODES = [code for code, _name in STATES]


# --- the state list and the data file ----------------------------------------


def test_states_are_the_sixteen_states_and_territories():
    """STATES lists 16 distinct codes, each with an ISO 3166-2:MY code."""
    assert len(STATES) == 16
    assert len(set(STATE_CODES)) == 16
    assert set(ISO_3166_2) == set(STATE_CODES)
    assert sorted(ISO_3166_2.values()) == [f"MY-{n:02d}" for n in range(1, 17)]


def test_data_file_covers_every_state():
    """Every state in STATES has at least one postcode range."""
    rows = addressing._read_ranges(addressing.POSTCODES_FILE)
    assert {code for code, _first, _last in rows} == set(STATE_CODES)


def test_data_file_names_match_states():
    """The CSV's state_name column agrees with STATES."""
    names = dict(STATES)
    lines = addressing.POSTCODES_FILE.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if line and not line.startswith("#")][1:]
    for line in body:
        code, name, _first, _last = line.split(",")
        assert names[code] == name


def test_data_file_cites_its_source():
    """The data file header names the reference and its upstream dataset."""
    header = addressing.POSTCODES_FILE.read_text(encoding="utf-8")[:800]
    assert "shipping.md" in header
    assert "Vuzereus/malaysia-postcodes" in header


# --- postcode -> state -------------------------------------------------------

POSTCODE_STATES = [
    # Inside, first and last of each range; one beyond the last is in the
    # next table below.
    ("01000", "PLS"),  # 4f: 01000-02800 Perlis (first)
    ("02800", "PLS"),  # 4f: 01000-02800 Perlis (last)
    ("05000", "KDH"),  # 4f: 05000-09810 Kedah (first)
    ("09810", "KDH"),  # 4f: 05000-09810 Kedah (last)
    ("10000", "PNG"),  # 4f: 10000-14200 Pulau Pinang (first)
    ("14200", "PNG"),  # 4f: 10000-14200 Pulau Pinang (last)
    ("14290", "KDH"),  # 4f: 14290-14290 Kedah, exception inside Penang block
    ("14300", "PNG"),  # 4f: 14300-14320 Pulau Pinang
    ("14320", "PNG"),  # 4f: 14300-14320 Pulau Pinang
    ("14390", "KDH"),  # 4f: 14390-14390 Kedah, exception
    ("14400", "PNG"),  # 4f: 14400-14400 Pulau Pinang
    ("15000", "KTN"),  # 4f: 15000-18500 Kelantan (first)
    ("18500", "KTN"),  # 4f: 15000-18500 Kelantan (last)
    ("20000", "TRG"),  # 4f: 20000-24300 Terengganu (first)
    ("24300", "TRG"),  # 4f: 20000-24300 Terengganu (last)
    ("25000", "PHG"),  # 4f: 25000-28800 Pahang (first)
    ("28800", "PHG"),  # 4f: 25000-28800 Pahang (last)
    ("30000", "PRK"),  # 4f: 30000-34900 Perak (first)
    ("34900", "PRK"),  # 4f: 30000-34900 Perak (last)
    ("34950", "KDH"),  # 4f: 34950-34950 Kedah, exception (Bandar Baharu)
    ("35000", "PRK"),  # 4f: 35000-36810 Perak
    ("36810", "PRK"),  # 4f: 35000-36810 Perak
    ("39000", "PHG"),  # 4f: 39000-39200 Pahang, Cameron Highlands
    ("39200", "PHG"),  # 4f: 39000-39200 Pahang
    ("40000", "SGR"),  # 4f: 40000-48300 Selangor (first)
    ("48300", "SGR"),  # 4f: 40000-48300 Selangor (last)
    ("49000", "PHG"),  # 4f: 49000-49000 Pahang, exception (Fraser's Hill)
    ("50000", "KUL"),  # 4f: 50000-60000 Kuala Lumpur (first)
    ("60000", "KUL"),  # 4f: 50000-60000 Kuala Lumpur (last)
    ("62000", "PJY"),  # 4f: 62000-62988 Putrajaya (first)
    ("62988", "PJY"),  # 4f: 62000-62988 Putrajaya (last)
    ("63000", "SGR"),  # 4f: 63000-68100 Selangor (first)
    ("68100", "SGR"),  # 4f: 63000-68100 Selangor (last)
    ("69000", "PHG"),  # 4f: 69000-69000 Pahang, exception (Genting)
    ("70000", "NSN"),  # 4f: 70000-73509 Negeri Sembilan (first)
    ("73509", "NSN"),  # 4f: 70000-73509 Negeri Sembilan (last)
    ("75000", "MLK"),  # 4f: 75000-78309 Melaka (first)
    ("78309", "MLK"),  # 4f: 75000-78309 Melaka (last)
    ("79000", "JHR"),  # 4f: 79000-86900 Johor (first)
    ("86900", "JHR"),  # 4f: 79000-86900 Johor (last)
    ("87000", "LBN"),  # 4f: 87000-87033 Labuan (first)
    ("87033", "LBN"),  # 4f: 87000-87033 Labuan (last)
    ("88000", "SBH"),  # 4f: 88000-91309 Sabah (first)
    ("91309", "SBH"),  # 4f: 88000-91309 Sabah (last)
    ("93000", "SRW"),  # 4f: 93000-98859 Sarawak (first)
    ("98859", "SRW"),  # 4f: 93000-98859 Sarawak (last)
    ("50450", "KUL"),  # 4f: 50000-60000 Kuala Lumpur (inside)
    ("80000", "JHR"),  # 4f: 79000-86900 Johor (inside)
]


@pytest.mark.parametrize(("postcode", "state"), POSTCODE_STATES)
def test_postcode_maps_to_its_state(postcode, state):
    """A postcode in a 4f range belongs to exactly that range's state."""
    assert states_for_postcode(postcode) == frozenset({state})
    validate_postcode_state(postcode, state)


def test_table_cases_cover_every_state():
    """The table above exercises all sixteen states."""
    assert {state for _pc, state in POSTCODE_STATES} == set(STATE_CODES)


NOT_IN_MALAYSIA = [
    "00000",
    "00999",  # one before 4f: 01000-02800 Perlis
    "02801",  # one beyond 4f: 01000-02800 Perlis
    "04999",  # one before 4f: 05000-09810 Kedah
    "09811",  # one beyond 4f: 05000-09810 Kedah
    "14201",  # one beyond 4f: 10000-14200 Pulau Pinang
    "14289",  # one before 4f: 14290 Kedah exception
    "14291",  # one beyond 4f: 14290 Kedah exception
    "14321",  # one beyond 4f: 14300-14320 Pulau Pinang
    "14401",  # one beyond 4f: 14400 Pulau Pinang
    "18501",  # one beyond 4f: 15000-18500 Kelantan
    "24301",  # one beyond 4f: 20000-24300 Terengganu
    "28801",  # one beyond 4f: 25000-28800 Pahang
    "34901",  # one beyond 4f: 30000-34900 Perak
    "34949",  # one before 4f: 34950 Kedah exception
    "34951",  # one beyond 4f: 34950 Kedah exception
    "36811",  # one beyond 4f: 35000-36810 Perak
    "38999",  # one before 4f: 39000-39200 Pahang
    "39201",  # one beyond 4f: 39000-39200 Pahang
    "48301",  # one beyond 4f: 40000-48300 Selangor
    "49001",  # one beyond 4f: 49000 Pahang exception
    "60001",  # one beyond 4f: 50000-60000 Kuala Lumpur
    "61999",  # one before 4f: 62000-62988 Putrajaya
    "62989",  # one beyond 4f: 62000-62988 Putrajaya
    "68101",  # one beyond 4f: 63000-68100 Selangor
    "69001",  # one beyond 4f: 69000 Pahang exception
    "73510",  # one beyond 4f: 70000-73509 Negeri Sembilan
    "78310",  # one beyond 4f: 75000-78309 Melaka
    "86901",  # one beyond 4f: 79000-86900 Johor
    "87034",  # one beyond 4f: 87000-87033 Labuan
    "91310",  # one beyond 4f: 88000-91309 Sabah
    "92999",  # one before 4f: 93000-98859 Sarawak
    "98860",  # one beyond 4f: 93000-98859 Sarawak
    "99999",
]


@pytest.mark.parametrize("postcode", NOT_IN_MALAYSIA)
def test_postcode_outside_every_range_has_no_state(postcode):
    """Gaps between 4f ranges belong to no state and are refused."""
    assert states_for_postcode(postcode) == frozenset()
    with pytest.raises(ValidationError) as exc:
        validate_postcode_state(postcode, "SGR")
    assert exc.value.messages == [f"Postcode {postcode} does not exist in Malaysia."]
    assert exc.value.code == "postcode_unknown"


@pytest.mark.parametrize("value", ["5000", "500000", "", "abcde", "5000a", None])
def test_states_for_postcode_ignores_malformed_input(value):
    """Non-normalised input yields no state rather than an exception."""
    assert states_for_postcode(value) == frozenset()


def test_mismatch_names_the_right_state():
    """A KL postcode with Johor selected names Kuala Lumpur."""
    with pytest.raises(ValidationError) as exc:
        validate_postcode_state("50000", "JHR")
    assert exc.value.messages == ["Postcode 50000 is in Kuala Lumpur, not Johor."]
    assert exc.value.code == "postcode_state_mismatch"


def test_mismatch_on_exception_row_names_kedah():
    """14290 sits inside the Penang block but is Kedah (4f: 14290 Kedah)."""
    with pytest.raises(ValidationError) as exc:
        validate_postcode_state("14290", "PNG")
    assert exc.value.messages == ["Postcode 14290 is in Kedah, not Pulau Pinang."]


def test_unknown_state_code_is_refused():
    """A state code outside STATES is refused before the postcode is looked up."""
    with pytest.raises(ValidationError) as exc:
        validate_postcode_state("50000", "XYZ")
    assert exc.value.code == "state_invalid"


def test_shipped_table_has_no_shared_postcodes():
    """4f: "No postcode maps to two states in that dataset."."""
    index = addressing._postcode_index()
    assert all(len(states) <= 1 for states in index.states)


def test_overlapping_ranges_give_every_state(tmp_path: Path):
    """A postcode shared by two ranges is valid for both states."""
    data = tmp_path / "postcodes.csv"
    data.write_text(
        "# test data\n"
        "state_code,state_name,first,last\n"
        "SGR,Selangor,40000,48300\n"
        "KUL,Kuala Lumpur,48000,48100\n"
        "SGR,Selangor,68000,68100\n",
        encoding="utf-8",
    )
    index = addressing._build_index(addressing._read_ranges(data))
    assert index.lookup(47999) == {"SGR"}
    assert index.lookup(48000) == {"SGR", "KUL"}
    assert index.lookup(48100) == {"SGR", "KUL"}
    assert index.lookup(48101) == {"SGR"}
    assert index.lookup(48301) == frozenset()
    assert index.lookup(39999) == frozenset()
    assert index.lookup(68100) == {"SGR"}
    assert index.lookup(68101) == frozenset()


def test_mismatch_with_shared_postcode_names_both_states(monkeypatch):
    """When two states share a postcode the message lists both."""
    index = addressing._build_index([("SGR", 40000, 48300), ("KUL", 48000, 48100)])
    monkeypatch.setattr(addressing, "_postcode_index", lambda: index)
    validate_postcode_state("48050", "KUL")
    validate_postcode_state("48050", "SGR")
    with pytest.raises(ValidationError) as exc:
        validate_postcode_state("48050", "JHR")
    assert exc.value.messages == [
        "Postcode 48050 is in Kuala Lumpur or Selangor, not Johor."
    ]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("XX,Nowhere,01000,02000", "unknown state code"),
        ("PLS,Perlis,1000,02000", "bad range"),
        ("PLS,Perlis,02000,01000", "empty range"),
    ],
)
def test_bad_data_file_fails_loudly(tmp_path: Path, path, problem):
    """A corrupt data file raises at load time instead of misrouting parcels."""
    data = tmp_path / "postcodes.csv"
    data.write_text(f"state_code,state_name,first,last\n{path}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        addressing._read_ranges(data)


# --- normalise_postcode ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50000", "50000"),
        (" 50000 ", "50000"),
        ("50 000", "50000"),  # decided: all whitespace is removed
        ("01000", "01000"),
        (50000, "50000"),
    ],
)
def test_normalise_postcode_accepts(value, expected):
    """Five ASCII digits, with any whitespace removed, are accepted."""
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "5000",  # 4 digits
        "500000",  # 6 digits
        "5000A",  # letter
        "ABCDE",
        "50-000",  # hyphen is not whitespace
        "",
        "   ",
        None,
        1000,  # an int that lost its leading zero (01000)
        "５００００",  # full-width digits are not ASCII digits
    ],
)
def test_normalise_postcode_refuses(value):
    """Anything but exactly five digits is refused with a clear message."""
    with pytest.raises(ValidationError) as exc:
        normalise_postcode(value)
    assert exc.value.messages == ["Enter a postcode of exactly 5 digits, e.g. 50000."]
    assert exc.value.code == "postcode_format"


# --- normalise_phone ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("012-345 6789", "+60123456789"),  # mobile, local form
        ("0123456789", "+60123456789"),
        ("+60123456789", "+60123456789"),
        ("+60 12-345 6789", "+60123456789"),
        ("60123456789", "+60123456789"),  # country code without "+"
        ("011-1234 5678", "+601112345678"),  # 011 mobiles have 8 digits
        ("03-2345 6789", "+60323456789"),  # Klang Valley landline
        ("+603-2345 6789", "+60323456789"),
        ("(03) 2345 6789", "+60323456789"),
        ("088-234 567", "+6088234567"),  # Kota Kinabalu, Sabah landline
        ("+6088 234567", "+6088234567"),
        ("+65 9123 4567", "+6591234567"),  # Singapore mobile, international
    ],
)
def test_normalise_phone_returns_e164(value, expected):
    """Local and international forms become E.164."""
    assert normalise_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "01234",  # too short
        "012-345",
        "012-345 6789 123",  # too long
        "03-1234 5678",  # 03-1... is not an allocated Klang Valley range
        "abc",
        "012-FLOWERS",  # letters are refused, not read as a keypad
        "012-345 6789 ext 1",
        "+65 1234",  # foreign, but invalid
        "6588-1234",  # Singapore number without "+" reads as Malaysian
        "++60123456789",
        "",
        None,
    ],
)
def test_normalise_phone_refuses(value):
    """Invalid numbers raise the Malaysian example message."""
    with pytest.raises(ValidationError) as exc:
        normalise_phone(value)
    assert exc.value.messages == [
        "Enter a valid Malaysian phone number, e.g. 012-345 6789."
    ]
    assert exc.value.code == "phone_invalid"


def test_normalise_phone_reads_national_form_in_given_region():
    """A national number is read in the region passed in."""
    assert normalise_phone("9123 4567", region="SG") == "+6591234567"


# --- normalise_email ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ali@example.com", "ali@example.com"),
        ("  Ali.Bin@Example.COM ", "Ali.Bin@example.com"),  # local part kept
        ("siti+shop@Mail.Example.MY", "siti+shop@mail.example.my"),
    ],
)
def test_normalise_email_lowercases_domain_only(value, expected):
    """Whitespace is stripped and only the domain is lower-cased."""
    assert normalise_email(value) == expected


@pytest.mark.parametrize(
    "value", ["", "ali", "ali@", "@example.com", "ali@example", "a b@example.com"]
)
def test_normalise_email_refuses(value):
    """Addresses Django's validator refuses raise ValidationError."""
    with pytest.raises(ValidationError):
        normalise_email(value)


# --- address_clean -----------------------------------------------------------

VALID = {
    "name": " Siti Aminah ",
    "line1": "12 Jalan Ampang",
    "line2": "",
    "city": "Kuala Lumpur",
    "postcode": "50 450",
    "state_code": "kul",
    "phone": "012-345 6789",
}


def test_address_clean_normalises_every_field():
    """A valid address comes back stripped and normalised."""
    address = address_clean(**VALID)
    assert address == PostalAddress(
        name="Siti Aminah",
        line1="12 Jalan Ampang",
        line2="",
        city="Kuala Lumpur",
        postcode="50450",
        state_code="KUL",
        country="MY",
        phone="+60123456789",
    )
    assert address.state_name == "Kuala Lumpur"
    assert address.state_iso == "MY-14"


def test_postal_address_is_frozen():
    """PostalAddress cannot be changed after cleaning."""
    address = address_clean(**VALID)
    with pytest.raises(AttributeError):
        address.city = "Johor Bahru"  # type: ignore[misc]


def test_address_clean_reports_all_errors_at_once():
    """Every bad field is reported in one ValidationError keyed by field."""
    with pytest.raises(ValidationError) as exc:
        address_clean(
            name="",
            line1="x" * 121,
            line2="y" * 121,
            city="",
            postcode="5000",
            state_code="XX",
            country="SG",
            phone="12",
        )
    errors = exc.value.message_dict
    assert errors == {
        "name": ["This field is required."],
        "line1": ["Ensure this value has at most 120 characters (it has 121)."],
        "line2": ["Ensure this value has at most 120 characters (it has 121)."],
        "city": ["This field is required."],
        "postcode": ["Enter a postcode of exactly 5 digits, e.g. 50000."],
        "state_code": ["Select a valid Malaysian state."],
        "country": ["Only addresses in Malaysia are supported."],
        "phone": ["Enter a valid Malaysian phone number, e.g. 012-345 6789."],
    }


def test_address_clean_missing_fields_are_required():
    """Omitted and None fields count as empty; line2 is optional."""
    with pytest.raises(ValidationError) as exc:
        address_clean(name=None)
    assert set(exc.value.message_dict) == {
        "name",
        "line1",
        "city",
        "postcode",
        "state_code",
        "phone",
    }


def test_address_clean_reports_mismatch_with_other_errors():
    """A postcode/state mismatch is reported on postcode next to other errors."""
    with pytest.raises(ValidationError) as exc:
        address_clean(**{**VALID, "postcode": "80000", "name": "n" * 101})
    assert exc.value.message_dict == {
        "postcode": ["Postcode 80000 is in Johor, not Kuala Lumpur."],
        "name": ["Ensure this value has at most 100 characters (it has 101)."],
    }


def test_address_clean_refuses_unknown_postcode():
    """A well-formed postcode that no state uses is refused."""
    with pytest.raises(ValidationError) as exc:
        address_clean(**{**VALID, "postcode": "00000"})
    assert exc.value.message_dict == {
        "postcode": ["Postcode 00000 does not exist in Malaysia."]
    }


def test_address_clean_refuses_null_characters():
    """NUL bytes are refused (PostgreSQL cannot store them)."""
    with pytest.raises(ValidationError) as exc:
        address_clean(**{**VALID, "city": "Kuala\x00Lumpur"})
    assert exc.value.message_dict == {"city": ["Null characters are not allowed."]}


def test_address_clean_keeps_error_codes():
    """Errors keep machine-readable codes for API clients."""
    with pytest.raises(ValidationError) as exc:
        address_clean(**{**VALID, "postcode": "80000"})
    assert [e.code for e in exc.value.error_dict["postcode"]] == [
        "postcode_state_mismatch"
    ]


def test_address_clean_accepts_unicode_text_at_the_limit():
    """Emoji and non-Latin names within the limit are accepted."""
    address = address_clean(**{**VALID, "name": "李" * 100, "line2": "Blok A 🏠"})
    assert address.name == "李" * 100
    assert address.line2 == "Blok A 🏠"


def test_address_clean_refuses_unknown_field_names():
    """A typo in a field name is a programming error, not user input."""
    with pytest.raises(TypeError):
        address_clean(**VALID, postal_code="50450")
