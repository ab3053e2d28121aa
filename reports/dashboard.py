"""The dashboard's figures: per regency and for the viewer's whole scope.

Every figure is an aggregate computed by the database (Count/Sum/Min with filter=Q(...),
grouped with values("regency")), so the number of queries does not grow with the data:
one query per kind of figure, whatever the number of groups, grants, tranches or reports.
Totals are the sum of the regency rows, and the regency rows start from the viewer's
scope (Regency/… .visible_to(user)), so a total never includes data outside it.

Grants, amounts, waiting tranches, groups owing reports, reports per period and status
and business conditions are read from the summaries (reports.models RegencySummary,
ReportSummary, OwingSpan) that the services keep current: a few rows per regency, however
many groups there are. Medians are not additive: they are computed from RevenueChange,
one narrow row per report that has a predecessor, kept by the report service.
reports/summaries.py defines each of them from the raw rows. Groups by status are read from
groups.models.GroupCount, kept by triggers on the groups table.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    Min,
    Q,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.numbers import percent
from groups.models import GroupCount, GroupStatus
from regions.models import Regency
from reports.models import (
    BusinessCondition,
    LpjOwingSpan,
    LpjSummary,
    OwingSpan,
    RegencySummary,
    ReportSummary,
    RevenueChange,
)
from reports.periods import LpjYear, Period

COMPLIANCE_PERIODS = 4  # periods shown in the compliance chart


def last_due_period(today: datetime.date) -> Period:
    """The most recent period whose report is already due on `today`."""
    period = Period.of(today).previous()
    while period.due > today:
        period = period.previous()
    return period


@dataclass
class GrantFigures:
    grants_awarded: int = 0  # not cancelled
    grants_transferred: int = 0
    amount_awarded: int = 0
    amount_transferred: int = 0
    amount_withdrawn: int = 0
    amount_accounted: int = 0  # of the withdrawn, what accepted spending accounts for
    tranches_waiting: int = 0
    oldest_waiting_at: datetime.datetime | None = None

    def add(self, other: "GrantFigures") -> None:
        for name in RegencySummary.TOTALS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.oldest_waiting_at and (
            self.oldest_waiting_at is None or other.oldest_waiting_at < self.oldest_waiting_at
        ):
            self.oldest_waiting_at = other.oldest_waiting_at


@dataclass
class PeriodCompliance:
    period: Period
    owing: int = 0  # groups that owe the period's report
    accepted: int = 0
    submitted: int = 0  # submitted, not reviewed yet

    @property
    def missing(self) -> int:
        """Owed and neither accepted nor submitted (not written, draft or returned)."""
        return max(self.owing - self.accepted - self.submitted, 0)

    @property
    def accepted_percent(self):
        return percent(self.accepted, self.owing)

    @property
    def submitted_percent(self):
        return percent(self.submitted, self.owing)

    @property
    def reported_percent(self):
        return percent(self.accepted + self.submitted, self.owing)


@dataclass
class LpjFigures:
    """One year's LPJs in a regency (or the total): groups owing, submitted, received."""

    year: LpjYear
    owing: int = 0
    submitted: int = 0
    received: int = 0

    @property
    def missing(self) -> int:
        """Owed and neither submitted nor received (not written, or returned)."""
        return max(self.owing - self.submitted - self.received, 0)

    @property
    def received_percent(self):
        return percent(self.received, self.owing)


def lpj_years(today: datetime.date) -> list[LpjYear]:
    """The last year whose LPJ is already due, and the year whose LPJ is due next."""
    current = today.year if today > datetime.date(today.year, 1, 10) else today.year - 1
    return [LpjYear(current - 1), LpjYear(current)]


