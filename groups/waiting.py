"""Lines of "Menunggu Anda" that come from the group registry."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from core.waiting import WaitingLine, waiting_provider
from groups.models import BusinessGroup, GroupStatus
from groups.rules import verification_criteria
from groups.selectors import active_member_count


def _list_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('groups:group_list')}?{query}"


@waiting_provider
def groups_to_decide(user):
    if not can(user, Action.GROUP_VERIFY):
        return []
    visible = BusinessGroup.objects.visible_to(user)
    return [
        WaitingLine(
            _("Groups to verify"),
            visible.filter(status=GroupStatus.PROPOSED).count(),
            _list_url(status=GroupStatus.PROPOSED),
        ),
        WaitingLine(
            _("Verified groups to declare eligible"),
            visible.filter(status=GroupStatus.VERIFIED).count(),
            _list_url(status=GroupStatus.VERIFIED),
        ),
    ]


@waiting_provider
def groups_to_complete(user):
    """Proposed groups of the officer's regency that cannot be verified yet as they stand."""
    if not (user.is_regency_officer and can(user, Action.GROUP_EDIT)):
        return []
    incomplete = (
        BusinessGroup.objects.visible_to(user)
        .filter(status=GroupStatus.PROPOSED)
        .annotate(member_count=active_member_count())
        .filter(
            Q(member_count__lt=verification_criteria().min_members)
            | Q(account_number="")
            | Q(bank_name="")
        )
    )
    return [
        WaitingLine(
            _("Proposed groups to complete (members or bank account)"),
            incomplete.count(),
            _list_url(status=GroupStatus.PROPOSED),
        )
    ]
