"""Every write to groups and members. One function per state change; each locks the group
row, asks its predicate in groups/rules.py (role and scope, then the group's status) and
raises with its reason, and records who, when and why."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from core.errors import DomainError, data_problems, required_reason
from core.rules import ensure
from groups import rules
from groups.documents import sniff_document
from groups.models import BusinessGroup, GroupDocument, GroupStatus, Member, RegistrationCounter


def _locked(group) -> BusinessGroup:
    return BusinessGroup.objects.select_for_update().get(pk=group.pk)


def next_registration_number(*, regency_id: str, year: int) -> str:
    """`64.01-2026-0007`: the next number for the regency and year, without races."""
    (number,) = reserve_registration_numbers(regency_id=regency_id, year=year, count=1)
    return number


def reserve_registration_numbers(*, regency_id: str, year: int, count: int) -> list[str]:
    """The next `count` consecutive numbers for the regency and year, in one statement.

    One upsert increments the counter by `count` and returns its new value; the row stays
    locked until the caller's transaction ends, so two registrations never get the same number.
    """
    if count < 1:
        return []
    table = connection.ops.quote_name(RegistrationCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (regency_id, year, last_number) VALUES (%s, %s, %s) "
            f"ON CONFLICT (regency_id, year) DO UPDATE SET last_number = {table}.last_number + %s "
            "RETURNING last_number",
            [regency_id, year, count, count],
        )
        (last,) = cursor.fetchone()
    return [f"{regency_id}-{year}-{number:04d}" for number in range(last - count + 1, last + 1)]


def nik_conflicts(niks, *, exclude_group_id=None, user) -> list[str]:
    """A message for each NIK already active in another group, as `user` may read it
    (`rules.nik_conflict_message`: another regency's group is not named)."""
    taken = (
        Member.objects.active()
        .filter(nik__in=list(niks))
        .exclude(group_id=exclude_group_id)
        .select_related("group__regency")
        .order_by("nik")
    )
    return [rules.nik_conflict_message(m, user=user) for m in taken]


def _check_data(group, members, *, after):
    """The group's and the members' data as their models define it, and the composition of
    its active members `after` the save ((NIK, role) pairs), on every path (the forms
    checked them already; the demo, an import or a script may not have)."""
    problems = data_problems(group, exclude=["registration_number", "created_by"])
    for member in members:
        problems += data_problems(member, exclude=["group"], subject=member.full_name)
    criteria = rules.verification_criteria()
    problems += rules.composition_problems(after, max_members=criteria.max_members)
    if problems:
        raise DomainError(*problems)


def _members_after(group, members, removed) -> list[tuple[str, str]]:
    """The (NIK, role) of the group's active members once `members` are saved and `removed`
    deleted (one query for the members it has now)."""
    after = {}
    if group.pk:
        current = Member.objects.filter(group_id=group.pk, active=True)
        after = {pk: (nik, role) for pk, nik, role in current.values_list("pk", "nik", "role")}
    for member in removed:
        after.pop(member.pk, None)
    new = []
    for member in members:
        if member.pk:
            after.pop(member.pk, None)
        if member.active:
            new.append((member.nik, member.role))
    return [*after.values(), *new]


def _save_members(group, members, removed, *, by):
    """Delete the removed members and save the others, each with its history row by `by`."""
    for member in removed:
        if member.pk:
            member._history_user = by
            member.delete()
    conflicts = nik_conflicts(
        (m.nik for m in members if m.active), exclude_group_id=group.pk, user=by
    )
    if conflicts:
        raise DomainError(*conflicts)
    # Ordinary members first, so a role moving from one member to another is freed first.
    for member in sorted(members, key=lambda m: m.role != "anggota"):
        member.group = group
        member._history_user = by
        member.save()


def _saving(func):
    """Turn a constraint caught by the database (two people saving at once) into a message."""

    def wrapper(*args, group, members, by, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, group=group, members=members, by=by, **kwargs)
        except IntegrityError as exc:
            conflicts = nik_conflicts(
                (m.nik for m in members if m.active), exclude_group_id=group.pk, user=by
            )
            raise DomainError(
                *(conflicts or [_("The data conflicts with a change saved at the same time.")])
            ) from exc

    return wrapper


@_saving
def group_register(*, group: BusinessGroup, members: list[Member], by) -> BusinessGroup:
    """Register a new group (status proposed) with its members."""
    ensure(rules.may_register(by, regency_id=group.regency_id))
    _check_data(group, members, after=_members_after(group, members, removed=()))
    group.registration_number = next_registration_number(
        regency_id=group.regency_id, year=timezone.localdate().year
    )
    group.status = GroupStatus.PROPOSED
    group.created_by = by
    group._history_user = by
    group._change_reason = "registered"
    group.save()
    _save_members(group, members, removed=[], by=by)
    return group


@_saving
def group_update(*, group: BusinessGroup, members: list[Member], removed=(), by) -> BusinessGroup:
    """Save changes to a group's data and members (not its status)."""
    current = _locked(group)
    ensure(rules.may_save_in(current, by, regency_id=group.regency_id))
    group.status = current.status  # status changes only through the transitions below
    _check_data(group, members, after=_members_after(current, members, removed))
    group._history_user = by
    group.save()
    _save_members(group, members, removed, by=by)
    return group


def group_verify(*, group, by, criteria: rules.Criteria | None = None):
    """proposed → verified, when the group meets the criteria (as given, else those of the
    newest open programme, else the KUBE defaults)."""
    with transaction.atomic():
        locked = _locked(group)
        ensure(rules.may_verify(locked, by, criteria=criteria))
        return _set_status(locked, GroupStatus.VERIFIED, by=by, log="verified")


def group_mark_eligible(*, group, by):
    """verified → eligible: the group may receive a grant."""
    with transaction.atomic():
        locked = _locked(group)
        ensure(rules.may_declare_eligible(locked, by))
        audit.record(audit.Event.GROUP_APPROVED, obj=locked, user=by)
        return _set_status(locked, GroupStatus.ELIGIBLE, by=by, log="declared_eligible")


def group_reject(*, group, by, reason: str):
    """proposed or verified → rejected, with a reason; the members are freed."""
    with transaction.atomic():
        locked = _locked(group)
        ensure(rules.may_reject(locked, by))
        reason = required_reason(reason)
        _free_members(locked, by=by, log="rejected")
        audit.record(audit.Event.GROUP_REJECTED, obj=locked, user=by, detail=reason)
        return _set_status(locked, GroupStatus.REJECTED, by=by, reason=reason, log="rejected")


def group_deactivate(*, group, by, reason: str):
    """eligible → inactive, with a reason; the members are freed."""
    with transaction.atomic():
        locked = _locked(group)
        ensure(rules.may_deactivate(locked, by))
        reason = required_reason(reason)
        _free_members(locked, by=by, log="deactivated")
        return _set_status(locked, GroupStatus.INACTIVE, by=by, reason=reason, log="deactivated")


def _free_members(group, *, by, log):
    """Switch the group's active members off one by one, so that each change has its history
    row (who, when, why), like every other member change; their NIKs may join another group."""
    for member in group.members.filter(active=True):
        member.active = False
        member._history_user = by
        member._change_reason = log
        member.save(update_fields=["active", "updated_at"])


def _set_status(group, status, *, by, log, reason=""):
    group.status = status
    group.status_reason = reason
    group.status_changed_at = timezone.now()
    group.status_changed_by = by
    group._history_user = by
    group._change_reason = log
    group.save()
    return group


def document_add(*, group, kind: str, upload, by) -> GroupDocument:
    """Attach a PDF, JPEG or PNG (checked by content, at most the size limit) to a group the
    user may edit now."""
    with transaction.atomic():
        locked = _locked(group)
        ensure(rules.may_add_document(locked, by))
        content_type, extension = sniff_document(upload)
        document = GroupDocument.from_upload(
            upload, content_type=content_type, extension=extension, by=by, group=locked, kind=kind
        )
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def member_identity_shown(*, member: Member, by) -> None:
    """Record that `by` asked to see `member`'s full NIK and No. KK ("Tampilkan" on the
    group page), when `rules.may_see_full_identity` allows; the page shows them only after
    this entry is written (UU PDP 27/2022)."""
    ensure(rules.may_see_full_identity(member.group, by))
    audit.record(
        audit.Event.NIK_VIEWED,
        obj=member,
        user=by,
        detail=f"{member.group.registration_number} {member.group.name}",
    )


def group_identities_shown(*, group: BusinessGroup, by) -> None:
    """Record that `by` opened the group's edit form, which holds the full NIK and No. KK
    of every member (to correct them): the same rule and the same log as "Tampilkan"."""
    ensure(rules.may_see_full_identity(group, by))
    audit.record(
        audit.Event.NIK_VIEWED,
        obj=group,
        user=by,
        detail="formulir ubah: NIK dan No. KK semua anggota",
    )
