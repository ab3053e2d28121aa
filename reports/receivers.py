"""How reports answers the signals of the apps below it (connected in ReportsConfig.ready)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from core.rules import refuse
from grants.signals import grants_changed, later_tranche_check, program_changed
from groups.models import BusinessGroup
from reports.models import OwedReport
from reports.owed import refresh_owed_counts, refresh_owed_reports
from reports.selectors import missing_due_report
from reports.summaries import (
    refresh_all_summaries,
    refresh_owing_spans,
    refresh_regency_summary,
    refresh_reporting_summaries,
)


@receiver(grants_changed, dispatch_uid="reports.grants_changed")
def keep_summaries(*, program_id, regency_id, change, group_id=None, **kwargs):
    """The dashboard's summaries of the regency, inside the grants service's transaction.

    Every change moves money figures; a transfer also makes the group owe reports (it has
    written none for this grant yet); a completion or cancellation changes which groups owe
    and which of the grant's reports count, and so the group's owed reports."""
    refresh_regency_summary(program_id=program_id, regency_id=regency_id)
    if change == "transferred":
        refresh_owing_spans(regency_id=regency_id)
    elif change in ("completed", "cancelled"):
        refresh_reporting_summaries(program_id=program_id, regency_id=regency_id)
    if change in ("transferred", "completed", "cancelled") and group_id is not None:
        refresh_owed_reports(group_ids=[group_id])


@receiver(post_save, sender=BusinessGroup, dispatch_uid="reports.group_saved")
def copy_group_name_and_regency(*, instance, created, **kwargs):
    """The owed reports carry the group's name and regency for the overdue list's order and
    filter (one UPDATE of the group's rows; after a move to another regency, the counts of
    both regencies)."""
    if created:
        return
    stale = OwedReport.objects.filter(group_id=instance.pk).exclude(
        group_name=instance.name, regency_id=instance.regency_id
    )
    regencies = set(stale.values_list("regency_id", flat=True))  # one query, mostly empty
    if not regencies:
        return
    stale.update(group_name=instance.name, regency_id=instance.regency_id)
    if regencies != {instance.regency_id}:  # moved: the counts of both regencies follow
        refresh_owed_counts(regency_ids=[*regencies, instance.regency_id])


@receiver(program_changed, dispatch_uid="reports.program_changed")
def refile_under_fiscal_year(*, program, changed, **kwargs):
    """The dashboard files every figure under the programme's fiscal year."""
    if "fiscal_year" in changed:
        refresh_all_summaries()


@receiver(later_tranche_check, dispatch_uid="reports.later_tranche_check")
def latest_due_report_accepted(*, grant, **kwargs):
    """A tranche after the first waits for the group's latest due report to be accepted."""
    message = missing_due_report(grant)
    return refuse(message) if message else None
