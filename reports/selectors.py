"""Reads about which reports are owed, missing or late, and for the report pages."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import F, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import HistoryEntry, history_entries, history_fields, newest_first
from core.indonesia import format_rupiah
from grants.models import TRANSFERRED_STATUSES
from groups.models import BusinessGroup
from reports.badges import report_badge
from reports.models import (
    AccountabilityReport,
    LpjOwingSpan,
    LpjStatus,
    LpjSummary,
    ProgressReport,
    ReportStatus,
)
from reports.owed import owed_due, owed_totals
from reports.periods import LpjYear, Period, lpj_years_owed, periods_owed


def latest_due_period(grant, *, today=None):
    owed = periods_owed(
        transferred_on=grant.transferred_on,
        completed_on=grant.completed_on,
        today=today or timezone.localdate(),
    )
    return owed[-1] if owed else None


def missing_due_report(grant) -> str | None:
    """The tranche gate: a message naming the latest due period whose report is missing or
    not yet accepted, or None when the group is up to date."""
    period = latest_due_period(grant)
    if period is None:
        return None
    report = ProgressReport.objects.filter(
        group_id=grant.group_id, year=period.year, term=period.term
    ).first()
    if report is None:
        return _("The progress report for %(period)s has not been submitted.") % {"period": period}
    if report.status != ReportStatus.ACCEPTED:
        return _("The progress report for %(period)s has not been accepted yet (%(status)s).") % {
            "period": period,
            "status": report.get_status_display(),
        }
    return None


# Pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    """One due report of one group that is missing, still a draft, or returned."""

    grant_id: int
    group_id: int
    group_name: str
    registration_number: str
    regency_code: str
    regency_name: str
    program_name: str
    period: Period
    due: datetime.date
    days_late: int
    report_id: int | None = None
    report_status: str = ""  # "" when there is no report yet
    return_reason: str = ""

    @property
    def status_label(self) -> str:
        if not self.report_status:
            return str(MISSING_LABEL)
        return str(ReportStatus(self.report_status).label)

    @property
    def badge_status(self) -> str:
        return self.report_status or "missing"

    @property
    def write_url(self) -> str:
        """Where the officer does the work: a new report, or the existing one to fix."""
        if self.report_id is None:
            return report_create_url(grant_id=self.grant_id, period=self.period)
        return reverse("reports:report_update", args=[self.report_id])

    @property
    def group_url(self) -> str:
        return reverse("reports:group_reports", args=[self.group_id])


MISSING_LABEL = gettext_lazy("Not written")


def report_create_url(*, grant_id: int, period: Period) -> str:
    query = urlencode({"grant": grant_id, "year": period.year, "term": period.term})
    return f"{reverse('reports:report_create')}?{query}"


# What an overdue row shows, read with the kept row in one query (reports.owed).
OVERDUE_FIELDS = ("grant_id", "group_id", "group_name", "regency_id", "period", "report_id")
OVERDUE_JOINED = {
    "registration_number": F("group__registration_number"),
    "regency_name": F("regency__name"),
    "program_name": F("grant__program__name"),
    "report_status": F("report__status"),
    "return_reason": F("report__return_reason"),
}
# Orders of the overdue list, each backed by an index of reports.models.OwedReport.
BY_REGENCY = ("regency_id", "group_name", "group_id", "period")
BY_GROUP = ("group_name", "group_id", "period")
BY_PERIOD = ("period", "regency_id", "group_name", "group_id")


def overdue_queryset(*, user, today, regency=None):
    """The kept rows of the due reports that are missing, drafts or returned, for the
    groups the user may see, by regency, group and period (use `overdue_row` on each)."""
    return shown(owed_due(user=user, today=today, regency=regency))


def shown(owed):
    """What the overdue list shows of the kept rows `owed` (reports.owed.owed_due)."""
    return owed.order_by(*BY_REGENCY).values(*OVERDUE_FIELDS, **OVERDUE_JOINED)


def overdue_row(values: dict, *, today) -> OverdueRow:
    period = Period.from_index(values["period"])
    return OverdueRow(
        grant_id=values["grant_id"],
        group_id=values["group_id"],
        group_name=values["group_name"],
        registration_number=values["registration_number"],
        regency_code=values["regency_id"],
        regency_name=values["regency_name"],
        program_name=values["program_name"],
        period=period,
        due=period.due,
        days_late=(today - period.due).days,
        report_id=values["report_id"],
        report_status=values["report_status"] or "",
        return_reason=values["return_reason"] or "",
    )


def overdue_rows(*, user, today, regency=None) -> list[OverdueRow]:
    """Every due report (each period owed by a transferred or active grant) that is missing,
    a draft or returned, for the groups the user may see; sorted by regency, group, period.

    One query (after the check that the kept rows reach today's period): the rows are
    kept by reports.owed, so no period is computed per grant. A group owes one report per
    period even when two of its grants owe it.
    """
    return [
        overdue_row(values, today=today)
        for values in overdue_queryset(user=user, today=today, regency=regency)
    ]


def overdue_counts(*, user, today, regency=None) -> dict[str, int]:
    """Reports, groups and regencies of the overdue list (reports.owed.owed_totals; the
    rows were extended to today by reports.owed.owed_due first)."""
    return owed_totals(user=user, today=today, regency=regency, extend=False)


def report_list(*, user):
    """Every progress report the user may see, with what its export shows."""
    return ProgressReport.objects.visible_to(user).select_related("group__regency", "submitted_by")


def review_queue(*, user):
    """Submitted reports the user may see, oldest submission first."""
    return (
        ProgressReport.objects.visible_to(user)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("group__regency", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def report_for_detail():
    return ProgressReport.objects.select_related(
        "group__regency", "grant__program", "created_by", "submitted_by", "reviewed_by"
    )


def registered_members(*, group) -> int:
    return group.members.filter(active=True).count()


# Change reasons are stored as ASCII keys by the services and shown translated.
CHANGE_REASONS = {
    "drafted": gettext_lazy("Draft written"),
    "edited": gettext_lazy("Edited"),
    "submitted": gettext_lazy("Submitted"),
    "returned": gettext_lazy("Returned"),
    "accepted": gettext_lazy("Accepted"),
}
MONEY_FIELDS = ("revenue", "costs", "profit", "capital_used", "asset_value", "cash_balance")


def report_history(*, report, limit=50) -> list[HistoryEntry]:
    """Every change to the report, newest first (one query)."""
    fields = history_fields(
        ProgressReport,
        exclude={
            "id",
            "group",
            "grant",
            "year",
            "term",
            "created_at",
            "updated_at",
            "created_by",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        },
    )
    records = ProgressReport.history.filter(id=report.pk).select_related("history_user")
    formats = dict.fromkeys(MONEY_FIELDS, _rupiah_or_blank)
    return newest_first(
        history_entries(
            records,
            subject=lambda r: str(Period(r.year, r.term)),
            fields=fields,
            reasons=CHANGE_REASONS,
            formats=formats,
        ),
        limit=limit,
    )


def _rupiah_or_blank(value):
    return "" if value is None else format_rupiah(value)


# The group's reports side by side ------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The change from the previous period: absolute, and in per cent of the previous
    value's size (None when the previous value is 0)."""

    delta: int
    percent: float | None


@dataclass(frozen=True)
class Cell:
    value: object = None
    change: Change | None = None


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    kind: str  # money, number or text
    cells: list[Cell]


@dataclass
class Column:
    period: Period
    report: ProgressReport | None
    owed: bool  # due by today for one of the group's grants
    owing_grant_id: int | None = None

    @property
    def missing(self) -> bool:
        return self.owed and self.report is None

    @property
    def create_url(self) -> str | None:
        if self.report is not None or self.owing_grant_id is None:
            return None
        return report_create_url(grant_id=self.owing_grant_id, period=self.period)


@dataclass(frozen=True)
class GroupReports:
    columns: list[Column]
    rows: list[Row]
    grants: list

    @property
    def missing(self) -> list[Column]:
        return [c for c in self.columns if c.missing]


COMPARED = ("revenue", "profit", "active_members")
SHOWN_FIGURES = (  # (field, kind, short label for a narrow column)
    ("revenue", "money", gettext_lazy("Revenue")),
    ("costs", "money", gettext_lazy("Costs")),
    ("profit", "money", gettext_lazy("Profit")),
    ("capital_used", "money", gettext_lazy("Capital used")),
    ("asset_value", "money", gettext_lazy("Asset value")),
    ("cash_balance", "money", gettext_lazy("Cash balance")),
    ("active_members", "number", gettext_lazy("Active members")),
    ("jobs_created", "number", gettext_lazy("Jobs created")),
    ("condition", "text", gettext_lazy("Condition")),
)


def change(current, previous) -> Change | None:
    if current is None or previous is None:
        return None
    delta = current - previous
    percent = round(delta * 100 / abs(previous), 1) if previous else None
    return Change(delta, percent)


def group_reports(*, group, today) -> GroupReports:
    """The group's reports side by side, one column per period (oldest first): every
    period owed by its grants up to today and every period it has a report for; the rows
    are the figures, with the change from the previous period in revenue, profit and
    active members. Two queries: the group's grants and its reports."""
    grants = list(
        group.grants.filter(status__in=TRANSFERRED_STATUSES)
        .select_related("program")
        .order_by("transferred_on", "pk")
    )
    reports = {r.period: r for r in ProgressReport.objects.filter(group=group)}
    owing = {}
    for grant in grants:
        for period in periods_owed(
            transferred_on=grant.transferred_on, completed_on=grant.completed_on, today=today
        ):
            owing.setdefault(period, grant.pk)
    columns = [
        Column(period, reports.get(period), period in owing, owing.get(period))
        for period in sorted(set(owing) | set(reports))
    ]
    rows = []
    for name, kind, label in SHOWN_FIGURES:
        cells = []
        for column in columns:
            report = column.report
            if report is None:
                cells.append(Cell())
                continue
            value = report.get_condition_display() if name == "condition" else getattr(report, name)
            previous = reports.get(column.period.previous())
            compared = (
                change(value, getattr(previous, name)) if previous and name in COMPARED else None
            )
            cells.append(Cell(value, compared))
        rows.append(Row(name, str(label), kind, cells))
    return GroupReports(columns=columns, rows=rows, grants=grants)


# The yearly accountability report (LPJ) -------------------------------------------------

# Grants whose group owes LPJs: a completed grant still owes the LPJ of its last year.
LPJ_GRANT_STATUSES = TRANSFERRED_STATUSES


@dataclass(frozen=True)
class LpjRow:
    """One group's LPJ of one year that is due and neither submitted nor received."""

    group_id: int
    group_name: str
    registration_number: str
    regency_code: str
    regency_name: str
    year: LpjYear
    due: datetime.date
    days_late: int  # negative: days left
    lpj_id: int | None = None
    status: str = ""  # "" when not submitted yet, else "returned"
    return_reason: str = ""

    @property
    def status_label(self) -> str:
        return str(MISSING_LPJ_LABEL) if not self.status else str(LpjStatus(self.status).label)

    @property
    def url(self) -> str:
        return reverse("reports:lpj_group", args=[self.group_id, self.year.year])

    @property
    def badge(self) -> str:
        return report_badge(self.status or "missing", self.status_label)


MISSING_LPJ_LABEL = gettext_lazy("Not submitted")


class OwedLpjs:
    """The LPJs due by the day `due_by` that are neither submitted nor received, for the
    groups the user may see (every group when `user` is None: the reminders), of one regency
    when given, by regency, group and year; days late counted to `today`.

    No year is worked out per grant in Python: the count adds up the kept LPJ summaries
    (groups owing per year, LpjOwingSpan, less the LPJs submitted or received,
    LpjSummary: the dashboard's "missing"); the rows are read a page at a time (slicing)
    or streamed (iterating) by one SQL query that joins each group to the due years its
    grants cover and leaves out the years with an LPJ that is not returned. A Paginator
    takes it as its object list."""

    def __init__(self, *, user, today, due_by, regency=None):
        self.user, self.today, self.regency = user, today, regency
        self._spans = self._scope(LpjOwingSpan.objects).order_by()
        first = self._spans.aggregate(first=Min("first_year"))["first"]
        # the years due by then, from the first a group owes (as for a grant of that year)
        self.years = (
            []
            if first is None
            else lpj_years_owed(transferred_on=datetime.date(first, 1, 1), today=due_by)
        )

    def _scope(self, manager):
        """The rows the user may see (all for the reminders), of the regency if one is given."""
        rows = manager.all() if self.user is None else manager.visible_to(self.user)
        return rows if self.regency is None else rows.filter(regency=self.regency)

    def count(self) -> int:
        if not self.years:
            return 0
        numbers = [y.year for y in self.years]
        owing = sum(
            (total or 0)
            for total in self._spans.aggregate(
                **{
                    f"y{year}": Sum(
                        "groups",
                        filter=Q(first_year__lte=year)
                        & (Q(last_year__isnull=True) | Q(last_year__gte=year)),
                    )
                    for year in numbers
                }
            ).values()
        )
        done = self._scope(LpjSummary.objects).filter(year__in=numbers)
        totals = done.aggregate(submitted=Sum("submitted"), received=Sum("received"))
        return owing - (totals["submitted"] or 0) - (totals["received"] or 0)

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("OwedLpjs takes a slice")
        start = key.start or 0
        if key.stop is None:
            return list(self._rows(offset=start))
        return list(self._rows(offset=start, limit=max(key.stop - start, 0)))

    def __iter__(self):
        return self._rows()

    def _rows(self, *, offset=0, limit=None):
        if not self.years or limit == 0:
            return
        groups = self._scope(BusinessGroup.objects)
        if groups.query.is_empty():
            return
        # The groups the user may see, as visible_to says, on the group table itself (no
        # join: the scope is the group's regency), so that PostgreSQL walks the groups in
        # list order and stops after the page.
        scope, scope_params = "1 = 1", []
        if groups.query.where:
            compiler = groups.query.get_compiler(connection.alias)
            scope, scope_params = compiler.compile(groups.query.where)
        years = " UNION ALL ".join(
            "SELECT %s AS year, %s AS first_day, %s AS last_day" for _ in self.years
        )
        years_params = [value for y in self.years for value in (y.year, y.start, y.end)]
        statuses = ", ".join("%s" for _ in LPJ_GRANT_STATUSES)
        grant_covers_year = f"""EXISTS (
                SELECT 1 FROM grants_grant g
                WHERE g.group_id = groups_businessgroup.id AND g.status IN ({statuses})
                  AND g.transferred_on IS NOT NULL AND g.transferred_on <= y.last_day
                  AND (g.completed_on IS NULL OR g.completed_on >= y.first_day))"""
        lpj_of_year = "a.group_id = groups_businessgroup.id AND a.year = y.year"
        not_handed_in = "(a.id IS NULL OR a.status = %s)"
        if connection.vendor == "postgresql":
            # A LATERAL join per group, in the order of the (regency, name) index: the
            # first page reads about as many groups as it shows.
            owed = f"""CROSS JOIN LATERAL (
                SELECT y.year, a.id AS lpj_id, a.status, a.return_reason
                FROM ({years}) y LEFT JOIN reports_accountabilityreport a ON {lpj_of_year}
                WHERE {grant_covers_year} AND {not_handed_in}) o"""
            owed_where, year, columns = "1 = 1", "o.year", "o.lpj_id, o.status, o.return_reason"
        else:  # SQLite has no LATERAL: the same rows from a join on the years
            owed = f"""CROSS JOIN ({years}) y
                LEFT JOIN reports_accountabilityreport a ON {lpj_of_year}"""
            owed_where = f"{grant_covers_year} AND {not_handed_in}"
            year, columns = "y.year", "a.id, a.status, a.return_reason"
        sql = f"""
            SELECT groups_businessgroup.id, groups_businessgroup.name,
                   groups_businessgroup.registration_number, groups_businessgroup.regency_id,
                   r.name, {year}, {columns}
            FROM groups_businessgroup
            {owed}
            JOIN regions_regency r ON r.code = groups_businessgroup.regency_id
            WHERE {owed_where} AND {scope}
            ORDER BY groups_businessgroup.regency_id, groups_businessgroup.name,
                     groups_businessgroup.id, {year}
        """
        params = [
            *years_params,
            *LPJ_GRANT_STATUSES,
            LpjStatus.RETURNED,
            *scope_params,
        ]
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        elif offset:
            sql += " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
            params.append(offset)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(2000):
                for group_id, name, number, code, regency, year, pk, status, reason in chunk:
                    lpj_year = LpjYear(year)
                    yield LpjRow(
                        group_id=group_id,
                        group_name=name,
                        registration_number=number,
                        regency_code=code,
                        regency_name=regency,
                        year=lpj_year,
                        due=lpj_year.due,
                        days_late=(self.today - lpj_year.due).days,
                        lpj_id=pk,
                        status=status or "",
                        return_reason=reason or "",
                    )


def lpj_rows(*, user, today, regency=None, within_days: int = 0) -> OwedLpjs:
    """LPJs due by today (or within `within_days` days) that are neither submitted nor
    received, for the groups the user may see; by regency, group, year."""
    due_by = today + datetime.timedelta(days=within_days)
    return OwedLpjs(user=user, today=today, due_by=due_by, regency=regency)


def overdue_lpj_rows(*, user, today, regency=None) -> OwedLpjs:
    """LPJs past their due date (10 January) not submitted, or returned."""
    due_by = today - datetime.timedelta(days=1)
    return OwedLpjs(user=user, today=today, due_by=due_by, regency=regency)


def lpj_list(*, user):
    return AccountabilityReport.objects.visible_to(user).select_related(
        "group__regency", "receipt", "submitted_by", "received_by"
    )


LPJ_REASONS = {
    "submitted": gettext_lazy("Submitted"),
    "resubmitted": gettext_lazy("Submitted again"),
    "received": gettext_lazy("Received"),
    "returned": gettext_lazy("Returned"),
}


def lpj_history(*, lpj, limit=50) -> list[HistoryEntry]:
    fields = history_fields(
        AccountabilityReport,
        exclude={
            "id",
            "group",
            "grant",
            "year",
            "created_at",
            "updated_at",
            "receipt",
            "submitted_by",
            "submitted_at",
            "received_by",
        },
    )
    records = AccountabilityReport.history.filter(id=lpj.pk).select_related("history_user")
    return newest_first(
        history_entries(
            records, subject=lambda r: f"LPJ {r.year}", fields=fields, reasons=LPJ_REASONS
        ),
        limit=limit,
    )


@dataclass(frozen=True)
class GroupLpj:
    year: LpjYear
    lpj: AccountabilityReport | None

    @property
    def url(self) -> str:
        return reverse("reports:lpj_group", args=[self.lpj_group_id, self.year.year])

    lpj_group_id: int = 0


def group_lpjs(*, group, grants, today=None) -> list[GroupLpj]:
    """The years the group owes (or will owe) an LPJ for, newest first, with its LPJ."""
    today = today or timezone.localdate()
    years = set()
    for grant in grants:
        if grant.transferred_on:
            last = min(grant.completed_on or today, today).year
            years.update(range(grant.transferred_on.year, last + 1))
    lpjs = {lpj.year: lpj for lpj in AccountabilityReport.objects.filter(group=group)}
    return [
        GroupLpj(LpjYear(year), lpjs.get(year), lpj_group_id=group.pk)
        for year in sorted(years | set(lpjs), reverse=True)
    ]
