"""The reports groups owe and have not handed in, kept as rows (reports.models.OwedReport).

The definition (`owed_reports_from_rows`): a group owes the report of every catur wulan
from the period in which its earliest transferred or active grant was transferred (a
completed or cancelled grant owes nothing more on the lists); a period whose report is
submitted or accepted is not owed any more, one that is a draft or returned still is.
Rows are kept up to the horizon (reports.models.OwedHorizon, the period of the day it was
last extended); the pages and reminders read the rows of the periods already due.

Who keeps them current, inside the transaction of the change:
- a grant's transfer, completion or cancellation refreshes its group's rows
  (reports.receivers, on grants_changed);
- a report's creation, submission or return refreshes its group's rows (reports.services);
- a change of a group's name or regency is copied onto its rows (reports.receivers);
- a new catur wulan: the first reader of the period (the overdue page, "Menunggu Anda",
  the reminders) adds one row per owing group for it, with one INSERT ... SELECT per
  period (`extend_owed_reports`).

Every refresh of a group runs under its regency's lock (as reports.summaries); extending
the horizon or rebuilding everything locks every regency first.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery, Sum, Value
from django.utils import timezone

from grants.models import Grant, GrantStatus
from groups.models import BusinessGroup
from regions.models import Regency
from reports.models import OwedCount, OwedHorizon, OwedReport, ProgressReport, ReportStatus
from reports.periods import Period

# Grants whose group owes reports now (a completed grant owes nothing more on the lists).
OWING_GRANT_STATUSES = (GrantStatus.TRANSFERRED, GrantStatus.ACTIVE)
# A report in one of these states is handed in: its period is not owed any more.
HANDED_IN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def last_due_index(today: datetime.date) -> int:
    """Period.index of the most recent period whose report is already due on `today`."""
    period = Period.of(today).previous()
    while period.due > today:
        period = period.previous()
    return period.index


# The definition ---------------------------------------------------------------------


def owing_grants():
    return Grant.objects.filter(status__in=OWING_GRANT_STATUSES, transferred_on__isnull=False)


def owed_reports_from_rows(*, through: int, group_ids=None) -> dict[tuple, tuple]:
    """{(group_id, period): (regency_id, group_name, grant_id, report_id)} for every
    period up to `through`, straight from the grants and reports (two queries); only the
    groups `group_ids` when given."""
    grants = owing_grants()
    if group_ids is not None:
        grants = grants.filter(group_id__in=group_ids)
    earliest = {}
    for grant_id, group_id, regency_id, name, transferred_on in grants.order_by(
        "transferred_on", "pk"
    ).values_list("pk", "group_id", "group__regency_id", "group__name", "transferred_on"):
        earliest.setdefault(group_id, (regency_id, name, grant_id, Period.of(transferred_on).index))
    reports = {
        (group_id, Period(year, term).index): (pk, status)
        for group_id, year, term, pk, status in ProgressReport.objects.filter(
            group_id__in=grants.values("group_id")
        )
        .order_by()
        .values_list("group_id", "year", "term", "pk", "status")
    }
    rows = {}
    for group_id, (regency_id, name, grant_id, first) in earliest.items():
        for period in range(first, through + 1):
            report_id, status = reports.get((group_id, period), (None, ""))
            if status not in HANDED_IN_STATUSES:
                rows[(group_id, period)] = (regency_id, name, grant_id, report_id)
    return rows


# Keeping the rows current -----------------------------------------------------------


def stored_horizon() -> int | None:
    return OwedHorizon.objects.values_list("period", flat=True).first()


@transaction.atomic
def refresh_owed_reports(*, group_ids) -> None:
    """Recompute the rows of these groups up to the horizon (four queries; the caller
    holds, or this takes, their regencies' locks)."""
    group_ids = list(group_ids)
    regencies = BusinessGroup.objects.filter(pk__in=group_ids).values("regency_id")
    list(
        Regency.objects.filter(pk__in=regencies)
        .select_for_update(no_key=True)
        .order_by("pk")
        .values_list("pk")
    )
    horizon = stored_horizon()
    if horizon is None:  # nothing kept yet: the first reader rebuilds every row
        horizon = Period.of(timezone.localdate()).index
    rows = owed_reports_from_rows(through=horizon, group_ids=group_ids)
    OwedReport.objects.filter(group_id__in=group_ids).delete()
    OwedReport.objects.bulk_create(_owed(rows))
    refresh_owed_counts(regency_ids=regencies.values_list("regency_id", flat=True))


def _owed(rows: dict) -> list[OwedReport]:
    return [
        OwedReport(
            group_id=group_id,
            period=period,
            regency_id=regency_id,
            group_name=name,
            grant_id=grant_id,
            report_id=report_id,
        )
        for (group_id, period), (regency_id, name, grant_id, report_id) in rows.items()
    ]


def _insert_period(period: Period) -> None:
    """One row for `period` per group owing it and not having handed its report in, in one
    INSERT ... SELECT (PostgreSQL and SQLite alike)."""
    earlier = (
        owing_grants()
        .filter(group_id=OuterRef("group_id"))
        .filter(
            Q(transferred_on__lt=OuterRef("transferred_on"))
            | Q(transferred_on=OuterRef("transferred_on"), pk__lt=OuterRef("pk"))
        )
    )
    handed_in = ProgressReport.objects.filter(
        group_id=OuterRef("group_id"),
        year=period.year,
        term=period.term,
        status__in=HANDED_IN_STATUSES,
    )
    report = ProgressReport.objects.filter(
        group_id=OuterRef("group_id"), year=period.year, term=period.term
    ).values("pk")[:1]
    select = (
        owing_grants()
        .filter(transferred_on__lte=period.end)
        .exclude(Exists(earlier))
        .exclude(Exists(handed_in))
        .order_by()
        .values_list(
            "group_id",
            "group__regency_id",
            "group__name",
            "pk",
            Value(period.index),
            Subquery(report),
        )
    )
    sql, params = select.query.sql_with_params()
    table = OwedReport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (group_id, regency_id, group_name, grant_id, period, report_id) "
            f"{sql} ON CONFLICT (group_id, period) DO NOTHING",
            params,
        )


