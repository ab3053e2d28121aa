"""The dashboard's figures: per regency and for the viewer's whole scope.

Every figure is an aggregate computed by the database (Count/Sum/Min with filter=Q(...),
grouped with values("regency")), so the number of queries does not grow with the data:
one query per kind of figure, whatever the number of groups, grants, tranches or reports.
Totals are the sum of the regency rows, and the regency rows start from the viewer's
scope (Regency/… .visible_to(user)), so a total never includes data outside it.

Grant and tranche figures are read from reports.models.RegencySummary (kept current by
grants/services.py); `grant_figures_from_rows` recomputes the same figures from the raw
rows (used to refresh a summary and by the tests).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    Q,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from grants.models import Grant, GrantStatus, TrancheStatus
from groups.models import BusinessGroup, GroupStatus
from regions.models import Regency
from reports.models import BusinessCondition, ProgressReport, RegencySummary, ReportStatus
from reports.periods import Period

# Grants whose money has reached the group's account.
TRANSFERRED_STATUSES = (GrantStatus.TRANSFERRED, GrantStatus.ACTIVE, GrantStatus.COMPLETED)
# Grants that owe progress reports for the periods between transfer and completion.
REPORTING_STATUSES = TRANSFERRED_STATUSES
COMPLIANCE_PERIODS = 4  # periods shown in the compliance chart


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent with one decimal, rounded half up, from integers only."""
    if not whole:
        return None
    tenths = (part * 1000 * 2 + whole) // (whole * 2)
    return Decimal(tenths) / 10


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

    @property
    def single_regency(self) -> bool:
        return len(self.rows) == 1


# Filters ------------------------------------------------------------------------------


def _in_province(prefix: str = "") -> Q:
    """Rows of the installation's province only (PROVINCE_CODE): the regencies the
    dashboard shows, and nothing else in its totals, should the database hold more."""
    return Q(**{f"{prefix}regency__code__startswith": f"{settings.PROVINCE_CODE}."})


def _grant_filter(prefix: str, *, program_id, year) -> Q:
    q = Q()
    if program_id:
        q &= Q(**{f"{prefix}program_id": program_id})
    if year:
        q &= Q(**{f"{prefix}program__fiscal_year": year})
    return q


# Grant and tranche figures ------------------------------------------------------------------


def grant_figures_from_rows(*, grants, tranches) -> dict[tuple, GrantFigures]:
    """Grant/tranche figures per (program_id, regency_id), recomputed from raw rows.
    Two queries: the grants and the waiting tranches, each grouped in the database."""
    figures: dict[tuple, GrantFigures] = {}
    transferred = Q(status__in=TRANSFERRED_STATUSES)
    for row in (
        grants.exclude(status=GrantStatus.CANCELLED)
        .order_by()
        .values("program_id", regency_id=F("group__regency_id"))
        .annotate(
            grants_awarded=Count("id"),
            grants_transferred=Count("id", filter=transferred),
            amount_awarded=Sum("amount"),
            amount_transferred=Sum("amount", filter=transferred),
            amount_withdrawn=Sum("withdrawn_amount"),
        )
    ):
        key = (row.pop("program_id"), row.pop("regency_id"))
        figures[key] = GrantFigures(**{k: v or 0 for k, v in row.items()})
    for row in (
        tranches.filter(status=TrancheStatus.REQUESTED)
        .order_by()
        .values(program_id=F("grant__program_id"), regency_id=F("grant__group__regency_id"))
        .annotate(waiting=Count("id"), oldest=Min("requested_at"))
    ):
        item = figures.setdefault((row["program_id"], row["regency_id"]), GrantFigures())
        item.tranches_waiting = row["waiting"]
        item.oldest_waiting_at = row["oldest"]
    return figures


