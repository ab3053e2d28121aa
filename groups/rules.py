"""Every precondition about groups and members, in one place.

- Who may do what to a group now: `may_register`, `may_edit` (and `may_add_document`),
  `may_verify`, `may_declare_eligible`, `may_reject`, `may_deactivate`, `may_import`, each
  answering a `core.rules.Answer`: role and scope first (`role_and_scope`: a refusal there
  is a 403), then the group's status, with the reason a user reads. The services raise with
  the answer (`ensure`); the group page, the admin and "Menunggu Anda" ask the same
  predicates to show an action.
- What a group's members must be on every save (`composition_problems`) and to be verified
  (`verification_problems`, with the programme's `Criteria`).
- What is only a warning beside a member (`nik_warnings`).
- Personal data (UU PDP 27/2022): who may see a member's full NIK and No. KK
  (`may_see_full_identity`; everyone else, and every list, history, workbook and PDF, gets
  them masked by core.personal_data.mask), and what a NIK already active elsewhere tells a
  user (`nik_conflict_message`: another regency's group is not named).

The data of one field (NIK, No. KK, dates) is checked on the model (groups/validators.py).
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.roles import Action
from core.indonesia import check_nik
from core.personal_data import mask
from core.rules import ALLOWED, Answer, ask, first_refusal, refuse
from core.scoping import role_and_scope
from groups import signals
from groups.models import DocumentKind, GroupStatus, MemberRole

# A province-wide user may correct a group's data until it is rejected or inactive; a
# regency officer only while it is proposed (afterwards the province has checked it).
EDITABLE_STATUSES = (GroupStatus.PROPOSED, GroupStatus.VERIFIED, GroupStatus.ELIGIBLE)


def may_register(user, *, regency_id: str | None = None) -> Answer:
    """Propose a new group (in `regency_id`, when it is known)."""
    return role_and_scope(user, Action.GROUP_PROPOSE, regency_id=regency_id)


def may_import(user) -> Answer:
    """Import groups from a workbook (each row is then checked like a registration or an
    edit)."""
    return role_and_scope(user, Action.GROUP_IMPORT)


def may_edit(group, user) -> Answer:
    """Change the group's data and members (not its status)."""
    return first_refusal(
        lambda: role_and_scope(user, Action.GROUP_EDIT, regency_id=group.regency_id),
        lambda: status_allows_edit(group, user),
    )


def status_allows_edit(group, user) -> Answer:
    """The status half of `may_edit` (the admin asks it alone for superusers, who have no
    role)."""
    statuses = (GroupStatus.PROPOSED,) if user.has_regency_scope else EDITABLE_STATUSES
    if group.status in statuses:
        return ALLOWED
    return refuse(
        _("A group with status %(status)s cannot be edited by you.")
        % {"status": group.get_status_display()}
    )


def may_save_in(current, user, *, regency_id: str) -> Answer:
    """Save the group `current` (as stored) in `regency_id`: `may_edit`, the user works in
    that regency too, and a move to another regency is one the apps above allow (a group
    with a grant stays where its grant counts)."""
    return first_refusal(
        lambda: may_edit(current, user),
        lambda: role_and_scope(user, Action.GROUP_EDIT, regency_id=regency_id),
        lambda: (
            ALLOWED
            if regency_id == current.regency_id
            else ask(signals.regency_change_check, group=current, regency_id=regency_id)
        ),
    )


def may_add_document(group, user) -> Answer:
    """Attach a document: whoever may edit the group, while they may."""
    return may_edit(group, user)


def may_verify(group, user, *, criteria=None, problems: list[str] | None = None) -> Answer:
    """proposed → verified, when the group meets the verification criteria (`problems`, when
    the caller has them already, else `verification_problems(group, criteria)`)."""
    return first_refusal(
        lambda: role_and_scope(user, Action.GROUP_VERIFY, regency_id=group.regency_id),
        lambda: _status_in(group, GroupStatus.PROPOSED),
        lambda: _ready(
            problems if problems is not None else verification_problems(group, criteria)
        ),
    )


