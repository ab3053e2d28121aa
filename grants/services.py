"""Every write to programmes, grants and tranches.

Each function takes row locks (programme and quota for awards; the grant for tranches,
always before the tranche), asks its rule in grants/rules.py with the locked rows and
raises the refusal, writes the change and its history in one transaction. The running
totals on Program, ProgramQuota and Grant are also guarded by CHECK constraints. Last, each
sends `grants_changed` inside the transaction: the reports app refreshes the dashboard's
summaries of the regency, which locks the regency.

Programme, quota and grant rows are locked FOR NO KEY UPDATE (their keys never change):
that lock serialises the writers of a row but lets other transactions insert rows that
refer to it (a report summary names its programme), so a report review holding the
regency's lock never waits for an award holding the programme's.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from core.errors import DomainError, clean_or_refuse, required_reason
from core.rules import ensure
from core.scoping import require
from grants import rules, signals
from grants.models import (
    Grant,
    GrantStatus,
    Program,
    ProgramQuota,
    ProgramStatus,
    Tranche,
    TrancheStatus,
)
from groups.models import BusinessGroup


def _changed(grant_or_program_id, regency_id=None, *, change: str) -> None:
    """Tell the apps above what changed (the dashboard's summaries follow it)."""
    group_id = None
    if isinstance(grant_or_program_id, Grant):
        grant = grant_or_program_id
        program_id, regency_id = grant.program_id, grant.group.regency_id
        group_id = grant.group_id
    else:
        program_id = grant_or_program_id
    signals.grants_changed.send(
        sender=Grant, program_id=program_id, regency_id=regency_id, group_id=group_id, change=change
    )


def _locked_grant(grant) -> Grant:
    return (
        Grant.objects.select_for_update(no_key=True, of=("self",))
        .select_related("program", "group")
        .get(pk=grant.pk)
    )


# Programmes --------------------------------------------------------------------------


def _locked_program(program) -> Program:
    return Program.objects.select_for_update(no_key=True).get(pk=program.pk)


def _set_program_status(program, status, *, by, log) -> Program:
    program.status = status
    program._change_reason = log
    program._history_user = by
    program.save(update_fields=["status", "updated_at"])
    return program


@transaction.atomic
def program_save(*, program, changed: set[str], by) -> Program:
    """Create a programme (as a draft) or save its set-up (not its status); the apps above
    follow what changed (a new fiscal year refiles the dashboard's figures)."""
    if program.pk is None:
        ensure(rules.manage_programmes(by))
        program.status = ProgramStatus.DRAFT
    else:
        stored = _locked_program(program)
        ensure(rules.program_edit(program=stored, user=by))
        program.status = stored.status  # the status moves only through open and close
        program.awarded_amount = stored.awarded_amount  # kept by the award services
    clean_or_refuse(program, full=True)
    program._change_reason = "saved"
    program._history_user = by
    program.save()
    if changed:
        signals.program_changed.send(sender=Program, program=program, changed=changed)
    return program


@transaction.atomic
def quotas_save(*, program, quotas: list[ProgramQuota], removed=(), by) -> Program:
    """Set the regencies' quotas of a programme: a quota is never below the groups already
    awarded in its regency, and goes only while none is."""
    program = _locked_program(program)
    ensure(rules.program_edit(program=program, user=by))
    for quota in removed:
        stored = ProgramQuota.objects.select_for_update(no_key=True).get(pk=quota.pk)
        ensure(rules.quota_remove(quota=stored))
        stored._history_user = by
        stored.delete()
    for quota in quotas:
        if quota.pk:
            quota.awarded_count = (
                ProgramQuota.objects.select_for_update(no_key=True).get(pk=quota.pk).awarded_count
            )
        quota.program = program
        clean_or_refuse(quota, full=True)
        quota._history_user = by
        quota.save()
    return program


@transaction.atomic
def program_open(*, program, by) -> Program:
    """draft → open: the programme's groups can be awarded."""
    program = _locked_program(program)
    ensure(rules.program_open(program=program, user=by))
    return _set_program_status(program, ProgramStatus.OPEN, by=by, log="opened")


@transaction.atomic
def program_close(*, program, by) -> Program:
    """open → closed: no more awards; the grants already awarded go on."""
    program = _locked_program(program)
    ensure(rules.program_close(program=program, user=by))
    return _set_program_status(program, ProgramStatus.CLOSED, by=by, log="closed")


# Awards ------------------------------------------------------------------------------


def _award_one(*, program, quota, group, amount, by, agreement_number="", agreement_date=None):
    ensure(rules.award(program=program, quota=quota, group=group, user=by))
    ensure(rules.award_amount(program=program, quota=quota, amount=amount))
    program.awarded_amount += amount
    quota.awarded_count += 1
    grant = Grant(
        program=program,
        group=group,
        amount=amount,
        agreement_number=agreement_number,
        agreement_date=agreement_date,
        awarded_on=timezone.localdate(),
        awarded_by=by,
    )
    grant._change_reason = "awarded"
    grant.save()
    return grant


def _lock_program_and_quota(program_id, regency_id):
    program = Program.objects.select_for_update(no_key=True).get(pk=program_id)
    quota = (
        ProgramQuota.objects.select_for_update(no_key=True)
        .select_related("regency")
        .filter(program=program, regency_id=regency_id)
        .first()
    )
    return program, quota


def _save_counters(program, quota):
    program.save(update_fields=["awarded_amount", "updated_at"])
    quota.save(update_fields=["awarded_count", "updated_at"])


@transaction.atomic
def grant_award(*, program, group, by, amount=None, agreement_number="", agreement_date=None):
    """Award a grant to an eligible group, within the budget and the regency's quota."""
    require(by, Action.GRANT_AWARD, regency_id=group.regency_id)
    program, quota = _lock_program_and_quota(program.pk, group.regency_id)
    group = BusinessGroup.objects.select_for_update().get(pk=group.pk)
    grant = _award_one(
        program=program,
        quota=quota,
        group=group,
        amount=amount or program.default_amount,
        by=by,
        agreement_number=agreement_number,
        agreement_date=agreement_date,
    )
    _save_counters(program, quota)
    _changed(grant, change="awarded")
    return grant


@transaction.atomic
def grant_award_bulk(*, program, regency_id, groups, by) -> list[Grant]:
    """Award the default amount to each of the groups of one regency: all or nothing."""
    require(by, Action.GRANT_AWARD, regency_id=regency_id)
    program, quota = _lock_program_and_quota(program.pk, regency_id)
    locked = list(
        BusinessGroup.objects.select_for_update()
        .filter(pk__in=[g.pk for g in groups])
        .order_by("pk")
    )
    problems, grants = [], []
    for group in locked:
        if group.regency_id != regency_id:
            problems.append(_("%(group)s is not in this regency.") % {"group": group.name})
            continue
        try:
            grants.append(
                _award_one(
                    program=program, quota=quota, group=group, amount=program.default_amount, by=by
                )
            )
        except DomainError as error:
            problems.extend(error.messages)
    if problems:
        raise DomainError(*problems)
    _save_counters(program, quota)
    _changed(program.pk, regency_id, change="awarded")
    return grants


@transaction.atomic
def grant_record_transfer(*, grant, by, transferred_on: datetime.date, reference: str):
    """awarded → transferred: the money is in the group's bank account. A programme that
    asks for it (transfer_needs_training) wants a member of the group trained first."""
    grant = _locked_grant(grant)
    ensure(rules.transfer(grant=grant, user=by, transferred_on=transferred_on))
    if not (reference or "").strip():
        raise DomainError(_("The transfer reference is required."))
    grant.status = GrantStatus.TRANSFERRED
    grant.transferred_on = transferred_on
    grant.transfer_reference = reference.strip()
    grant._change_reason = "transferred"
    grant.save()
    _changed(grant, change="transferred")
    return grant


@transaction.atomic
def grant_cancel(*, grant, by, reason: str):
    """awarded or transferred, with nothing committed in tranches → cancelled; the budget
    and the quota place are given back."""
    reason = required_reason(reason)
    grant_row = (
        Grant.objects.only("program_id", "group__regency_id")
        .select_related("group")
        .get(pk=grant.pk)
    )
    program, quota = _lock_program_and_quota(grant_row.program_id, grant_row.group.regency_id)
    grant = _locked_grant(grant)
    ensure(rules.cancel(grant=grant, user=by))
    program.awarded_amount -= grant.amount
    quota.awarded_count -= 1
    _save_counters(program, quota)
    grant.status = GrantStatus.CANCELLED
    grant.status_reason = reason
    grant._change_reason = "cancelled"
    grant.save()
    _changed(grant, change="cancelled")
    return grant


@transaction.atomic
def grant_complete(*, grant, by):
    """active → completed, once the whole grant has been withdrawn."""
    grant = _locked_grant(grant)
    ensure(rules.complete(grant=grant, user=by))
    grant.status = GrantStatus.COMPLETED
    grant.completed_on = timezone.localdate()
    grant._change_reason = "completed"
    grant.save()
    _changed(grant, change="completed")
    return grant


# Tranches ----------------------------------------------------------------------------


def tranche_request(*, grant, amount: int, purpose: str, by, token: uuid.UUID | None = None):
    """Ask for a withdrawal. A repeated submit of the same form (same token) returns the
    tranche the first submit created instead of creating a second one."""
    token = token or uuid.uuid4()
    try:
        with transaction.atomic():
            return _tranche_request(grant=grant, amount=amount, purpose=purpose, by=by, token=token)
    except IntegrityError:
        existing = Tranche.objects.filter(request_token=token).first()
        if existing is not None:
            return existing
        raise DomainError(_("The grant already has a tranche waiting for a decision.")) from None


def _tranche_request(*, grant, amount, purpose, by, token):
    grant = _locked_grant(grant)
    existing = Tranche.objects.filter(request_token=token).first()
    if existing is not None:
        return existing
    tranches = list(grant.tranches.select_for_update().order_by("sequence"))
    ensure(rules.tranche_request(grant=grant, user=by, tranches=tranches))
    if not (purpose or "").strip():
        raise DomainError(_("The purpose of the withdrawal is required."))
    ensure(rules.tranche_amount(grant=grant, amount=amount))
    tranche = Tranche(
        grant=grant,
        sequence=(tranches[-1].sequence + 1) if tranches else 1,
        amount=amount,
        purpose=purpose.strip(),
        request_token=token,
        requested_by=by,
        requested_at=timezone.now(),
    )
    tranche._change_reason = "requested"
    tranche.save()
    _add_committed(grant, amount)
    _changed(grant, change="tranche")
    return tranche


def _add_committed(grant, delta):
    """Change the locked grant's committed total (the database checks it stays within)."""
    grant.committed_amount += delta
    grant.save(update_fields=["committed_amount", "updated_at"])


def _locked_tranche(tranche):
    """Lock the grant first, then the tranche (one order everywhere: no deadlocks)."""
    grant = _locked_grant(tranche.grant)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    tranche.grant = grant
    return tranche


def _decide(tranche, *, by, status, note, reason_key):
    tranche.status = status
    tranche.decided_by = by
    tranche.decided_at = timezone.now()
    tranche.decision_note = note
    tranche._change_reason = reason_key
    tranche.save()
    _changed(tranche.grant, change="tranche")
    return tranche


@transaction.atomic
def tranche_approve(*, tranche, by, note: str = ""):
    """requested → approved, by an approver who did not request it."""
    tranche = _locked_tranche(tranche)
    ensure(rules.tranche_approve(tranche=tranche, user=by))
    return _decide(
        tranche, by=by, status=TrancheStatus.APPROVED, note=note.strip(), reason_key="approved"
    )


@transaction.atomic
def tranche_reject(*, tranche, by, reason: str):
    """requested → rejected, with a reason; the amount becomes available again."""
    reason = required_reason(reason)
    tranche = _locked_tranche(tranche)
    ensure(rules.tranche_reject(tranche=tranche, user=by))
    _add_committed(tranche.grant, -tranche.amount)
    return _decide(
        tranche, by=by, status=TrancheStatus.REJECTED, note=reason, reason_key="rejected"
    )


@transaction.atomic
def tranche_cancel(*, tranche, by):
    """requested → cancelled, by the officer who requested it."""
    tranche = _locked_tranche(tranche)
    ensure(rules.tranche_cancel(tranche=tranche, user=by))
    _add_committed(tranche.grant, -tranche.amount)
    tranche.status = TrancheStatus.CANCELLED
    tranche._change_reason = "cancelled"
    tranche.save()
    _changed(tranche.grant, change="tranche")
    return tranche


@transaction.atomic
def tranche_mark_withdrawn(*, tranche, by, withdrawn_on: datetime.date, reference: str):
    """approved → withdrawn: the group took the money out of its account."""
    tranche = _locked_tranche(tranche)
    ensure(rules.tranche_mark_withdrawn(tranche=tranche, user=by))
    ensure(rules.withdrawal_date(tranche=tranche, day=withdrawn_on))
    if not (reference or "").strip():
        raise DomainError(_("The bank reference is required."))
    tranche.status = TrancheStatus.WITHDRAWN
    tranche.withdrawn_on = withdrawn_on
    tranche.bank_reference = reference.strip()
    tranche._change_reason = "withdrawn"
    tranche.save()
    grant = tranche.grant
    grant.withdrawn_amount += tranche.amount
    if grant.status == GrantStatus.TRANSFERRED:
        grant.status = GrantStatus.ACTIVE
    grant._change_reason = "withdrawn"
    grant.save()
    _changed(grant, change="tranche")
    return tranche