@dataclass
class Row:
    """One regency's figures (or, with code "", the total of the viewer's scope)."""

    code: str
    name: str
    today: datetime.date
    groups: dict = field(default_factory=lambda: dict.fromkeys(GroupStatus.values, 0))
    money: GrantFigures = field(default_factory=GrantFigures)
    compliance: list = field(default_factory=list)  # PeriodCompliance, oldest first
    conditions: dict = field(default_factory=lambda: dict.fromkeys(BusinessCondition.values, 0))
    revenue_change_median: int | None = None
    revenue_change_groups: int = 0
    lpjs: list = field(default_factory=list)  # LpjFigures, per year of lpj_years

    @property
    def groups_total(self) -> int:
        return sum(self.groups.values())

    @property
    def group_counts(self) -> list[int]:
        return [self.groups[status] for status in GroupStatus.values]

    @property
    def condition_counts(self) -> list[int]:
        return [self.conditions[c] for c in BusinessCondition.values]

    @property
    def conditions_total(self) -> int:
        return sum(self.conditions.values())

    @property
    def revenue_change_magnitude(self) -> int | None:
        median = self.revenue_change_median
        return None if median is None else abs(median)

    @property
    def amount_remaining(self) -> int:
        """Awarded and not yet withdrawn by the group (still to transfer or in its account)."""
        return self.money.amount_awarded - self.money.amount_withdrawn

    @property
    def transferred_percent(self):
        return percent(self.money.amount_transferred, self.money.amount_awarded)

    @property
    def withdrawn_percent(self):
        """Absorption (serapan): withdrawn / awarded."""
        return percent(self.money.amount_withdrawn, self.money.amount_awarded)

    @property
    def accounted_percent(self):
        """Of what the groups withdrew, the share their accepted spending accounts for."""
        return percent(self.money.amount_accounted, self.money.amount_withdrawn)

    @property
    def amount_unaccounted(self) -> int:
        return self.money.amount_withdrawn - self.money.amount_accounted

    @property
    def remaining_percent(self):
        return percent(self.amount_remaining, self.money.amount_awarded)

    @property
    def oldest_waiting_days(self) -> int | None:
        oldest = self.money.oldest_waiting_at
        if oldest is None:
            return None
        return (self.today - timezone.localdate(oldest)).days

    @property
    def last_compliance(self) -> PeriodCompliance | None:
        return self.compliance[-1] if self.compliance else None


@dataclass
class Dashboard:
    rows: list[Row]
    total: Row
    period: Period
    periods: list[Period]
    program_id: int | None
    year: int | None
    lpj_years: list = field(default_factory=list)

    @property
    def single_regency(self) -> bool:
        return len(self.rows) == 1


# Filters ------------------------------------------------------------------------------


def _in_province() -> Q:
    """Rows of the installation's province only (PROVINCE_CODE): the regencies the
    dashboard shows, and nothing else in its totals, should the database hold more."""
    return Q(regency__code__startswith=f"{settings.PROVINCE_CODE}.")


def _summaries(model, *, user, program_id, year):
    """A per-programme summary's rows the user may see, of the chosen programme and year."""
    rows = model.objects.visible_to(user).filter(_in_province())
    if program_id:
        rows = rows.filter(program_id=program_id)
    if year:
        rows = rows.filter(program_year=year)
    return rows


# Grant and tranche figures ------------------------------------------------------------------


def _grant_figures(*, user, program_id, year) -> dict[str, GrantFigures]:
    """Per regency, from the summaries kept by the grants services (one query)."""
    result = {}
    for row in (
        _summaries(RegencySummary, user=user, program_id=program_id, year=year)
        .order_by()
        .values("regency_id")
        .annotate(
            s_grants_awarded=Sum("grants_awarded"),
            s_grants_transferred=Sum("grants_transferred"),
            s_amount_awarded=Sum("amount_awarded"),
            s_amount_transferred=Sum("amount_transferred"),
            s_amount_withdrawn=Sum("amount_withdrawn"),
            s_amount_accounted=Sum("amount_accounted"),
            s_tranches_waiting=Sum("tranches_waiting"),
            s_oldest=Min("oldest_waiting_at"),
        )
    ):
        result[row["regency_id"]] = GrantFigures(
            grants_awarded=row["s_grants_awarded"] or 0,
            grants_transferred=row["s_grants_transferred"] or 0,
            amount_awarded=row["s_amount_awarded"] or 0,
            amount_transferred=row["s_amount_transferred"] or 0,
            amount_withdrawn=row["s_amount_withdrawn"] or 0,
            amount_accounted=row["s_amount_accounted"] or 0,
            tranches_waiting=row["s_tranches_waiting"] or 0,
            oldest_waiting_at=row["s_oldest"],
        )
    return result


# Reporting ---------------------------------------------------------------------------


def _owing_groups(*, user, periods, program_id, year) -> dict[str, dict[Period, int]]:
    """Groups owing each period's report, per regency, from the owing spans (one query)."""
    if program_id:
        scope = Q(program_id=program_id) & (Q(program_year=year) if year else Q())
    else:
        scope = Q(program__isnull=True, program_year=year or None)
    counts = {
        f"p{p.index}": Sum(
            "groups",
            filter=Q(first_period__lte=p.index)
            & (Q(last_period__isnull=True) | Q(last_period__gte=p.index)),
        )
        for p in periods
    }
    return {
        row["regency_id"]: {p: row[f"p{p.index}"] or 0 for p in periods}
        for row in OwingSpan.objects.visible_to(user)
        .filter(scope, _in_province())
        .order_by()
        .values("regency_id")
        .annotate(**counts)
    }