def _grant_figures(*, user, program_id, year) -> dict[str, GrantFigures]:
    """Per regency, from the summaries kept by the grants services (one query)."""
    summaries = RegencySummary.objects.visible_to(user).filter(_in_province())
    if program_id:
        summaries = summaries.filter(program_id=program_id)
    if year:
        summaries = summaries.filter(program_year=year)
    result = {}
    for row in (
        summaries.order_by()
        .values("regency_id")
        .annotate(
            s_grants_awarded=Sum("grants_awarded"),
            s_grants_transferred=Sum("grants_transferred"),
            s_amount_awarded=Sum("amount_awarded"),
            s_amount_transferred=Sum("amount_transferred"),
            s_amount_withdrawn=Sum("amount_withdrawn"),
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
            tranches_waiting=row["s_tranches_waiting"] or 0,
            oldest_waiting_at=row["s_oldest"],
        )
    return result


# Reporting ---------------------------------------------------------------------------


def _owes(period: Period, prefix: str = "") -> Q:
    """The grant owes the period's report: transferred by the period's end and not
    completed before it started (reports.periods.periods_owed, in SQL)."""
    return Q(
        **{
            f"{prefix}status__in": REPORTING_STATUSES,
            f"{prefix}transferred_on__lte": period.end,
        }
    ) & (
        Q(**{f"{prefix}completed_on__isnull": True})
        | Q(**{f"{prefix}completed_on__gte": period.start})
    )


def _period_key(period: Period) -> str:
    return f"p{period.year}_{period.term}"


def _owing_groups(*, user, periods, program_id, year) -> dict[str, dict[Period, int]]:
    """Groups owing each period's report, per regency (one query)."""
    grants = Grant.objects.visible_to(user).filter(
        _in_province("group__"), _grant_filter("", program_id=program_id, year=year)
    )
    counts = {_period_key(p): Count("group_id", distinct=True, filter=_owes(p)) for p in periods}
    result = {}
    for row in grants.order_by().values(regency_id=F("group__regency_id")).annotate(**counts):
        result[row["regency_id"]] = {p: row[_period_key(p)] for p in periods}
    return result


def _reports(*, user, periods, program_id, year):
    """Reports per regency, period and status, of the periods shown (one query). A report
    counts when its grant owes the period (as in _owing_groups)."""
    owed = Q()
    for p in periods:
        owed |= Q(year=p.year, term=p.term) & _owes(p, "grant__")
    return (
        ProgressReport.objects.visible_to(user)
        .filter(owed, _in_province("group__"))
        .filter(_grant_filter("grant__", program_id=program_id, year=year))
        .filter(status__in=(ReportStatus.ACCEPTED, ReportStatus.SUBMITTED))
        .order_by()
        .values("year", "term", "status", regency_id=F("group__regency_id"))
        .annotate(n=Count("id"))
    )


def _conditions(*, user, period, program_id, year):
    """Accepted reports of the period per regency and business condition (one query)."""
    return (
        ProgressReport.objects.visible_to(user)
        .filter(year=period.year, term=period.term, status=ReportStatus.ACCEPTED)
        .filter(_in_province("group__"))
        .filter(_grant_filter("grant__", program_id=program_id, year=year))
        .order_by()
        .values("condition", regency_id=F("group__regency_id"))
        .annotate(n=Count("id"))
    )


def _revenue_changes(*, user, period, program_id, year):
    """Accepted reports of `period` whose group has an accepted report for the period
    before, with the change in revenue. The earlier report is joined once (a correlated
    subquery was evaluated three times per row by the median's window functions)."""
    previous = period.previous()
    earlier = FilteredRelation(
        "group__progress_reports",
        condition=Q(
            group__progress_reports__year=previous.year,
            group__progress_reports__term=previous.term,
            group__progress_reports__status=ReportStatus.ACCEPTED,
        ),
    )
    return (
        ProgressReport.objects.visible_to(user)
        .filter(year=period.year, term=period.term, status=ReportStatus.ACCEPTED)
        .filter(_in_province("group__"))
        .filter(_grant_filter("grant__", program_id=program_id, year=year))
        .annotate(earlier=earlier)
        .filter(earlier__isnull=False)
        .annotate(delta=F("revenue") - F("earlier__revenue"))
        .order_by()
    )


def _middle_rows(changes, *, partition_by):
    """The one or two middle rows of each partition ordered by delta (one query; rows
    returned: at most two per partition, whatever the number of reports)."""
    window = {"partition_by": partition_by} if partition_by else {}
    return (
        changes.annotate(
            position=Window(RowNumber(), order_by=[F("delta").asc(), F("id").asc()], **window),
            size=Window(Count("id"), **window, output_field=IntegerField()),
        )
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
        .values("delta", "size", regency_id=F("group__regency_id"))
    )


def _median(values: list[int]) -> int | None:
    """Median of the one or two middle values, whole Rupiah rounded half away from zero."""
    if not values:
        return None
    total = sum(values)
    if len(values) == 1:
        return total
    return (abs(total) + 1) // 2 * (1 if total >= 0 else -1)


# The dashboard ------------------------------------------------------------------------


def dashboard(*, user, program_id=None, year=None, today=None) -> Dashboard:
    """Every figure of the dashboard for what the user may see. Queries: regencies,
    groups by status, grant/tranche summaries, owing groups per period, reports per
    period and status, conditions, revenue-change medians per regency and overall."""
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

    for item in (
        BusinessGroup.objects.visible_to(user)
        .filter(_in_province())
        .order_by()
        .values("regency_id", "status")
        .annotate(n=Count("id"))
    ):
        row = rows.get(item["regency_id"])
        if row is not None:
            row.groups[item["status"]] += item["n"]

    for code, figures in _grant_figures(user=user, program_id=program_id, year=year).items():
        if code in rows:
            rows[code].money = figures

    owing = _owing_groups(user=user, periods=periods, program_id=program_id, year=year)
    for code, row in rows.items():
        row.compliance = [PeriodCompliance(p, owing.get(code, {}).get(p, 0)) for p in periods]
    index = {p: i for i, p in enumerate(periods)}
    for item in _reports(user=user, periods=periods, program_id=program_id, year=year):
        row = rows.get(item["regency_id"])
        if row is None:
            continue
        compliance = row.compliance[index[Period(item["year"], item["term"])]]
        if item["status"] == ReportStatus.ACCEPTED:
            compliance.accepted += item["n"]
        else:
            compliance.submitted += item["n"]

    for item in _conditions(user=user, period=period, program_id=program_id, year=year):
        if item["regency_id"] in rows:
            rows[item["regency_id"]].conditions[item["condition"]] += item["n"]

    changes = _revenue_changes(user=user, period=period, program_id=program_id, year=year)
    middles: dict[str, list[int]] = {}
    for item in _middle_rows(changes, partition_by=[F("group__regency_id")]):
        middles.setdefault(item["regency_id"], []).append(item["delta"])
        if item["regency_id"] in rows:
            rows[item["regency_id"]].revenue_change_groups = item["size"]
    for code, values in middles.items():
        if code in rows:
            rows[code].revenue_change_median = _median(values)
    overall = list(_middle_rows(changes, partition_by=None))
    total.revenue_change_median = _median([item["delta"] for item in overall])
    total.revenue_change_groups = overall[0]["size"] if overall else 0

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
    )
