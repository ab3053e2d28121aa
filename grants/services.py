"""Every write to programmes, grants and tranches.

Each function checks the user's role and scope and the current status, takes row locks
(programme and quota for awards; the grant for tranches, always before the tranche),
writes the change and its history in one transaction, and raises a DomainError with an
Indonesian message otherwise. The running totals on Program, ProgramQuota and Grant are
also guarded by CHECK constraints. Last, each refreshes the dashboard's summaries of its
regency (reports.summaries), which locks the regency.

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
from core.errors import DomainError, NotAllowed, required_reason
from core.indonesia import format_rupiah
from core.scoping import require
from grants import rules
from grants.models import (
    COMMITTED_STATUSES,
    Grant,
    GrantStatus,
    Program,
    ProgramQuota,
    ProgramStatus,
    Tranche,
    TrancheStatus,
)
from groups.models import BusinessGroup, GroupStatus
from reports.summaries import (
    refresh_owing_spans,
    refresh_regency_summary,
    refresh_reporting_summaries,
)
from training.rules import group_attended_training


def _refresh_summary(grant):
    """Recompute the dashboard summary of the grant's programme and regency."""
    refresh_regency_summary(program_id=grant.program_id, regency_id=grant.group.regency_id)


def _refresh_summaries_with_reporting(grant):
    """After a completion or cancellation: also which groups owe reports and which of
    the grant's reports count."""
    _refresh_summary(grant)
    refresh_reporting_summaries(program_id=grant.program_id, regency_id=grant.group.regency_id)


def _locked_grant(grant) -> Grant:
    return (
        Grant.objects.select_for_update(no_key=True, of=("self",))
        .select_related("program", "group")
        .get(pk=grant.pk)
    )


# Awards ------------------------------------------------------------------------------


def _award_one(*, program, quota, group, amount, by, agreement_number="", agreement_date=None):
    if group.status != GroupStatus.ELIGIBLE:
        raise DomainError(
            _("%(group)s is not eligible (status %(status)s).")
            % {"group": group.name, "status": group.get_status_display()}
        )
    if (
        Grant.objects.filter(program=program, group=group)
        .exclude(status=GrantStatus.CANCELLED)
        .exists()
    ):
        raise DomainError(
            _("%(group)s already has a grant in this programme.") % {"group": group.name}
        )
    if amount <= 0:
        raise DomainError(_("The amount must be more than Rp0."))
    if program.awarded_amount + amount > program.total_budget:
        raise DomainError(
            _("The budget is not enough: %(left)s left, %(asked)s asked.")
            % {"left": format_rupiah(program.budget_left), "asked": format_rupiah(amount)}
        )
    if quota.awarded_count >= quota.group_count:
        raise DomainError(
            _("The quota of %(regency)s (%(count)d groups) is used up.")
            % {"regency": quota.regency.name, "count": quota.group_count}
        )
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


def _lock_program_and_quota(program, regency_id):
    program = Program.objects.select_for_update(no_key=True).get(pk=program.pk)
    if program.status != ProgramStatus.OPEN:
        raise DomainError(_("The programme is not open."))
    quota = (
        ProgramQuota.objects.select_for_update(no_key=True)
        .select_related("regency")
        .filter(program=program, regency_id=regency_id)
        .first()
    )
    if quota is None:
        raise DomainError(_("The programme has no quota for this regency."))
    return program, quota


def _save_counters(program, quota):
    program.save(update_fields=["awarded_amount", "updated_at"])
    quota.save(update_fields=["awarded_count", "updated_at"])


@transaction.atomic
def grant_award(*, program, group, by, amount=None, agreement_number="", agreement_date=None):
    """Award a grant to an eligible group, within the budget and the regency's quota."""
    require(by, Action.GRANT_AWARD, regency_id=group.regency_id)
    program, quota = _lock_program_and_quota(program, group.regency_id)
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
    _refresh_summary(grant)
    return grant


@transaction.atomic
def grant_award_bulk(*, program, regency_id, groups, by) -> list[Grant]:
    """Award the default amount to each of the groups of one regency: all or nothing."""
    require(by, Action.GRANT_AWARD, regency_id=regency_id)
    program, quota = _lock_program_and_quota(program, regency_id)
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
    refresh_regency_summary(program_id=program.pk, regency_id=regency_id)
    return grants


