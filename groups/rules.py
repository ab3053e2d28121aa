"""Rules about groups and members that are not database constraints: verification
criteria and the NIK warnings shown beside a member."""

import re
from collections import Counter
from collections.abc import Iterable
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


def composition_problems(members: Iterable[tuple[str, str]], *, max_members: int) -> list[str]:
    """What every save of a group requires of its active members, given as (NIK, role)
    pairs: at least one (its ketua) and at most `max_members`, exactly one ketua, at most one
    sekretaris and one bendahara, no NIK twice. The form, the services and the import ask
    this; the minimum number of members is a verification criterion (a proposed group may
    be completed later)."""
    members = list(members)
    if not members:
        return [_("A group needs at least one member: its chair (ketua).")]
    problems = []
    if len(members) > max_members:
        problems.append(
            _("The group has %(count)d members; at most %(max)d are allowed.")
            % {"count": len(members), "max": max_members}
        )
    return problems + _role_problems(members) + _duplicate_nik_problems(members)


def _role_problems(members: list[tuple[str, str]]) -> list[str]:
    roles = Counter(role for _nik, role in members)
    problems = []
    if roles[MemberRole.CHAIR] != 1:
        problems.append(
            _("The group has %(count)d chairs (ketua); it needs exactly one.")
            % {"count": roles[MemberRole.CHAIR]}
        )
    for role, label in (
        (MemberRole.SECRETARY, _("secretary")),
        (MemberRole.TREASURER, _("treasurer")),
    ):
        if roles[role] > 1:
            problems.append(
                _("The group has %(count)d %(role)s; at most one is allowed.")
                % {"count": roles[role], "role": label}
            )
    return problems


def _duplicate_nik_problems(members: list[tuple[str, str]]) -> list[str]:
    counts = Counter(nik for nik, _role in members)
    twice = sorted(nik for nik, count in counts.items() if count > 1 and nik)
    if not twice:
        return []
    return [_("The same NIK is entered twice: %(niks)s.") % {"niks": ", ".join(twice)}]


def verification_problems(group, criteria: Criteria | None = None):
    """What keeps a group from being verified, as Indonesian sentences (empty: none): the
    programme's member bounds, the composition every save requires (for groups saved before
    it was required), and a bank account in the group's name."""
    criteria = criteria or verification_criteria()
    members = getattr(group, "active_members", None)
    if members is None:  # not prefetched (the "Menunggu Anda" line prefetches them)
        members = group.members.filter(active=True).only("nik", "role")
    members = [(m.nik, m.role) for m in members]
    problems = []
    if not criteria.min_members <= len(members) <= criteria.max_members:
        problems.append(
            _("The group has %(count)d active members; it needs %(min)d to %(max)d.")
            % {"count": len(members), "min": criteria.min_members, "max": criteria.max_members}
        )
    problems += _role_problems(members) + _duplicate_nik_problems(members)
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
