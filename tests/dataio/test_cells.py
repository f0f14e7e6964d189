"""Formula escaping of spreadsheet cells."""

import pytest

from kedai.dataio.cells import cell_escape, cell_unescape


@pytest.mark.parametrize("text", ["=1+1", "+60123456789", "-5", "@SUM(A1)",
                                  "\tx", "\rx", "'quoted", "=HYPERLINK(\"x\")"])
def test_formula_like_text_is_escaped_and_restored(text):
    escaped = cell_escape(text)
    assert escaped == "'" + text
    assert cell_unescape(escaped) == text


@pytest.mark.parametrize("value", ["Batik", "12.50", "", "a=b", 5, None, True])
def test_other_values_are_left_alone(value):
    assert cell_escape(value) == value
    assert cell_unescape(value) == value


def test_shopify_apostrophe_on_postcodes_is_stripped():
    assert cell_unescape("'50450") == "50450"
