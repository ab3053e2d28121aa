"""How grants answers the signals of the apps below it (connected in GrantsConfig.ready)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.rules import refuse
from grants.models import Grant, GrantStatus, Program, ProgramStatus
from groups.rules import Criteria
from groups.signals import regency_change_check, verification_criteria


@receiver(regency_change_check, dispatch_uid="grants.regency_change_check")
def group_with_grant_stays(*, group, regency_id, **kwargs):
    """A grant counts in its regency's quota and figures: its group cannot move."""
    if Grant.objects.filter(group=group).exclude(status=GrantStatus.CANCELLED).exists():
        return refuse(
            _(
                "A group with a grant stays in its regency: the grant counts in that "
                "regency's quota and figures."
            )
        )
    return None


@receiver(verification_criteria, dispatch_uid="grants.verification_criteria")
def newest_open_programme(**kwargs):
    """The member bounds of the newest open programme."""
    bounds = (
        Program.objects.filter(status=ProgramStatus.OPEN)
        .order_by("-fiscal_year", "-pk")
        .values_list("min_members", "max_members")
        .first()
    )
    return Criteria(*bounds) if bounds else None
