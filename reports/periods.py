"""Catur wulan: the three four-month reporting periods of a calendar year.

I = January-April, II = May-August, III = September-December. A period's report is due a
configurable number of days after the period ends (settings.REPORT_DUE_DAYS, default 15).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

ROMAN = {1: "I", 2: "II", 3: "III"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    term: int  # 1, 2 or 3

    def __post_init__(self):
        if self.term not in ROMAN:
            raise ValueError(f"A catur wulan is 1, 2 or 3, not {self.term}")

    @classmethod
    def of(cls, day: datetime.date) -> "Period":
        return cls(day.year, (day.month - 1) // 4 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 4 * (self.term - 1) + 1, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    @property
    def due(self) -> datetime.date:
        return self.end + datetime.timedelta(days=settings.REPORT_DUE_DAYS)

    @property
    def index(self) -> int:
        """Consecutive periods have consecutive indexes (2026 I is 6078, 2026 II 6079)."""
        return self.year * 3 + self.term - 1

    @classmethod
    def from_index(cls, index: int) -> "Period":
        return cls(index // 3, index % 3 + 1)

    def next(self) -> "Period":
        return Period(self.year + 1, 1) if self.term == 3 else Period(self.year, self.term + 1)

    def previous(self) -> "Period":
        return Period(self.year - 1, 3) if self.term == 1 else Period(self.year, self.term - 1)

    @property
    def roman(self) -> str:
        """The term as written on paper: I, II or III."""
        return ROMAN[self.term]

    def __str__(self):
        return _("catur wulan %(term)s %(year)d") % {"term": self.roman, "year": self.year}


def periods_between(first: Period, last: Period) -> list[Period]:
    periods, period = [], first
    while period <= last:
        periods.append(period)
        period = period.next()
    return periods


def periods_owed(*, transferred_on, completed_on=None, today) -> list[Period]:
    """The periods whose report a grant owes by `today`: from the period of its transfer to
    the period in which it was completed (or today's), counting only those already due."""
    if transferred_on is None:
        return []
    last = Period.of(min(completed_on or today, today))
    return [p for p in periods_between(Period.of(transferred_on), last) if p.due <= today]


# The yearly accountability report (LPJ): due on 10 January of the next year.
LPJ_DUE = (1, 10)  # month, day of the next year


@dataclass(frozen=True, order=True)
class LpjYear:
    """The LPJ of one calendar year; `term` 0 files it beside the catur wulan (1-3) in the
    reminders' log."""

    year: int
    term: int = 0

    @property
    def due(self) -> datetime.date:
        return datetime.date(self.year + 1, *LPJ_DUE)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def __str__(self):
        return _("LPJ %(year)d") % {"year": self.year}


def lpj_years_owed(*, transferred_on, completed_on=None, today) -> list[LpjYear]:
    """The years whose LPJ a grant owes by `today`: from the year of its transfer to the
    year of its completion (or today's), counting only those already due."""
    if transferred_on is None:
        return []
    last = min(completed_on or today, today).year
    years = [LpjYear(year) for year in range(transferred_on.year, last + 1)]
    return [y for y in years if y.due <= today]
