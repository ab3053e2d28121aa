"""The date validators of core/validators.py."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.validators import NotBeforeYear, NotMoreThanYearsAgo, validate_not_in_future

MAKASSAR = datetime.timezone(datetime.timedelta(hours=8))


def message(validator, value) -> str:
    with pytest.raises(ValidationError) as refused, translation.override("id"):
        validator(value)
    return refused.value.messages[0]


@time_machine.travel(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=MAKASSAR), tick=False)
def test_not_in_future_uses_the_site_s_today():
    validate_not_in_future(datetime.date(2026, 3, 1))
    validate_not_in_future(None)
    assert message(validate_not_in_future, datetime.date(2026, 3, 2)) == (
        "Tanggal 2 Maret 2026 berada di masa depan."
    )
    late_tonight = datetime.datetime(2026, 3, 1, 23, 0, tzinfo=MAKASSAR)
    validate_not_in_future(late_tonight)  # still today in WITA, though tomorrow in no zone
    assert timezone.localdate() == datetime.date(2026, 3, 1)


def test_not_before_year_names_the_date_and_the_year():
    NotBeforeYear(2025)(datetime.date(2025, 1, 1))
    assert message(NotBeforeYear(2025), datetime.date(2024, 12, 31)) == (
        "Tanggal 31 Desember 2024 sebelum tahun 2025."
    )
    assert NotBeforeYear(2025) == NotBeforeYear(2025) != NotBeforeYear(2024)


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=MAKASSAR), tick=False)
def test_not_more_than_years_ago():
    NotMoreThanYearsAgo(120)(datetime.date(1906, 3, 1))
    assert "lebih dari 120 tahun" in message(NotMoreThanYearsAgo(120), datetime.date(1906, 2, 28))


@time_machine.travel(datetime.datetime(2028, 2, 29, 12, tzinfo=MAKASSAR), tick=False)
def test_not_more_than_years_ago_on_a_leap_day():
    NotMoreThanYearsAgo(1)(datetime.date(2027, 2, 28))
    with pytest.raises(ValidationError):
        NotMoreThanYearsAgo(1)(datetime.date(2027, 2, 27))


def test_the_validators_can_be_written_into_migrations():
    for validator in (NotBeforeYear(1950), NotMoreThanYearsAgo(120)):
        path, args, _kwargs = validator.deconstruct()
        assert path.startswith("core.validators.") and args
