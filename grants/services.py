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

import audit
from accounts.roles import Action
from core.errors import DomainError, clean_or_refuse, required_reason
from core.rules import ensure
from core.scoping import require
from grants import rules, signals
from grants.models import (
    Agreement,
    AgreementStatus,
    Decree,
    DecreeStatus,
    Grant,
    GrantDocument,
    GrantDocumentKind,
    GrantStatus,
    Handover,
    HandoverItem,
    HandoverStatus,
    Program,
    ProgramQuota,
    ProgramStatus,
    SpendingLine,
    SpendingReport,
    SpendingStatus,
    Tranche,
    TrancheStatus,
    handover_date_error,
)
from groups.documents import sniff_document
from groups.models import BusinessGroup
from letters.models import DocumentKind
from letters.services import cancel_letter, issue_letter


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
        .select_related("program", "group", "decree")
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


def _award_one(*, program, quota, group, amount, by):
    ensure(rules.award(program=program, quota=quota, group=group, user=by))
    ensure(rules.award_amount(program=program, quota=quota, amount=amount))
    program.awarded_amount += amount
    quota.awarded_count += 1
    grant = Grant(
        program=program,
        group=group,
        amount=amount,
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
def grant_award(*, program, group, by, amount=None):
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


# Recipients' decrees (SK penerima) ---------------------------------------------------


def _locked_decree(decree) -> Decree:
    return (
        Decree.objects.select_for_update(no_key=True, of=("self",))
        .select_related("program", "signatory")
        .get(pk=decree.pk)
    )


@transaction.atomic
def decree_prepare(*, program, signatory, by) -> Decree:
    """A draft decree naming every awarded grant of the programme not yet in a decree, to
    be signed by `signatory`. The programme's lock keeps awards out while the list is made."""
    program = _locked_program(program)
    grants = list(
        rules.grants_without_decree(program)
        .select_for_update(no_key=True, of=("self",))
        .order_by("group__regency_id", "group__name", "pk")
    )
    ensure(rules.decree_prepare(program=program, user=by, waiting=len(grants)))
    ensure(rules.decree_signatory(user=signatory))
    decree = Decree(program=program, signatory=signatory, prepared_by=by)
    decree._change_reason = "prepared"
    decree._history_user = by
    decree.save()
    for grant in grants:
        grant.decree = decree
        grant._change_reason = "in_decree"
        grant._history_user = by
        grant.save(update_fields=["decree", "updated_at"])
    return decree


@transaction.atomic
def decree_sign(*, decree, by, signed_on: datetime.date) -> Decree:
    """draft → signed on `signed_on`: the decree takes its number from the register."""
    decree = _locked_decree(decree)
    ensure(rules.decree_sign(decree=decree, user=by))
    ensure(rules.decree_date(decree=decree, day=signed_on))
    count = decree.grants.count()
    decree.letter = issue_letter(
        kind=DocumentKind.DECREE,
        subject=(
            f"Penetapan penerima {decree.program.name} Tahun Anggaran "
            f"{decree.program.fiscal_year} ({count} kelompok)"
        ),
        by=by,
        signed_by=decree.signatory,
        issued_on=signed_on,
    )
    decree.status = DecreeStatus.SIGNED
    decree.signed_on = signed_on
    decree._change_reason = "signed"
    decree._history_user = by
    decree.save()
    return decree


@transaction.atomic
def decree_cancel(*, decree, by, reason: str) -> Decree:
    """A draft, or a signed decree whose grants have not received their aid, is cancelled:
    its grants wait for another decree; a signed one keeps its number, with the reason."""
    reason = required_reason(reason)
    decree = _locked_decree(decree)
    grants = list(decree.grants.select_for_update(no_key=True, of=("self",)).order_by("pk"))
    ensure(rules.decree_cancel(decree=decree, user=by))
    for grant in grants:
        grant.decree = None
        grant._change_reason = "out_of_decree"
        grant._history_user = by
        grant.save(update_fields=["decree", "updated_at"])
    if decree.letter_id:
        cancel_letter(letter=decree.letter, by=by, reason=reason)
    decree.status = DecreeStatus.CANCELLED
    decree.cancel_reason = reason
    decree._change_reason = "cancelled"
    decree._history_user = by
    decree.save()
    return decree


# Grant agreements (NPHD) ------------------------------------------------------------


def _store_document(grant, *, kind, upload, by) -> GrantDocument:
    """A file of the grant's paper trail, checked by its content, written to storage."""
    content_type, extension = sniff_document(upload)
    document = GrantDocument.from_upload(
        upload, content_type=content_type, extension=extension, by=by, grant=grant, kind=kind
    )
    document.save()
    return document


def _forget_files_on_rollback(documents):
    """Files written during a transaction that then failed are deleted again."""
    for document in documents:
        document.file.delete(save=False)


def _locked_agreement(agreement) -> Agreement:
    grant = _locked_grant(agreement.grant)
    agreement = (
        Agreement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("letter", "signatory")
        .get(pk=agreement.pk)
    )
    agreement.grant = grant
    return agreement


@transaction.atomic
def agreement_issue(*, grant, signatory, by, issued_on: datetime.date | None = None):
    """The grant's agreement (NPHD), numbered from the register, to print and sign."""
    grant = _locked_grant(grant)
    ensure(rules.agreement_issue(grant=grant, user=by))
    ensure(rules.decree_signatory(user=signatory))
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate() or (
        grant.decree.signed_on and issued_on < grant.decree.signed_on
    ):
        raise DomainError(_("The agreement date is between the decree's date and today."))
    group = grant.group
    agreement = Agreement(
        grant=grant,
        letter=issue_letter(
            kind=DocumentKind.AGREEMENT,
            subject=f"NPHD {group.name} ({group.registration_number}), {grant.program.name}",
            by=by,
            signed_by=signatory,
            regency_id=group.regency_id,
            issued_on=issued_on,
        ),
        issued_on=issued_on,
        signatory=signatory,
        issued_by=by,
    )
    agreement._change_reason = "issued"
    agreement._history_user = by
    agreement.save()
    return agreement


def agreement_sign(*, agreement, by, signed_on: datetime.date, scan):
    """issued → signed: the scan of the agreement signed by both parties (a PDF, JPEG or
    PNG, checked by its content) is kept with it. The aid can then go out."""
    written = []
    try:
        with transaction.atomic():
            agreement = _locked_agreement(agreement)
            ensure(rules.agreement_sign(agreement=agreement, user=by))
            ensure(rules.agreement_sign_date(agreement=agreement, day=signed_on))
            document = _store_document(
                agreement.grant, kind=GrantDocumentKind.AGREEMENT_SCAN, upload=scan, by=by
            )
            written.append(document)
            agreement.scan = document
            agreement.signed_on = signed_on
            agreement.status = AgreementStatus.SIGNED
            agreement._change_reason = "signed"
            agreement._history_user = by
            agreement.save()
            return agreement
    except Exception:
        _forget_files_on_rollback(written)
        raise


def _cancel_agreement(agreement, *, by, reason):
    if agreement.letter_id:
        cancel_letter(letter=agreement.letter, by=by, reason=reason)
    agreement.status = AgreementStatus.CANCELLED
    agreement.cancel_reason = reason
    agreement._change_reason = "cancelled"
    agreement._history_user = by
    agreement.save()
    return agreement


@transaction.atomic
def agreement_cancel(*, agreement, by, reason: str):
    """A wrong agreement of a grant not yet given its aid: cancelled with the reason; it
    keeps its number in the register and another can be issued."""
    reason = required_reason(reason)
    agreement = _locked_agreement(agreement)
    ensure(rules.agreement_cancel(agreement=agreement, user=by))
    return _cancel_agreement(agreement, by=by, reason=reason)


# Handover records (BAST) of in-kind aid ------------------------------------------------


def _locked_handover(handover) -> Handover:
    grant = _locked_grant(handover.grant)
    handover = (
        Handover.objects.select_for_update(no_key=True, of=("self",))
        .select_related("letter", "official")
        .get(pk=handover.pk)
    )
    handover.grant = grant
    return handover


def _handover_items(items) -> list[HandoverItem]:
    lines = []
    for position, item in enumerate(items, start=1):
        name = (item.get("name") or "").strip()
        quantity, unit_value = item.get("quantity") or 0, item.get("unit_value") or 0
        if not name or quantity <= 0 or unit_value <= 0:
            raise DomainError(
                _("Line %(n)d: an item needs its name, a quantity and a unit value.")
                % {"n": position}
            )
        lines.append(
            HandoverItem(
                position=position,
                name=name,
                quantity=quantity,
                unit=(item.get("unit") or "").strip() or "unit",
                unit_value=unit_value,
            )
        )
    if not lines:
        raise DomainError(_("List the goods handed over."))
    return lines


@transaction.atomic
def handover_issue(
    *, grant, items: list[dict], official, by, handed_over_on: datetime.date, place: str
):
    """The record of handover of an in-kind grant: its items add up to the grant. It takes
    the next BAST number of the register and is printed to be signed at the handover."""
    grant = _locked_grant(grant)
    ensure(rules.handover_issue(grant=grant, user=by))
    ensure(rules.decree_signatory(user=official))
    lines = _handover_items(items)
    total = sum(line.value for line in lines)
    ensure(rules.handover_items_total(grant=grant, total=total))
    agreement = grant.agreement
    if handed_over_on < agreement.signed_on:
        raise DomainError(_("The handover cannot be before the agreement was signed."))
    message = handover_date_error(grant.program, handed_over_on, _("The handover date"))
    if message:
        raise DomainError(message)
    group = grant.group
    handover = Handover(
        grant=grant,
        letter=issue_letter(
            kind=DocumentKind.HANDOVER,
            subject=f"BAST {group.name} ({group.registration_number}), {grant.program.name}",
            by=by,
            signed_by=official,
            regency_id=group.regency_id,
            issued_on=handed_over_on,
        ),
        handed_over_on=handed_over_on,
        place=(place or "").strip() or group.village.name,
        official=official,
        total=total,
        issued_by=by,
    )
    handover._change_reason = "issued"
    handover._history_user = by
    handover.save()
    for line in lines:
        line.handover = handover
    HandoverItem.objects.bulk_create(lines)
    return handover


def handover_sign(*, handover, by, scan):
    """issued → signed: the record signed by both parties is uploaded. For in-kind aid this
    takes the place of the transfer: the grant becomes active on the handover date, its
    whole value handed over (committed and withdrawn) and accounted for by the record."""
    written = []
    try:
        with transaction.atomic():
            handover = _locked_handover(handover)
            ensure(rules.handover_sign(handover=handover, user=by))
            document = _store_document(
                handover.grant, kind=GrantDocumentKind.HANDOVER_SCAN, upload=scan, by=by
            )
            written.append(document)
            handover.scan = document
            handover.status = HandoverStatus.SIGNED
            handover._change_reason = "signed"
            handover._history_user = by
            handover.save()
            grant = handover.grant
            grant.status = GrantStatus.ACTIVE
            grant.transferred_on = handover.handed_over_on
            grant.transfer_reference = handover.number
            # The whole value handed over at once, accounted for by the record itself.
            grant.committed_amount = grant.withdrawn_amount = grant.amount
            grant.accounted_amount = handover.total
            grant._change_reason = "handed_over"
            grant._history_user = by
            grant.save()
            _changed(grant, change="transferred")
            return handover
    except Exception:
        _forget_files_on_rollback(written)
        raise


@transaction.atomic
def handover_cancel(*, handover, by, reason: str):
    """A record not yet signed is withdrawn (wrong items, another date): it keeps its
    number, marked cancelled with the reason; another can be prepared."""
    reason = required_reason(reason)
    handover = _locked_handover(handover)
    ensure(rules.handover_cancel(handover=handover, user=by))
    cancel_letter(letter=handover.letter, by=by, reason=reason)
    handover.status = HandoverStatus.CANCELLED
    handover.cancel_reason = reason
    handover._change_reason = "cancelled"
    handover._history_user = by
    handover.save()
    return handover


# Spending accountability per tranche -----------------------------------------------------


def _locked_spending(report) -> SpendingReport:
    """The grant first, then the tranche's spending (the order of every tranche service)."""
    tranche = Tranche.objects.select_related("grant").get(pk=report.tranche_id)
    grant = _locked_grant(tranche.grant)
    report = (
        SpendingReport.objects.select_for_update(of=("self",))
        .select_related("tranche")
        .get(pk=report.pk)
    )
    report.tranche.grant = grant
    return report


def _set_spending(report, *, by, log, **fields):
    for name, value in fields.items():
        setattr(report, name, value)
    report._change_reason = log
    report._history_user = by
    report.save()
    return report


def spending_line_add(
    *, report, by, item: str, quantity: int, unit: str, amount: int, spent_on, supplier, receipt
):
    """A purchase paid from the tranche, with its receipt or photo (PDF, JPEG or PNG,
    checked by content); the lines never add up to more than the tranche."""
    written = []
    try:
        with transaction.atomic():
            report = _locked_spending(report)
            ensure(rules.spending_line_add(report=report, user=by))
            ensure(rules.spending_line(report=report, amount=amount, spent_on=spent_on))
            if not (item or "").strip() or not (supplier or "").strip():
                raise DomainError(_("Say what was bought and from whom."))
            document = _store_document(
                report.tranche.grant, kind=GrantDocumentKind.RECEIPT, upload=receipt, by=by
            )
            written.append(document)
            line = SpendingLine(
                report=report,
                item=item.strip(),
                quantity=quantity or 1,
                unit=(unit or "").strip() or "unit",
                amount=amount,
                spent_on=spent_on,
                supplier=supplier.strip(),
                receipt=document,
                added_by=by,
            )
            line._change_reason = "added"
            line._history_user = by
            line.save()
            _set_spending(report, by=by, log="line_added", total=report.total + amount)
            return line
    except Exception:
        _forget_files_on_rollback(written)
        raise


@transaction.atomic
def spending_line_remove(*, line, by):
    """A line recorded by mistake goes, with its receipt."""
    report = _locked_spending(line.report)
    ensure(rules.spending_write(report=report, user=by))
    line = SpendingLine.objects.select_related("receipt").get(pk=line.pk, report=report)
    document = line.receipt
    line._history_user = by
    line.delete()
    document.delete()
    transaction.on_commit(lambda: document.file.delete(save=False))
    return _set_spending(report, by=by, log="line_removed", total=report.total - line.amount)


@transaction.atomic
def spending_submit(*, report, by):
    """draft or returned → submitted for review."""
    report = _locked_spending(report)
    ensure(rules.spending_submit(report=report, user=by))
    return _set_spending(
        report,
        by=by,
        log="submitted",
        status=SpendingStatus.SUBMITTED,
        submitted_by=by,
        submitted_at=timezone.now(),
    )


@transaction.atomic
def spending_accept(*, report, by):
    """submitted → accepted: what it accounts for counts on the grant (and the dashboard)."""
    report = _locked_spending(report)
    ensure(rules.spending_review(report=report, user=by))
    report = _set_spending(
        report,
        by=by,
        log="accepted",
        status=SpendingStatus.ACCEPTED,
        return_reason="",
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
    grant = report.tranche.grant
    grant.accounted_amount += report.total
    grant._change_reason = "spending_accepted"
    grant._history_user = by
    grant.save(update_fields=["accounted_amount", "updated_at"])
    _changed(grant, change="spending")
    return report


@transaction.atomic
def spending_return(*, report, by, reason: str):
    """submitted → returned, with what the officer must fix."""
    reason = required_reason(reason)
    report = _locked_spending(report)
    ensure(rules.spending_review(report=report, user=by))
    return _set_spending(
        report,
        by=by,
        log="returned",
        status=SpendingStatus.RETURNED,
        return_reason=reason,
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )


# Grants ------------------------------------------------------------------------------


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
    agreement = grant.agreement
    if agreement is not None:  # it keeps its number, cancelled with the grant's reason
        _cancel_agreement(
            Agreement.objects.select_for_update(no_key=True).get(pk=agreement.pk),
            by=by,
            reason=reason,
        )
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
    tranches = list(
        grant.tranches.select_for_update(of=("self",))
        .select_related("spending")
        .order_by("sequence")
    )
    ensure(rules.tranche_request(grant=grant, user=by, tranches=tranches))
    if not (purpose or "").strip():
        raise DomainError(_("The purpose of the withdrawal is required."))
    ensure(rules.tranche_amount(grant=grant, amount=amount), field="amount")
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
    """requested → approved, by an approver who did not request it; the approval letter
    takes its number from the register, signed by the approver."""
    tranche = _locked_tranche(tranche)
    ensure(rules.tranche_approve(tranche=tranche, user=by))
    group = tranche.grant.group
    tranche.letter = issue_letter(
        kind=DocumentKind.TRANCHE_LETTER,
        subject=(
            f"Persetujuan pencairan dana hibah tahap {tranche.sequence} "
            f"{group.name} ({group.registration_number})"
        ),
        by=by,
        signed_by=by,
        regency_id=group.regency_id,
    )
    audit.record(audit.Event.TRANCHE_APPROVED, obj=tranche, user=by, detail=note.strip())
    return _decide(
        tranche, by=by, status=TrancheStatus.APPROVED, note=note.strip(), reason_key="approved"
    )


@transaction.atomic
def tranche_reject(*, tranche, by, reason: str):
    """requested → rejected, with a reason; the amount becomes available again."""
    reason = required_reason(reason)
    tranche = _locked_tranche(tranche)
    ensure(rules.tranche_reject(tranche=tranche, user=by))
    audit.record(audit.Event.TRANCHE_REJECTED, obj=tranche, user=by, detail=reason)
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
    # What it buys is accounted for, line by line, before the next tranche.
    spending = SpendingReport(tranche=tranche)
    spending._change_reason = "opened"
    spending._history_user = by
    spending.save()
    grant = tranche.grant
    grant.withdrawn_amount += tranche.amount
    if grant.status == GrantStatus.TRANSFERRED:
        grant.status = GrantStatus.ACTIVE
    grant._change_reason = "withdrawn"
    grant.save()
    _changed(grant, change="tranche")
    return tranche