def _report_counts(*, user, periods, program_id, year):
    """Accepted and submitted reports and the conditions per regency and period, from the
    report summaries (one query)."""
    shown = Q()
    for p in periods:
        shown |= Q(year=p.year, term=p.term)
    return (
        _summaries(ReportSummary, user=user, program_id=program_id, year=year)
        .filter(shown)
        .order_by()
        .values("regency_id", "year", "term")
        .annotate(**{f"s_{name}": Sum(name) for name in ReportSummary.FIGURES})
    )


def _middle_rows(*, user, period, program_id, year):
    """The one or two middle revenue changes of `period` in each regency and over all
    (one query over the narrow RevenueChange rows: two windows over the same rows; at most
    two rows per regency and two overall come back, whatever the number of reports)."""
    order = [F("change").asc(), F("report_id").asc()]
    regency = [F("regency_id")]
    return (
        _summaries(RevenueChange, user=user, program_id=program_id, year=year)
        .filter(year=period.year, term=period.term)
        .annotate(
            position=Window(RowNumber(), order_by=order, partition_by=regency),
            size=Window(Count("pk"), partition_by=regency, output_field=IntegerField()),
            overall_position=Window(RowNumber(), order_by=order),
            overall_size=Window(Count("pk"), output_field=IntegerField()),
        )
        .filter(
            Q(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
            | Q(
                overall_position__gte=(F("overall_size") + 1) / 2,
                overall_position__lte=(F("overall_size") + 2) / 2,
            )
        )
        .order_by()
        .values("change", "position", "size", "overall_position", "overall_size", "regency_id")
    )


# The two middle positions of n sorted values, as percentile_disc fractions: it returns
# the value at position ceil(p * n), so 0.5 gives (n + 1) // 2 and 0.5 + 1e-8 gives
# n // 2 + 1 while 1e-8 * n < 0.5, that is for fewer than 50,000,000 changes in a period
# (one per group at most). One sort gives both, where percentile_disc(0.5) over each
# direction sorted twice.
MIDDLES = (0.5, 0.5 + 1e-8)


def _medians(*, user, period, program_id, year):
    """The one or two middle revenue changes of `period` and how many there are, per
    regency and over all: ({regency_id: (middles, size)}, (middles, size) or None). One
    query either way. On PostgreSQL, percentile_disc of both middle positions over the
    period's rows, with grouping sets (one sort per grouping, about 5 ms for 30,000
    changes); elsewhere the two windows of `_middle_rows`."""
    if connection.vendor != "postgresql":
        per_regency, overall = {}, []
        for item in _middle_rows(user=user, period=period, program_id=program_id, year=year):
            if _is_middle(item["overall_position"], item["overall_size"]):
                overall.append(item)
            if _is_middle(item["position"], item["size"]):
                values, _size = per_regency.get(item["regency_id"], ([], item["size"]))
                per_regency[item["regency_id"]] = ([*values, item["change"]], item["size"])
        middles = [item["change"] for item in overall]
        return per_regency, (middles, overall[0]["overall_size"]) if overall else None
    changes = (
        _summaries(RevenueChange, user=user, program_id=program_id, year=year)
        .filter(year=period.year, term=period.term)
        .order_by()
        .values("regency_id", "change")
    )
    sql, params = changes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GROUPING(regency_id), regency_id, "
            "percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY change), count(*) "
            f"FROM ({sql}) AS changes GROUP BY GROUPING SETS ((regency_id), ())",
            [list(MIDDLES), *params],
        )
        per_regency, overall = {}, None
        for grouped, regency_id, middles, size in cursor.fetchall():
            if not size:  # no change in the period: no median (and middles is NULL)
                continue
            if grouped:
                overall = (middles, size)
            else:
                per_regency[regency_id] = (middles, size)
    return per_regency, overall


def _is_middle(position: int, size: int) -> bool:
    return (size + 1) // 2 <= position <= (size + 2) // 2


def _median(values: list[int]) -> int | None:
    """Median of the one or two middle values, whole Rupiah rounded half away from zero."""
    if not values:
        return None
    total = sum(values)
    if len(values) == 1:
        return total
    return (abs(total) + 1) // 2 * (1 if total >= 0 else -1)


# Accountability reports (LPJ) -----------------------------------------------------------


