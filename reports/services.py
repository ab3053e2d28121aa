"""Every write to progress reports: one function per state change.

draft → submitted → accepted, or submitted → returned (with a reason) → submitted.
Regency officers write and submit reports for groups of their regency; the head of the
regency office or province staff accept or return them.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from core.errors import DomainError, clean_or_refuse, required_reason
from core.rules import ensure
from letters.models import DocumentKind
from letters.services import issue_letter
from reports import rules
from reports.models import AccountabilityReport, LpjStatus, ProgressReport, ReportStatus
from reports.owed import refresh_owed_reports
from reports.periods import Period
from reports.summaries import (
    record_revenue_changes,
    refresh_lpj_summary,
    refresh_report_summary,
)

FIGURES = [
    "revenue",
    "costs",
    "profit",
    "capital_used",
    "asset_value",
    "cash_balance",
    "active_members",
    "jobs_created",
    "condition",
    "problems",
    "narrative",
]


def _locked(report) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("grant", "group")
        .get(pk=report.pk)
    )


def _refresh_summary(report) -> None:
    """The dashboard's counts of the report's programme, regency and period."""
    refresh_report_summary(
        program_id=report.grant.program_id,
        regency_id=report.group.regency_id,
        period=report.period,
    )


def _set_figures(report, data):
    for name in FIGURES:
        if name in data:
            setattr(report, name, data[name])


def report_create(*, grant, period: Period, data: dict, by) -> ProgressReport:
    """A draft report of the grant's group for one catur wulan (one per group and period)."""
    ensure(rules.report_create(grant=grant, period=period, user=by))
    report = ProgressReport(
        group_id=grant.group_id, grant=grant, year=period.year, term=period.term, created_by=by
    )
    _set_figures(report, data)
    clean_or_refuse(report)
    report._change_reason = "drafted"
    try:
        with transaction.atomic():
            report.save()
            refresh_owed_reports(group_ids=[report.group_id])
    except IntegrityError:
        raise DomainError(
            _("%(group)s already has a report for %(period)s.")
            % {"group": grant.group.name, "period": period}
        ) from None
    return report


@transaction.atomic
def report_update(*, report, data: dict, by) -> ProgressReport:
    """Change the figures of a draft or returned report."""
    locked = _locked(report)
    ensure(rules.report_edit(report=locked, user=by))
    _set_figures(locked, data)
    clean_or_refuse(locked)
    locked._change_reason = "edited"
    locked.save()
    return locked


@transaction.atomic
def report_submit(*, report, by) -> ProgressReport:
    """draft or returned → submitted."""
    locked = _locked(report)
    ensure(rules.report_submit(report=locked, user=by))
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_by = by
    locked.submitted_at = timezone.now()
    locked._change_reason = "submitted"
    locked.save()
    _refresh_summary(locked)
    refresh_owed_reports(group_ids=[locked.group_id])
    return locked


def _review(report, *, by, status, reason="", log):
    locked = _locked(report)
    ensure(rules.report_review(report=locked, user=by))
    locked.status = status
    locked.return_reason = reason
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked._change_reason = log
    locked.save()
    _refresh_summary(locked)
    return locked


@transaction.atomic
def report_accept(*, report, by) -> ProgressReport:
    """submitted → accepted."""
    accepted = _review(report, by=by, status=ReportStatus.ACCEPTED, log="accepted")
    audit.record(audit.Event.REPORT_ACCEPTED, obj=accepted, user=by)
    record_revenue_changes(accepted)
    return accepted


@transaction.atomic
def report_return(*, report, by, reason: str) -> ProgressReport:
    """submitted → returned, with the reason the officer must fix."""
    reason = required_reason(reason)
    returned = _review(report, by=by, status=ReportStatus.RETURNED, reason=reason, log="returned")
    audit.record(audit.Event.REPORT_RETURNED, obj=returned, user=by, detail=reason)
    refresh_owed_reports(group_ids=[returned.group_id])
    return returned