@transaction.atomic
def grant_record_transfer(*, grant, by, transferred_on: datetime.date, reference: str):
    """awarded → transferred: the money is in the group's bank account. A programme that
    asks for it (transfer_needs_training) wants a member of the group trained first."""
    require(by, Action.GRANT_TRANSFER, regency_id=grant.group.regency_id)
    grant = _locked_grant(grant)
    if grant.status != GrantStatus.AWARDED:
        raise DomainError(_("Only an awarded grant can be recorded as transferred."))
    if not (reference or "").strip():
        raise DomainError(_("The transfer reference is required."))
    if transferred_on > timezone.localdate():
        raise DomainError(_("The transfer date cannot be in the future."))
    if grant.program.transfer_needs_training and not group_attended_training(
        group_id=grant.group_id, by_date=transferred_on
    ):
        raise DomainError(
            _(
                "The transfer cannot be recorded: at least one member of the group must have "
                "attended a training (on or before the transfer date)."
            )
        )
    grant.status = GrantStatus.TRANSFERRED
    grant.transferred_on = transferred_on
    grant.transfer_reference = reference.strip()
    grant._change_reason = "transferred"
    grant.save()
    _refresh_summary(grant)
    # the group now owes reports; it has written none for this grant yet
    refresh_owing_spans(regency_id=grant.group.regency_id)
    return grant


@transaction.atomic
def grant_cancel(*, grant, by, reason: str):
    """awarded or transferred, with nothing committed in tranches → cancelled; the budget
    and the quota place are given back."""
    require(by, Action.GRANT_CLOSE, regency_id=grant.group.regency_id)
    reason = required_reason(reason)
    grant_row = (
        Grant.objects.only("program_id", "group__regency_id")
        .select_related("group")
        .get(pk=grant.pk)
    )
    program, quota = _lock_any_program_and_quota(grant_row.program_id, grant_row.group.regency_id)
    grant = _locked_grant(grant)
    if grant.status not in (GrantStatus.AWARDED, GrantStatus.TRANSFERRED):
        raise DomainError(_("This grant can no longer be cancelled."))
    if grant.committed_amount:
        raise DomainError(_("The grant has tranches; it cannot be cancelled."))
    program.awarded_amount -= grant.amount
    quota.awarded_count -= 1
    _save_counters(program, quota)
    grant.status = GrantStatus.CANCELLED
    grant.status_reason = reason
    grant._change_reason = "cancelled"
    grant.save()
    _refresh_summaries_with_reporting(grant)
    return grant


def _lock_any_program_and_quota(program_id, regency_id):
    program = Program.objects.select_for_update(no_key=True).get(pk=program_id)
    quota = ProgramQuota.objects.select_for_update(no_key=True).get(
        program_id=program_id, regency_id=regency_id
    )
    return program, quota


@transaction.atomic
def grant_complete(*, grant, by):
    """active → completed, once the whole grant has been withdrawn."""
    require(by, Action.GRANT_CLOSE, regency_id=grant.group.regency_id)
    grant = _locked_grant(grant)
    if grant.status != GrantStatus.ACTIVE:
        raise DomainError(_("Only an active grant can be completed."))
    if grant.withdrawn_amount != grant.amount:
        raise DomainError(
            _("%(left)s of the grant has not been withdrawn yet.")
            % {"left": format_rupiah(grant.amount - grant.withdrawn_amount)}
        )
    grant.status = GrantStatus.COMPLETED
    grant.completed_on = timezone.localdate()
    grant._change_reason = "completed"
    grant.save()
    _refresh_summaries_with_reporting(grant)
    return grant


# Tranches ----------------------------------------------------------------------------


