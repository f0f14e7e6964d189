"""Spreadsheet cell safety: formulas are escaped on export, un-escaped on import.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel, LibreOffice and Google Sheets ("CSV
injection", OWASP). On export such a cell gets a leading apostrophe, which
spreadsheets show as a text marker and which survives a save as CSV. A cell
that already starts with an apostrophe gets one more, so that import can
always strip exactly one and the round trip is exact. Shopify exports use
the same apostrophe on phone numbers and postcodes; import strips it too.
Only text is escaped: numbers and dates are written as numbers and dates.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"


def cell_escape(value: object) -> object:
    """Return ``value`` safe to put in a spreadsheet cell (text only)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS + (MARK,)):
        return MARK + value
    return value


def cell_unescape(value: object) -> object:
    """Undo :func:`cell_escape` on a cell read from an uploaded file."""
    if isinstance(value, str) and value.startswith(MARK):
        return value[1:]
    return value