def report_warnings(report, *, registered_members: int) -> list[str]:
    """Implausible figures: shown to the writer and the reviewer, never blocking."""
    warnings = []
    if report.profit is not None and report.revenue is not None and report.profit > report.revenue:
        warnings.append(_("The profit is greater than the revenue."))
    if report.active_members is not None and report.active_members > registered_members:
        warnings.append(
            _("%(active)d active members, but the group has %(registered)d registered.")
            % {"active": report.active_members, "registered": registered_members}
        )
    return warnings


# The yearly accountability report (LPJ) -------------------------------------------------


def _locked_lpj(lpj) -> AccountabilityReport:
    return (
        AccountabilityReport.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=lpj.pk)
    )


def _refresh_lpj(lpj) -> None:
    refresh_lpj_summary(regency_id=lpj.group.regency_id, year=lpj.year)


def _statement(statement) -> str:
    statement = (statement or "").strip()
    if not statement:
        raise DomainError(_("Summarise how the group used the grant this year."))
    return statement


def lpj_submit(*, group, year: int, statement: str, by) -> AccountabilityReport:
    """The group's LPJ of `year`, filed under its first grant owing that year."""
    statement = _statement(statement)
    grants = list(rules.lpj_grants(group=group, year=year))
    ensure(rules.lpj_submit(group=group, year=year, user=by, grants=grants))
    lpj = AccountabilityReport(
        group=group,
        grant=grants[0],
        year=year,
        statement=statement,
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    lpj._change_reason = "submitted"
    lpj._history_user = by
    try:
        with transaction.atomic():
            lpj.save()
            _refresh_lpj(lpj)
    except IntegrityError:
        raise DomainError(
            _("The LPJ for %(year)d has already been submitted.") % {"year": year}
        ) from None
    return lpj


def _set_lpj(lpj, *, by, log, **fields):
    for name, value in fields.items():
        setattr(lpj, name, value)
    lpj._change_reason = log
    lpj._history_user = by
    lpj.save()
    _refresh_lpj(lpj)
    return lpj


@transaction.atomic
def lpj_resubmit(*, lpj, statement: str, by) -> AccountabilityReport:
    """returned → submitted, corrected."""
    statement = _statement(statement)
    lpj = _locked_lpj(lpj)
    ensure(rules.lpj_resubmit(lpj=lpj, user=by))
    return _set_lpj(
        lpj,
        by=by,
        log="resubmitted",
        statement=statement,
        status=LpjStatus.SUBMITTED,
        submitted_by=by,
        submitted_at=timezone.now(),
    )


@transaction.atomic
def lpj_receive(*, lpj, by) -> AccountabilityReport:
    """submitted → received: the receipt takes its number from the register, signed by the
    official who receives the LPJ."""
    lpj = _locked_lpj(lpj)
    ensure(rules.lpj_receive(lpj=lpj, user=by))
    group = lpj.group
    today = timezone.localdate()
    receipt = issue_letter(
        kind=DocumentKind.LPJ_RECEIPT,
        subject=f"Tanda terima LPJ {lpj.year} {group.name} ({group.registration_number})",
        by=by,
        signed_by=by,
        regency_id=group.regency_id,
        issued_on=today,
    )
    return _set_lpj(
        lpj,
        by=by,
        log="received",
        status=LpjStatus.RECEIVED,
        receipt=receipt,
        received_by=by,
        received_on=today,
        return_reason="",
    )


@transaction.atomic
def lpj_return(*, lpj, by, reason: str) -> AccountabilityReport:
    """submitted → returned, with what to correct."""
    reason = required_reason(reason)
    lpj = _locked_lpj(lpj)
    ensure(rules.lpj_return(lpj=lpj, user=by))
    return _set_lpj(lpj, by=by, log="returned", status=LpjStatus.RETURNED, return_reason=reason)
