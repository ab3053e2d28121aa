import datetime

import pytest

from reports.periods import Period, periods_owed

D = datetime.date


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (D(2026, 1, 1), Period(2026, 1)),
        (D(2026, 4, 30), Period(2026, 1)),
        (D(2026, 5, 1), Period(2026, 2)),
        (D(2026, 8, 31), Period(2026, 2)),
        (D(2026, 9, 1), Period(2026, 3)),
        (D(2026, 12, 31), Period(2026, 3)),
        (D(2024, 2, 29), Period(2024, 1)),
    ],
)
def test_which_period_a_date_falls_in(day, period):
    assert Period.of(day) == period


def test_bounds_and_due_dates():
    assert (Period(2026, 1).start, Period(2026, 1).end) == (D(2026, 1, 1), D(2026, 4, 30))
    assert (Period(2026, 2).start, Period(2026, 2).end) == (D(2026, 5, 1), D(2026, 8, 31))
    assert (Period(2026, 3).start, Period(2026, 3).end) == (D(2026, 9, 1), D(2026, 12, 31))
    assert Period(2026, 1).due == D(2026, 5, 15)
    assert Period(2026, 3).due == D(2027, 1, 15)  # across the year boundary


def test_due_days_are_configurable(settings):
    settings.REPORT_DUE_DAYS = 30
    assert Period(2026, 2).due == D(2026, 9, 30)


def test_next_and_previous_cross_the_year():
    assert Period(2026, 3).next() == Period(2027, 1)
    assert Period(2027, 1).previous() == Period(2026, 3)
    assert Period(2026, 1) < Period(2026, 2) < Period(2026, 3) < Period(2027, 1)


def test_consecutive_periods_have_consecutive_indexes():
    period = Period(2025, 2)
    for _ in range(7):
        assert period.next().index == period.index + 1
        assert Period.from_index(period.index) == period
        period = period.next()
    assert Period(2026, 1).index == Period(2025, 3).index + 1


def test_indonesian_name():
    assert str(Period(2026, 2)) == "catur wulan II 2026"


def test_invalid_term():
    with pytest.raises(ValueError):
        Period(2026, 4)


class TestPeriodsOwed:
    def test_from_the_transfer_period_only_those_already_due(self):
        owed = periods_owed(transferred_on=D(2026, 3, 2), today=D(2026, 11, 26))
        # I 2026 (due 15 May) and II 2026 (due 15 Sep); III 2026 is due 15 Jan 2027
        assert owed == [Period(2026, 1), Period(2026, 2)]

    def test_the_day_before_and_on_the_due_date(self):
        assert periods_owed(transferred_on=D(2026, 3, 2), today=D(2026, 5, 14)) == []
        assert periods_owed(transferred_on=D(2026, 3, 2), today=D(2026, 5, 15)) == [Period(2026, 1)]

    def test_across_a_year_boundary(self):
        owed = periods_owed(transferred_on=D(2025, 10, 1), today=D(2026, 6, 1))
        assert owed == [Period(2025, 3), Period(2026, 1)]

    def test_stops_at_the_period_of_completion(self):
        owed = periods_owed(
            transferred_on=D(2025, 2, 1), completed_on=D(2025, 10, 5), today=D(2026, 11, 26)
        )
        assert owed == [Period(2025, 1), Period(2025, 2), Period(2025, 3)]

    def test_not_transferred_owes_nothing(self):
        assert periods_owed(transferred_on=None, today=D(2026, 11, 26)) == []