def may_declare_eligible(group, user) -> Answer:
    """verified → eligible: the group may receive a grant."""
    return first_refusal(
        lambda: role_and_scope(user, Action.GROUP_DECIDE, regency_id=group.regency_id),
        lambda: _status_in(group, GroupStatus.VERIFIED),
    )


def may_reject(group, user) -> Answer:
    """proposed or verified → rejected (with a reason, which the service requires)."""
    return first_refusal(
        lambda: role_and_scope(user, Action.GROUP_DECIDE, regency_id=group.regency_id),
        lambda: _status_in(group, GroupStatus.PROPOSED, GroupStatus.VERIFIED),
    )


def may_deactivate(group, user) -> Answer:
    """eligible → inactive (with a reason, which the service requires)."""
    return first_refusal(
        lambda: role_and_scope(user, Action.GROUP_DEACTIVATE, regency_id=group.regency_id),
        lambda: _status_in(group, GroupStatus.ELIGIBLE),
    )


def may_see_full_identity(group, user) -> Answer:
    """See the full NIK and No. KK of a member of `group`, on the member's page after a
    deliberate "Tampilkan" (logged): province staff, and the officer of the group's own
    regency. The approver and the regency head never do; elsewhere the numbers are
    masked for everyone."""
    return role_and_scope(user, Action.MEMBER_IDENTITY_VIEW, regency_id=group.regency_id)


def may_export_full_identity(user) -> Answer:
    """Export members with their full NIK and No. KK: only those who import the workbook
    back (province staff), since the import matches members by NIK; every other export
    carries them masked."""
    return may_import(user)


def nik_conflict_message(member, *, user) -> str:
    """Why a NIK cannot join a group: `member` (its group and the group's regency loaded)
    already holds it. A user who may see that group (province-wide, or its own regency)
    reads its name and regency; anyone else only that it is a group in another regency
    (UU PDP 27/2022). The NIK is shown masked. The form, the services, the import and the
    admin all say this."""
    group = member.group
    if user is not None and (user.has_province_scope or user.regency_id == group.regency_id):
        return _("NIK %(nik)s is already an active member of %(group)s (%(regency)s).") % {
            "nik": mask(member.nik),
            "group": group.name,
            "regency": group.regency.name,
        }
    return _("NIK %(nik)s is already an active member of a group in another regency/city.") % {
        "nik": mask(member.nik)
    }


def _status_in(group, *statuses) -> Answer:
    if group.status in statuses:
        return ALLOWED
    return refuse(
        _("This cannot be done to a group with status %(status)s.")
        % {"status": group.get_status_display()}
    )


def _ready(problems: list[str]) -> Answer:
    return refuse(" ".join(problems)) if problems else ALLOWED


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


# What verification reads of each active member (a prefetch of members must load them all:
# a field left out is read again per member).
VERIFIED_MEMBER_FIELDS = ("group_id", "nik", "role", "kk_number", "decile")


def verification_checks(group, criteria: Criteria | None = None) -> list[Check]:
    """Each verification criterion with what the group has, in the order the group page
    lists them: members, households, deciles, one ketua, the bank account, the documents."""
    criteria = criteria or verification_criteria()
    members = getattr(group, "active_members", None)
    if members is None:  # not prefetched (the "Menunggu Anda" line prefetches them)
        members = group.members.filter(active=True).only(*VERIFIED_MEMBER_FIELDS)
    members = list(members)
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
    roles = _role_problems([(m.nik, m.role) for m in members])
    roles += _duplicate_nik_problems([(m.nik, m.role) for m in members])
    checks.append(Check(_("Exactly one chair (ketua)"), str(chairs), " ".join(roles)))
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
    documents = getattr(group, "prefetched_documents", None)  # "Menunggu Anda" prefetches
    if documents is None:
        have = set(group.documents.values_list("kind", flat=True))
    else:
        have = {document.kind for document in documents}
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


def checks_before_verification(group, criteria: Criteria | None = None) -> list[Check]:
    """The verification criteria of a group waiting for verification, each with what the
    group has (the group page lists them for every reader); none in any other status."""
    if group.status != GroupStatus.PROPOSED:
        return []
    return verification_checks(group, criteria)


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
