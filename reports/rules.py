"""Every precondition of a progress report change, as a predicate answering
`core.rules.Answer`: the services ask them with the locked report and raise the refusal;
the report pages, the group's report columns and "Menunggu Anda" ask the same ones.

draft → submitted → accepted, or submitted → returned (with a reason) → submitted.
Regency officers write and submit the reports of their regency's groups; the head of the
regency office or province staff accept or return them.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from core.rules import ALLOWED, Answer, first_refusal, refuse
from core.scoping import role_and_scope
from grants.models import TRANSFERRED_STATUSES, Grant
from letters.rules import signatory
from reports.models import AccountabilityReport, LpjStatus, ProgressReport, ReportStatus
from reports.periods import LpjYear, Period

# Reports a regency officer may still change and submit.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def report_write(*, grant, user) -> Answer:
    """Whether the user may write reports for the grant's group: the grant's money has
    reached the group (the periods owed start with the transfer)."""
    return first_refusal(
        role_and_scope(user, Action.REPORT_WRITE, regency_id=grant.group.regency_id),
        ALLOWED
        if grant.status in TRANSFERRED_STATUSES and grant.transferred_on is not None
        else refuse(_("Reports are written for grants that have been transferred.")),
    )


def report_period(*, grant, period: Period, today: datetime.date | None = None) -> Answer:
    """Whether the grant's group may report on `period`: not before the transfer's period,
    not a period that has not started."""
    today = today or timezone.localdate()
    if period < Period.of(grant.transferred_on):
        return refuse(_("The grant was transferred after %(period)s.") % {"period": period})
    if period.start > today:
        return refuse(_("%(period)s has not started yet.") % {"period": period})
    return ALLOWED


def report_create(*, grant, period: Period, user) -> Answer:
    """A new draft of the grant's group for `period`."""
    return first_refusal(
        lambda: report_write(grant=grant, user=user),
        lambda: report_period(grant=grant, period=period),
    )


def report_edit(*, report, user) -> Answer:
    """Change the figures of a draft or a returned report."""
    return first_refusal(
        role_and_scope(user, Action.REPORT_WRITE, regency_id=report.group.regency_id),
        ALLOWED
        if report.status in EDITABLE_STATUSES
        else refuse(_("A submitted or accepted report cannot be changed.")),
    )


def report_submit(*, report, user) -> Answer:
    """draft or returned → submitted."""
    return first_refusal(
        role_and_scope(user, Action.REPORT_WRITE, regency_id=report.group.regency_id),
        ALLOWED
        if report.status in EDITABLE_STATUSES
        else refuse(_("This report has already been submitted.")),
    )


def report_review(*, report, user) -> Answer:
    """submitted → accepted or returned."""
    return first_refusal(
        role_and_scope(user, Action.REPORT_REVIEW, regency_id=report.group.regency_id),
        ALLOWED
        if report.status == ReportStatus.SUBMITTED
        else refuse(_("Only a submitted report can be reviewed.")),
    )


def reports_to_review(user):
    """The reports `report_review` allows the user, as a queryset."""
    if not role_and_scope(user, Action.REPORT_REVIEW):
        return ProgressReport.objects.none()
    return ProgressReport.objects.visible_to(user).filter(status=ReportStatus.SUBMITTED)


# The yearly accountability report (LPJ) -------------------------------------------------

# LPJs are written from this day of their year on (earlier once the grants are completed).
LPJ_OPENS = (12, 1)


def lpj_grants(*, group, year: int):
    """The group's grants that owe the LPJ of `year`: their aid reached the group by the end
    of the year and they were not completed before it began; first transferred first."""
    period = LpjYear(year)
    return (
        Grant.objects.filter(
            group=group, status__in=TRANSFERRED_STATUSES, transferred_on__lte=period.end
        )
        .exclude(completed_on__lt=period.start)
        .select_related("program")
        .order_by("transferred_on", "pk")
    )


def lpj_open(*, group, year: int, grants=None, today=None) -> Answer:
    """Whether the group's LPJ of `year` can be written now: the group owes it, and the
    year is ending (from 1 December) or its grants of that year are completed."""
    today = today or timezone.localdate()
    grants = list(lpj_grants(group=group, year=year)) if grants is None else grants
    if not grants:
        return refuse(_("The group owes no LPJ for %(year)d.") % {"year": year})
    opens = datetime.date(year, *LPJ_OPENS)
    if today < opens and not all(g.completed_on for g in grants):
        return refuse(
            _(
                "The LPJ for %(year)d can be submitted from %(date)s (or once its grants "
                "are completed)."
            )
            % {"year": year, "date": formats.date_format(opens)}
        )
    return ALLOWED


def lpj_submit(*, group, year: int, user, grants=None) -> Answer:
    """The regency officer submits the group's LPJ of `year` (one per group and year)."""
    return first_refusal(
        role_and_scope(user, Action.LPJ_SUBMIT, regency_id=group.regency_id),
        lambda: lpj_open(group=group, year=year, grants=grants),
        lambda: (
            refuse(_("The LPJ for %(year)d has already been submitted.") % {"year": year})
            if AccountabilityReport.objects.filter(group=group, year=year).exists()
            else ALLOWED
        ),
    )


def lpj_resubmit(*, lpj, user) -> Answer:
    """returned → submitted, corrected."""
    return first_refusal(
        role_and_scope(user, Action.LPJ_SUBMIT, regency_id=lpj.group.regency_id),
        ALLOWED
        if lpj.status == LpjStatus.RETURNED
        else refuse(_("Only a returned LPJ is submitted again.")),
    )


def _lpj_decision(lpj, user) -> Answer:
    return first_refusal(
        role_and_scope(user, Action.LPJ_RECEIVE, regency_id=lpj.group.regency_id),
        ALLOWED
        if lpj.status == LpjStatus.SUBMITTED
        else refuse(_("Only a submitted LPJ can be received or returned.")),
    )


def lpj_receive(*, lpj, user) -> Answer:
    """submitted → received, with a receipt numbered from the register and signed by the
    official who receives it (position and NIP)."""
    return first_refusal(lambda: _lpj_decision(lpj, user), lambda: signatory(user))


def lpj_return(*, lpj, user) -> Answer:
    """submitted → returned, with what to correct."""
    return _lpj_decision(lpj, user)


def lpjs_to_receive(user):
    if not role_and_scope(user, Action.LPJ_RECEIVE):
        return AccountabilityReport.objects.none()
    return AccountabilityReport.objects.visible_to(user).filter(status=LpjStatus.SUBMITTED)
