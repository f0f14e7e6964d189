"""Buyer e-invoice details: normalised, and every problem reported at once."""

import pytest
from django.core.exceptions import ValidationError

from kedai.customers.einvoice import einvoice_clean


@pytest.mark.parametrize(("given", "expected"), [
    ({"tin": "c2584563200", "id_type": "BRN", "id_number": "2020-0123 4567"},
     {"tin": "C2584563200", "id_type": "BRN", "id_number": "202001234567",
      "sst_number": ""}),
    ({"tin": "IG 1234 5678 901", "id_type": "nric", "id_number": "900101-14-5678",
      "sst_number": "w10-1808-31000011"},
     {"tin": "IG12345678901", "id_type": "NRIC", "id_number": "900101145678",
      "sst_number": "W10-1808-31000011"}),
    ({"tin": "C2584563200", "id_type": "PASSPORT", "id_number": "a1234567",
      "sst_number": "NA"},
     {"tin": "C2584563200", "id_type": "PASSPORT", "id_number": "A1234567",
      "sst_number": ""}),
    ({"tin": "C2584563200", "id_type": "BRN", "id_number": "123456-X"},
     {"tin": "C2584563200", "id_type": "BRN", "id_number": "123456X",
      "sst_number": ""}),
])
def test_valid_details_are_normalised(given, expected):
    assert einvoice_clean(**given).as_dict() == expected


@pytest.mark.parametrize(("given", "fields"), [
    ({"tin": "", "id_type": "BRN", "id_number": "202001234567"}, {"tin"}),
    ({"tin": "12345678", "id_type": "BRN", "id_number": "202001234567"}, {"tin"}),
    ({"tin": "C2584563200", "id_type": "", "id_number": "x"}, {"id_type"}),
    ({"tin": "C2584563200", "id_type": "DRIVING", "id_number": "x"}, {"id_type"}),
    ({"tin": "C2584563200", "id_type": "NRIC", "id_number": ""}, {"id_number"}),
    ({"tin": "C2584563200", "id_type": "NRIC", "id_number": "90010114567"},
     {"id_number"}),
    ({"tin": "C2584563200", "id_type": "BRN", "id_number": "2020012345"},
     {"id_number"}),
    ({"tin": "C2584563200", "id_type": "BRN", "id_number": "202001234567",
      "sst_number": "W10-18-31"}, {"sst_number"}),
    ({"tin": "x", "id_type": "NRIC", "id_number": "abc", "sst_number": "?"},
     {"tin", "id_number", "sst_number"}),
])
def test_bad_details_name_every_wrong_field(given, fields):
    with pytest.raises(ValidationError) as caught:
        einvoice_clean(**given)
    assert set(caught.value.error_dict) == fields
