"""How grants answers the signals of the apps below it (connected in GrantsConfig.ready)."""

from urllib.parse import urlencode

from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.pages import PageLink
from core.rules import refuse
from grants import rules
from grants.models import Grant, GrantStatus, Program, ProgramQuota, ProgramStatus
from groups.rules import Criteria
from groups.signals import group_page, regency_change_check, verification_criteria


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
    """The group criteria of the newest open programme: its member bounds, households,
    highest DTSEN decile and the documents it wants uploaded."""
    program = (
        Program.objects.filter(status=ProgramStatus.OPEN)
        .order_by("-fiscal_year", "-pk")
        .only("min_members", "max_members", "min_households", "max_decile", "required_documents")
        .first()
    )
    if program is None:
        return None
    return Criteria(
        min_members=program.min_members,
        max_members=program.max_members,
        min_households=program.min_households,
        max_decile=program.max_decile,
        required_documents=tuple(program.required_documents or ()),
    )


@receiver(group_page, dispatch_uid="grants.group_page")
def award_buttons(*, group, user, **kwargs):
    """ "Award a grant" for each open programme that may award this group now; the
    programme's page opens with the group chosen."""
    quotas = ProgramQuota.objects.filter(
        program__status=ProgramStatus.OPEN, regency_id=group.regency_id
    ).select_related("program", "regency")
    links = []
    for quota in quotas:
        if rules.award(program=quota.program, quota=quota, group=group, user=user):
            query = urlencode({"regency": group.regency_id, "group": group.pk})
            links.append(
                PageLink(
                    _("Award a grant: %(program)s") % {"program": quota.program.name},
                    f"{quota.program.get_absolute_url()}?{query}#award-one",
                    style="success",
                )
            )
    return links