def tranche_request(*, grant, amount: int, purpose: str, by, token: uuid.UUID | None = None):
    """Ask for a withdrawal. A repeated submit of the same form (same token) returns the
    tranche the first submit created instead of creating a second one."""
    require(by, Action.TRANCHE_REQUEST, regency_id=grant.group.regency_id)
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
    program = grant.program
    if grant.status not in (GrantStatus.TRANSFERRED, GrantStatus.ACTIVE):
        raise DomainError(_("Tranches can be requested only once the grant has been transferred."))
    if not (purpose or "").strip():
        raise DomainError(_("The purpose of the withdrawal is required."))
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than Rp0."))
    tranches = list(grant.tranches.select_for_update().order_by("sequence"))
    held = [t for t in tranches if t.status in COMMITTED_STATUSES]
    if any(t.status == TrancheStatus.REQUESTED for t in tranches):
        raise DomainError(_("The grant already has a tranche waiting for a decision."))
    if len(held) >= program.max_tranches:
        raise DomainError(
            _("The programme allows at most %(n)d tranches.") % {"n": program.max_tranches}
        )
    if not held and amount * 100 > grant.amount * program.first_tranche_max_percent:
        raise DomainError(
            _("The first tranche may be at most %(pct)d %% of the grant (%(max)s).")
            % {
                "pct": program.first_tranche_max_percent,
                "max": format_rupiah(grant.amount * program.first_tranche_max_percent // 100),
            }
        )
    if grant.committed_amount + amount > grant.amount:
        raise DomainError(
            _("Only %(left)s of the grant is still available.")
            % {"left": format_rupiah(grant.available_amount)}
        )
    if held and program.tranche_needs_report:
        missing = rules.missing_report(grant)
        if missing:
            raise DomainError(missing)
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
    _refresh_summary(grant)
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
    _refresh_summary(tranche.grant)
    return tranche


def _check_requested(tranche):
    if tranche.status != TrancheStatus.REQUESTED:
        raise DomainError(
            _("This tranche has already been handled (%(status)s).")
            % {"status": tranche.get_status_display()}
        )


@transaction.atomic
def tranche_approve(*, tranche, by, note: str = ""):
    """requested → approved, by an approver who did not request it."""
    require(by, Action.TRANCHE_DECIDE)
    tranche = _locked_tranche(tranche)
    _check_requested(tranche)
    if tranche.requested_by_id == by.pk:
        raise NotAllowed(_("You cannot approve a tranche you requested yourself."))
    return _decide(
        tranche, by=by, status=TrancheStatus.APPROVED, note=note.strip(), reason_key="approved"
    )


@transaction.atomic
def tranche_reject(*, tranche, by, reason: str):
    """requested → rejected, with a reason; the amount becomes available again."""
    require(by, Action.TRANCHE_DECIDE)
    reason = required_reason(reason)
    tranche = _locked_tranche(tranche)
    _check_requested(tranche)
    if tranche.requested_by_id == by.pk:
        raise NotAllowed(_("You cannot decide on a tranche you requested yourself."))
    _add_committed(tranche.grant, -tranche.amount)
    return _decide(
        tranche, by=by, status=TrancheStatus.REJECTED, note=reason, reason_key="rejected"
    )


@transaction.atomic
def tranche_cancel(*, tranche, by):
    """requested → cancelled, by the person who requested it."""
    tranche = _locked_tranche(tranche)
    if tranche.requested_by_id != by.pk:
        raise NotAllowed(_("Only the person who requested a tranche can cancel it."))
    _check_requested(tranche)
    _add_committed(tranche.grant, -tranche.amount)
    tranche.status = TrancheStatus.CANCELLED
    tranche._change_reason = "cancelled"
    tranche.save()
    _refresh_summary(tranche.grant)
    return tranche


@transaction.atomic
def tranche_mark_withdrawn(*, tranche, by, withdrawn_on: datetime.date, reference: str):
    """approved → withdrawn: the group took the money out of its account."""
    require(by, Action.TRANCHE_MARK_WITHDRAWN, regency_id=tranche.grant.group.regency_id)
    tranche = _locked_tranche(tranche)
    if tranche.status != TrancheStatus.APPROVED:
        raise DomainError(_("Only an approved tranche can be recorded as withdrawn."))
    if withdrawn_on > timezone.localdate():
        raise DomainError(_("The withdrawal date cannot be in the future."))
    if tranche.decided_at and withdrawn_on < timezone.localdate(tranche.decided_at):
        raise DomainError(_("The withdrawal date cannot be before the approval."))
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
    _refresh_summary(grant)
    return tranche
