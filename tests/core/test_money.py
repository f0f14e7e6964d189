from decimal import Decimal

import pytest

from kedai.core.money import ROUND_HALF_UP, ROUNDING, Money, format_money, quantize


def test_rounding_rule_is_half_up():
    """The one named rounding rule is ROUND_HALF_UP (ARCHITECTURE.md §4)."""
    assert ROUNDING == ROUND_HALF_UP
    assert quantize(Decimal("0.005"), "MYR") == Decimal("0.01")
    assert quantize(Decimal("2.675"), "MYR") == Decimal("2.68")
    assert quantize(Decimal("-2.675"), "MYR") == Decimal("-2.68")
    assert quantize(Decimal("2.674999"), "MYR") == Decimal("2.67")


def test_minor_unit_follows_the_currency():
    """JPY has no minor unit, so it rounds to whole yen."""
    assert quantize(Decimal("10.5"), "JPY") == Decimal("11")


def test_money_refuses_float():
    """A float never becomes money."""
    with pytest.raises(TypeError):
        Money(0.1)
    with pytest.raises(TypeError):
        Money(Decimal("1")) * 1.5


def test_money_arithmetic_and_mixed_currencies():
    """Same-currency sums are exact; mixing currencies raises."""
    total = Money("0.10") + Money("0.20")
    assert total == Money(Decimal("0.30"))
    assert (Money("19.90") * 3).quantized() == Money("59.70")
    with pytest.raises(ValueError):
        Money("1", "MYR") + Money("1", "SGD")


def test_money_rejects_garbage():
    for bad in ["abc", "NaN", "Infinity", ""]:
        with pytest.raises(ValueError):
            Money(bad)
    with pytest.raises(ValueError):
        Money("1", "myr")


def test_ringgit_format():
    """Prices show as RM1,234.50 in English and Malay."""
    assert format_money(Decimal("1234.5"), "MYR") == "RM1,234.50"
    assert format_money(Decimal("1234.5"), "MYR", "ms_MY") == "RM1,234.50"
    assert Money("0.005").format() == "RM0.01"


def test_named_helpers_round_half_up():
    from kedai.core.money import line_total, round_places

    assert line_total(Decimal("0.335"), 3, "MYR") == Decimal("1.01")  # 1.005
    assert round_places(Decimal("2.675")) == Decimal("2.68")  # not half-even
    assert round_places(Decimal("1.25"), 1) == Decimal("1.3")


def test_money_is_rounded_only_in_core_money():
    """Issue 13, defect 6: no module rounds an amount with Decimal's default
    (half-even) context; rounding goes through kedai.core.money."""
    import re
    from pathlib import Path

    import kedai

    root = Path(kedai.__file__).parent
    pattern = re.compile(r"\.quantize\(\s*Decimal\(\s*[\"']0\.01[\"']\s*\)\s*\)")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "money.py" and pattern.search(path.read_text())]
    assert offenders == []
