"""Lines of "Menunggu Anda" that come from the group registry.

Each line asks the predicates of groups/rules.py: the role question the rule starts with
(`role_and_scope` on the rule's action), and, for the groups an officer has to complete,
the rules themselves on each group.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Action
from core.scoping import role_and_scope
from core.waiting import WaitingLine, waiting_provider
from groups import rules
from groups.models import BusinessGroup, GroupDocument, GroupStatus, Member


def _list_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('groups:group_list')}?{query}"


@waiting_provider
def groups_to_decide(user):
    """Proposed groups to verify (or reject), verified ones to declare eligible."""
    visible = BusinessGroup.objects.visible_to(user)
    lines = []
    if role_and_scope(user, Action.GROUP_VERIFY):  # the first question of rules.may_verify
        lines.append(
            WaitingLine(
                _("Groups to verify"),
                visible.filter(status=GroupStatus.PROPOSED).count(),
                _list_url(status=GroupStatus.PROPOSED),
            )
        )
    if role_and_scope(user, Action.GROUP_DECIDE):  # ... of rules.may_declare_eligible
        lines.append(
            WaitingLine(
                _("Verified groups to declare eligible"),
                visible.filter(status=GroupStatus.VERIFIED).count(),
                _list_url(status=GroupStatus.VERIFIED),
            )
        )
    return lines


@waiting_provider
def groups_to_complete(user):
    """Proposed groups of the officer's regency that they may edit and that cannot be
    verified yet as they stand (rules.verification_problems). Four queries: the programme's
    criteria, the proposed groups, their active members and their documents."""
    if not (user.has_regency_scope and role_and_scope(user, Action.GROUP_EDIT)):
        return []
    criteria = rules.verification_criteria()
    proposed = (
        BusinessGroup.objects.visible_to(user)
        .filter(status=GroupStatus.PROPOSED)
        .only("pk", "name", "regency_id", "status", "bank_name", "account_number", "account_holder")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Member.objects.filter(active=True).only(*rules.VERIFIED_MEMBER_FIELDS),
                to_attr="active_members",
            ),
            Prefetch(
                "documents",
                queryset=GroupDocument.objects.only("group_id", "kind"),
                to_attr="prefetched_documents",
            ),
        )
    )
    incomplete = sum(
        1
        for group in proposed
        if rules.may_edit(group, user) and rules.verification_problems(group, criteria)
    )
    return [
        WaitingLine(
            _("Proposed groups to complete (members or bank account)"),
            incomplete,
            _list_url(status=GroupStatus.PROPOSED),
        )
    ]
