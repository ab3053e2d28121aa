"""Rules about groups and members that are not database constraints: verification
criteria and the NIK warnings shown beside a member."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.indonesia import check_nik
from groups import signals
from groups.models import DocumentKind, MemberRole


@dataclass(frozen=True)
class Criteria:
    """What a group needs to be verified. Permensos 2/2019: a KUBE has 5 to 20 members from
    at least 5 households (distinct family cards), from the poorest deciles of the DTSEN
    register; the newest open programme may set its own (grants answers the question)."""

    min_members: int = 5
    max_members: int = 20
    min_households: int = 5
    max_decile: int = 4
    required_documents: tuple[str, ...] = ()  # DocumentKind values


@dataclass(frozen=True)
class Check:
    """One verification criterion as the group page lists it: what it asks, what the group
    has, and the problem when it is not met."""

    label: str
    found: str
    problem: str = ""

    @property
    def met(self) -> bool:
        return not self.problem


def verification_criteria() -> Criteria:
    """The criteria the apps above answer with (the newest open programme's), else the KUBE
    defaults."""
    for _receiver, criteria in signals.verification_criteria.send(sender=None):
        if criteria is not None:
            return criteria
    return Criteria()


def _normalized(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.lower()).strip()


def verification_checks(group, criteria: Criteria | None = None) -> list[Check]:
    """Each verification criterion with what the group has, in the order the group page
    lists them: members, households, deciles, one ketua, the bank account, the documents."""
    criteria = criteria or verification_criteria()
    members = list(group.members.filter(active=True).only("role", "kk_number", "decile"))
    count, bounds = len(members), {"min": criteria.min_members, "max": criteria.max_members}
    checks = [
        Check(
            _("%(min)d to %(max)d active members") % bounds,
            str(count),
            ""
            if criteria.min_members <= count <= criteria.max_members
            else _("The group has %(count)d active members; it needs %(min)d to %(max)d.")
            % {"count": count, **bounds},
        ),
        _households(members, criteria),
        _deciles(members, criteria),
    ]
    chairs = sum(1 for m in members if m.role == MemberRole.CHAIR)
    checks.append(
        Check(
            _("Exactly one chair (ketua)"),
            str(chairs),
            "" if chairs == 1 else _("The group needs exactly one chair (ketua)."),
        )
    )
    checks.append(_bank_account(group))
    if criteria.required_documents:
        checks.append(_documents(group, criteria))
    return checks


def _households(members, criteria) -> Check:
    households = len({m.kk_number for m in members})
    return Check(
        _("At least %(n)d households (distinct No. KK)") % {"n": criteria.min_households},
        str(households),
        ""
        if households >= criteria.min_households
        else _(
            "The members come from %(count)d households (No. KK); a KUBE needs at least %(min)d."
        )
        % {"count": households, "min": criteria.min_households},
    )


def _deciles(members, criteria) -> Check:
    above = sum(1 for m in members if m.decile is not None and m.decile > criteria.max_decile)
    unknown = sum(1 for m in members if m.decile is None)
    problem = ""
    if above:
        problem = _("%(count)d members are above DTSEN decile %(max)d (highest: %(highest)d).") % {
            "count": above,
            "max": criteria.max_decile,
            "highest": max(m.decile for m in members if m.decile is not None),
        }
    elif unknown:
        problem = _("The DTSEN decile of %(count)d members is not recorded.") % {"count": unknown}
    known = [m.decile for m in members if m.decile is not None]
    return Check(
        _("Every member at DTSEN decile %(max)d or below") % {"max": criteria.max_decile},
        _("highest %(decile)d") % {"decile": max(known)} if known else "—",
        problem,
    )


def _bank_account(group) -> Check:
    label = _("A bank account in the group's name")
    if not (group.bank_name and group.account_number and group.account_holder):
        return Check(
            label, "—", _("The bank, account number and account holder must be filled in.")
        )
    if _normalized(group.name) not in _normalized(group.account_holder):
        return Check(
            label,
            group.account_holder,
            _("The bank account is not in the group's name (holder: %(holder)s).")
            % {"holder": group.account_holder},
        )
    return Check(label, group.account_holder)


def _documents(group, criteria) -> Check:
    have = set(group.documents.values_list("kind", flat=True))
    labels = dict(DocumentKind.choices)
    missing = [str(labels[kind]) for kind in criteria.required_documents if kind not in have]
    wanted = ", ".join(str(labels[kind]) for kind in criteria.required_documents)
    return Check(
        _("Documents uploaded: %(kinds)s") % {"kinds": wanted},
        str(len(criteria.required_documents) - len(missing)),
        _("Upload the group's documents: %(kinds)s.") % {"kinds": ", ".join(missing)}
        if missing
        else "",
    )


def verification_problems(group, criteria: Criteria | None = None):
    """What keeps a group from being verified, as Indonesian sentences (empty: none)."""
    return [check.problem for check in verification_checks(group, criteria) if not check.met]


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