def _lpj_figures(*, user, years) -> dict[str, dict[int, dict[str, int]]]:
    """Per regency and year: groups owing (from the LPJ owing spans) and LPJs submitted and
    received (from the LPJ summaries): two queries, whatever the programme."""
    figures: dict[str, dict[int, dict[str, int]]] = {}
    owing = {
        f"y{y.year}": Sum(
            "groups",
            filter=Q(first_year__lte=y.year)
            & (Q(last_year__isnull=True) | Q(last_year__gte=y.year)),
        )
        for y in years
    }
    for row in (
        LpjOwingSpan.objects.visible_to(user)
        .filter(_in_province())
        .order_by()
        .values("regency_id")
        .annotate(**owing)
    ):
        for y in years:
            figures.setdefault(row["regency_id"], {}).setdefault(y.year, {})["owing"] = (
                row[f"y{y.year}"] or 0
            )
    for row in (
        LpjSummary.objects.visible_to(user)
        .filter(_in_province(), year__in=[y.year for y in years])
        .values("regency_id", "year", "submitted", "received")
    ):
        year = figures.setdefault(row["regency_id"], {}).setdefault(row["year"], {})
        year["submitted"], year["received"] = row["submitted"], row["received"]
    return figures


# The dashboard ------------------------------------------------------------------------


def dashboard(*, user, program_id=None, year=None, today=None) -> Dashboard:
    """Every figure of the dashboard for what the user may see. Queries: regencies,
    groups by status, grant/tranche summaries, owing spans, report summaries (per period
    and status, and conditions), revenue-change medians (per regency and overall, one
    query)."""
    today = today or timezone.localdate()
    period = last_due_period(today)
    periods = [period]
    while len(periods) < COMPLIANCE_PERIODS:
        periods.insert(0, periods[0].previous())

    rows = {
        code: Row(code=code, name=name, today=today)
        for code, name in Regency.objects.visible_to(user).in_province().values_list("code", "name")
    }
    total = Row(code="", name="", today=today)

    for regency_id, status, n in (
        GroupCount.objects.visible_to(user)
        .filter(_in_province())
        .values_list("regency_id", "status", "groups")
    ):
        row = rows.get(regency_id)
        if row is not None:
            row.groups[status] += n

    for code, figures in _grant_figures(user=user, program_id=program_id, year=year).items():
        if code in rows:
            rows[code].money = figures

    owing = _owing_groups(user=user, periods=periods, program_id=program_id, year=year)
    for code, row in rows.items():
        row.compliance = [PeriodCompliance(p, owing.get(code, {}).get(p, 0)) for p in periods]
    index = {p: i for i, p in enumerate(periods)}
    for item in _report_counts(user=user, periods=periods, program_id=program_id, year=year):
        row = rows.get(item["regency_id"])
        if row is None:
            continue
        item_period = Period(item["year"], item["term"])
        compliance = row.compliance[index[item_period]]
        compliance.accepted += item["s_accepted"]
        compliance.submitted += item["s_submitted"]
        if item_period == period:
            for condition, name in ReportSummary.CONDITIONS.items():
                row.conditions[condition] += item[f"s_{name}"]

    per_regency, overall = _medians(user=user, period=period, program_id=program_id, year=year)
    for code, (values, size) in per_regency.items():
        if code in rows:
            rows[code].revenue_change_median = _median(values)
            rows[code].revenue_change_groups = size
    total.revenue_change_median = _median(overall[0]) if overall else None
    total.revenue_change_groups = overall[1] if overall else 0
    years = lpj_years(today)
    lpjs = _lpj_figures(user=user, years=years)
    for code, row in rows.items():
        row.lpjs = [LpjFigures(y, **lpjs.get(code, {}).get(y.year, {})) for y in years]
    total.lpjs = [LpjFigures(y) for y in years]
    for row in rows.values():
        for mine, theirs in zip(total.lpjs, row.lpjs, strict=True):
            mine.owing += theirs.owing
            mine.submitted += theirs.submitted
            mine.received += theirs.received

    total.compliance = [PeriodCompliance(p) for p in periods]
    for row in rows.values():
        for status, n in row.groups.items():
            total.groups[status] += n
        total.money.add(row.money)
        for mine, theirs in zip(total.compliance, row.compliance, strict=True):
            mine.owing += theirs.owing
            mine.accepted += theirs.accepted
            mine.submitted += theirs.submitted
        for condition, n in row.conditions.items():
            total.conditions[condition] += n

    return Dashboard(
        rows=list(rows.values()),
        total=total,
        period=period,
        periods=periods,
        program_id=program_id,
        year=year,
        lpj_years=years,
    )
