"""Every precondition of a progress report change, as a predicate answering
`core.rules.Answer`: the services ask them with the locked report and raise the refusal;
the report pages, the group's report columns and "Menunggu Anda" ask the same ones.

draft → submitted → accepted, or submitted → returned (with a reason) → submitted.
Regency officers write and submit the reports of their regency's groups; the head of the
regency office or province staff accept or return them.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from core.rules import ALLOWED, Answer, first_refusal, refuse
from core.scoping import role_and_scope
from grants.models import TRANSFERRED_STATUSES
from reports.models import ProgressReport, ReportStatus
from reports.periods import Period

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
