"""Rules about groups and members that are not database constraints: verification
criteria and the NIK warnings shown beside a member."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.indonesia import check_nik
from groups import signals
from groups.models import MemberRole


@dataclass(frozen=True)
class Criteria:
    """What a group needs to be verified. Permensos 2/2019: a KUBE has 5 to 20 members;
    the newest open programme may set its own bounds (grants answers the question)."""

    min_members: int = 5
    max_members: int = 20


def verification_criteria() -> Criteria:
    """The criteria the apps above answer with (the newest open programme's), else the KUBE
    defaults."""
    for _receiver, criteria in signals.verification_criteria.send(sender=None):
        if criteria is not None:
            return criteria
    return Criteria()


def _normalized(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.lower()).strip()


def verification_problems(group, criteria: Criteria | None = None):
    """What keeps a group from being verified, as Indonesian sentences (empty: none)."""
    criteria = criteria or verification_criteria()
    members = list(group.members.filter(active=True).only("role"))
    problems = []
    if not criteria.min_members <= len(members) <= criteria.max_members:
        problems.append(
            _("The group has %(count)d active members; it needs %(min)d to %(max)d.")
            % {"count": len(members), "min": criteria.min_members, "max": criteria.max_members}
        )
    chairs = sum(1 for m in members if m.role == MemberRole.CHAIR)
    if chairs != 1:
        problems.append(_("The group needs exactly one chair (ketua)."))
    if not (group.bank_name and group.account_number and group.account_holder):
        problems.append(_("The bank, account number and account holder must be filled in."))
    elif _normalized(group.name) not in _normalized(group.account_holder):
        problems.append(
            _("The bank account is not in the group's name (holder: %(holder)s).")
            % {"holder": group.account_holder}
        )
    return problems


def nik_warnings(member, *, regency_code: str) -> list[str]:
    """Differences between what the NIK encodes and the member's data: shown, never blocking.

    A NIK keeps the region where it was first issued, so another regency is only a warning.
    """
    check = check_nik(member.nik)
    if not check.valid:
        return check.errors
    warnings = []
    if check.regency_code != regency_code:
        warnings.append(
            _("The NIK was issued in region %(code)s, not in the group's regency %(group)s.")
            % {"code": check.regency_code, "group": regency_code}
        )
    if member.birth_date and check.birth_date != member.birth_date:
        warnings.append(
            _("The birth date differs from the one in the NIK (%(date)s).")
            % {"date": check.birth_date.strftime("%d-%m-%Y")}
        )
    if member.sex and check.sex != member.sex:
        warnings.append(_("The sex differs from the one the NIK encodes."))
    return warnings