def _lock_every_regency() -> None:
    list(Regency.objects.select_for_update(no_key=True).order_by("pk").values_list("pk"))


def _set_horizon(period: int) -> None:
    OwedHorizon.objects.update_or_create(pk=1, defaults={"period": period})


@transaction.atomic
def rebuild_owed_reports(*, today: datetime.date | None = None) -> int:
    """Every row from the raw rows, up to today's period; returns the number of rows."""
    _lock_every_regency()
    through = Period.of(today or timezone.localdate()).index
    OwedReport.objects.all().delete()
    first = owing_grants().order_by("transferred_on").values_list("transferred_on", flat=True)
    first = first.first()
    if first is not None:
        for index in range(Period.of(first).index, through + 1):
            _insert_period(Period.from_index(index))
    _set_horizon(through)
    refresh_owed_counts()
    return OwedReport.objects.count()


def extend_owed_reports(*, today: datetime.date) -> None:
    """Make sure rows exist up to today's period: one query when they do; when a new
    catur wulan started, its rows for every owing group (once, under every regency's
    lock; a second reader waits and then finds the work done)."""
    target = Period.of(today).index
    horizon = stored_horizon()
    if horizon is not None and horizon >= target:
        return
    with transaction.atomic():
        _lock_every_regency()
        horizon = stored_horizon()
        if horizon is None:
            rebuild_owed_reports(today=today)
            return
        for index in range(horizon + 1, target + 1):
            _insert_period(Period.from_index(index))
        if target > horizon:
            _set_horizon(target)
            refresh_owed_counts()


# Counts per regency and period (reports.models.OwedCount) -------------------------


def owed_counts_from_rows(regency_ids=None) -> dict[tuple, tuple[int, int]]:
    """{(regency_id, period): (owed reports, groups whose earliest owed report it is)}
    from the OwedReport rows (two queries)."""
    rows = OwedReport.objects.order_by()
    if regency_ids is not None:
        rows = rows.filter(regency_id__in=regency_ids)
    counts = {}
    for row in rows.values("regency_id", "period").annotate(n=Count("pk")):
        counts[(row["regency_id"], row["period"])] = (row["n"], 0)
    earliest = rows.values("group_id", "regency_id").annotate(first=Min("period"))
    for row in earliest:
        key = (row["regency_id"], row["first"])
        reports, groups = counts[key]
        counts[key] = (reports, groups + 1)
    return counts


def refresh_owed_counts(*, regency_ids=None) -> None:
    """Recompute the counts of these regencies (every regency when None) from their rows;
    the caller holds the regencies' locks."""
    regency_ids = None if regency_ids is None else list(regency_ids)
    counts = owed_counts_from_rows(regency_ids)
    kept = OwedCount.objects.all()
    if regency_ids is not None:
        kept = kept.filter(regency_id__in=regency_ids)
    kept.delete()
    OwedCount.objects.bulk_create(
        OwedCount(regency_id=regency_id, period=period, reports=reports, groups=groups)
        for (regency_id, period), (reports, groups) in counts.items()
    )


def owed_totals(*, user, today: datetime.date, regency=None, extend=True) -> dict[str, int]:
    """Reports due and not handed in, the groups that owe them and their regencies, for
    what the user may see: added up from the counts per regency and period (one query,
    whatever the number of groups)."""
    if extend:
        extend_owed_reports(today=today)
    counts = OwedCount.objects.visible_to(user).filter(period__lte=last_due_index(today))
    if regency is not None:
        counts = counts.filter(regency=regency)
    totals = counts.aggregate(
        row_count=Sum("reports", default=0),
        group_count=Sum("groups", default=0),
        regency_count=Count("regency", distinct=True),
    )
    return totals


# Reading ----------------------------------------------------------------------------


def owed_due(*, user, today: datetime.date, regency=None, extend=True):
    """Rows of the reports due by `today` and not handed in, for the groups the user may
    see (after making sure the rows reach today's period, unless the caller did)."""
    if extend:
        extend_owed_reports(today=today)
    rows = OwedReport.objects.visible_to(user).filter(period__lte=last_due_index(today))
    if regency is not None:
        rows = rows.filter(regency=regency)
    return rows
