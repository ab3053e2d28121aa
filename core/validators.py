"""Validators for dates that must lie within sensible bounds, for model fields and `clean()`.

On a field (`validators=[validate_not_in_future, NotBeforeYear(1950)]`) they run in
`full_clean()`, so the admin, the forms and every service or import that validates the model
refuse the same value with the same message; a bound that depends on another object (a
transfer not before its programme's year minus one) is checked in the model's `clean()`:

    NotBeforeYear(self.program.fiscal_year - 1)(self.transferred_on)

The messages name the refused date; the form shows them beside the field, an import beside
the column.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def _today() -> datetime.date:
    """Today in the site's time zone (TIME_ZONE; the site never activates another one),
    without the per-request time zone lookup: an import validates thousands of dates."""
    return datetime.datetime.now(timezone.get_default_timezone()).date()


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return value.astimezone(timezone.get_default_timezone()).date()
        return value.date()
    return value


def _shown(value) -> str:
    return date_format(_as_date(value), "DATE_FORMAT")


def validate_not_in_future(value) -> None:
    """A date (or date and time) that has happened: today at the latest, in the site's time
    zone."""
    if value is not None and _as_date(value) > _today():
        raise ValidationError(
            _("The date %(date)s is in the future."), code="future", params={"date": _shown(value)}
        )


@deconstructible
class NotBeforeYear:
    """A date in `year` or later."""

    message = _("The date %(date)s is before the year %(year)d.")
    code = "before_year"

    def __init__(self, year: int):
        self.year = year

    def __call__(self, value) -> None:
        if value is not None and _as_date(value).year < self.year:
            raise ValidationError(
                self.message, code=self.code, params={"date": _shown(value), "year": self.year}
            )

    def __eq__(self, other):
        return isinstance(other, NotBeforeYear) and self.year == other.year


@deconstructible
class NotMoreThanYearsAgo:
    """A date at most `years` years before today (a birth date of a living person)."""

    message = _("The date %(date)s is more than %(years)d years ago.")
    code = "too_old"

    def __init__(self, years: int):
        self.years = years

    def __call__(self, value) -> None:
        if value is None:
            return
        today = _today()
        try:
            earliest = today.replace(year=today.year - self.years)
        except ValueError:  # 29 February
            earliest = today.replace(year=today.year - self.years, day=28)
        if _as_date(value) < earliest:
            raise ValidationError(
                self.message, code=self.code, params={"date": _shown(value), "years": self.years}
            )

    def __eq__(self, other):
        return isinstance(other, NotMoreThanYearsAgo) and self.years == other.years
