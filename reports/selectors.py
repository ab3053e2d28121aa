"""Reads about which reports are owed, missing or late."""

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ProgressReport, ReportStatus
from reports.periods import periods_owed


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
