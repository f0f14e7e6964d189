import threading

import pytest
from django.db import close_old_connections, transaction

from kedai.core.numbering import number_allocate, number_format


def test_format():
    assert number_format(series="KD", year=2026, value=123) == "KD-2026-000123"
    assert number_format(series="C", year=None, value=7) == "C-000007"


@pytest.mark.django_db
def test_numbers_are_sequential_per_series_and_year():
    with transaction.atomic():
        got = [number_allocate(series="KD", year=2026) for _ in range(3)]
        other_year = number_allocate(series="KD", year=2027)
        other_series = number_allocate(series="C")
    assert got == ["KD-2026-000001", "KD-2026-000002", "KD-2026-000003"]
    assert other_year == "KD-2027-000001"
    assert other_series == "C-000001"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_document_gives_its_number_back():
    """No gaps: a failed transaction's number is reused by the next one."""
    with transaction.atomic():
        assert number_allocate(series="INV", year=2026) == "INV-2026-000001"
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert number_allocate(series="INV", year=2026) == "INV-2026-000002"
        1 / 0  # noqa: B018 - the document fails after taking its number
    with transaction.atomic():
        assert number_allocate(series="INV", year=2026) == "INV-2026-000002"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        number_allocate(series="KD", year=2026)


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_are_unique_and_gap_free():
    """Ten threads behind a barrier on a real database get 1..10 once each."""
    barrier = threading.Barrier(10)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(number_allocate(series="KD", year=2026))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=take) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"KD-2026-{n:06d}" for n in range(1, 11)]
