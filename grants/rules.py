"""Every precondition of a programme, grant or tranche change, as a predicate answering
`core.rules.Answer` (allowed, reason in the user's language).

The services ask these with the rows they have locked and raise the refusal; the pages, the
admin and "Menunggu Anda" ask the same ones to show or hide an action. A rule that needs a
list (a count on the home page) has its queryset form beside the predicate, and a test
checks that both agree.

Two rules depend on apps above this one and are asked through signals (grants/signals.py):
a transfer may wait for a training (training answers), a later tranche for the latest due
progress report (reports answers).
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from core.indonesia import format_rupiah
from core.rules import ALLOWED, Answer, ask, first_refusal, forbid, refuse
from core.scoping import role_and_scope
from grants import signals
from grants.models import (
    COMMITTED_STATUSES,
    TRANSFERRED_STATUSES,
    Agreement,
    AgreementStatus,
    AidForm,
    Decree,
    DecreeStatus,
    Grant,
    GrantStatus,
    Handover,
    HandoverStatus,
    ProgramStatus,
    SpendingReport,
    SpendingStatus,
    Tranche,
    TrancheStatus,
    programme_date_error,
)
from groups.models import BusinessGroup, GroupStatus
from letters.rules import signatory

# Programmes ---------------------------------------------------------------------------


def manage_programmes(user) -> Answer:
    """Programmes are set up by province staff, and by IT administrators in the admin."""
    return ALLOWED if user.is_superuser else role_and_scope(user, Action.PROGRAM_MANAGE)


def program_edit(*, program, user) -> Answer:
    """Change a programme's set-up (budget, rules, quotas): not once it is closed."""
    return first_refusal(
        manage_programmes(user),
        ALLOWED
        if program.status != ProgramStatus.CLOSED
        else refuse(_("A closed programme cannot be changed.")),
    )


def quota_remove(*, quota) -> Answer:
    """A regency's quota goes only while no group of it has been awarded."""
    if quota.awarded_count:
        return refuse(
            _("%(regency)s already has grants; its quota cannot be removed.")
            % {"regency": quota.regency}
        )
    return ALLOWED


def program_open(*, program, user) -> Answer:
    """draft → open: groups can be awarded."""
    return first_refusal(
        manage_programmes(user),
        lambda: (
            ALLOWED
            if program.status == ProgramStatus.DRAFT
            else refuse(_("Only a draft programme can be opened."))
        ),
        lambda: (
            ALLOWED
            if program.quotas.exists()
            else refuse(_("Set the regencies' quotas before opening the programme."))
        ),
    )


def program_close(*, program, user) -> Answer:
    """open → closed: no more awards; grants already awarded go on."""
    return first_refusal(
        manage_programmes(user),
        ALLOWED
        if program.status == ProgramStatus.OPEN
        else refuse(_("Only an open programme can be closed.")),
    )


# Awards ------------------------------------------------------------------------------


def awarding(*, program, quota, user, regency_id: str) -> Answer:
    """Whether the user may award grants of the programme in the regency now; `quota` is
    the programme's quota of that regency, None when it has none."""
    return first_refusal(
        role_and_scope(user, Action.GRANT_AWARD, regency_id=regency_id),
        lambda: (
            ALLOWED
            if program.status == ProgramStatus.OPEN
            else refuse(_("The programme is not open."))
        ),
        lambda: (
            ALLOWED
            if quota is not None
            else refuse(_("The programme has no quota for this regency."))
        ),
    )


def award(*, program, quota, group, user) -> Answer:
    """Whether the group may be awarded a grant in the programme (the amount aside)."""
    return first_refusal(
        lambda: awarding(program=program, quota=quota, user=user, regency_id=group.regency_id),
        lambda: (
            ALLOWED
            if group.status == GroupStatus.ELIGIBLE
            else refuse(
                _("%(group)s is not eligible (status %(status)s).")
                % {"group": group.name, "status": group.get_status_display()}
            )
        ),
        lambda: (
            refuse(_("%(group)s already has a grant in this programme.") % {"group": group.name})
            if Grant.objects.live().filter(program=program, group=group).exists()
            else ALLOWED
        ),
    )


def award_amount(*, program, quota, amount: int) -> Answer:
    """Whether the amount fits the programme's budget and the regency's quota a place."""
    if amount is None or amount <= 0:
        return refuse(_("The amount must be more than Rp0."))
    if program.awarded_amount + amount > program.total_budget:
        return refuse(
            _("The budget is not enough: %(left)s left, %(asked)s asked.")
            % {"left": format_rupiah(program.budget_left), "asked": format_rupiah(amount)}
        )
    if quota.awarded_count >= quota.group_count:
        return refuse(
            _("The quota of %(regency)s (%(count)d groups) is used up.")
            % {"regency": quota.regency.name, "count": quota.group_count}
        )
    return ALLOWED


def groups_to_award(user):
    """Eligible groups the user may award with no live grant, as a queryset (the home
    page's count; `award` decides for each group and programme)."""
    if not role_and_scope(user, Action.GRANT_AWARD):
        return BusinessGroup.objects.none()
    return (
        BusinessGroup.objects.visible_to(user)
        .filter(status=GroupStatus.ELIGIBLE)
        .exclude(Exists(Grant.objects.live().filter(group=OuterRef("pk"))))
    )


# Recipients' decrees (SK penerima) ---------------------------------------------------


def grants_without_decree(program):
    """The programme's awarded grants that no decree names yet: a new draft takes them."""
    return Grant.objects.filter(
        program=program, status=GrantStatus.AWARDED, decree__isnull=True
    ).select_related("group")


def decree_prepare(*, program, user, waiting: int | None = None) -> Answer:
    """A draft decree for the programme's awarded grants not yet in one. `waiting`: how
    many there are, when the caller has counted them."""
    return first_refusal(
        role_and_scope(user, Action.DECREE_MANAGE),
        ALLOWED
        if program.status != ProgramStatus.DRAFT
        else refuse(_("The programme is still a draft.")),
        lambda: (
            ALLOWED
            if (grants_without_decree(program).count() if waiting is None else waiting)
            else refuse(_("Every awarded grant of the programme is already in a decree."))
        ),
    )


def decree_signatory(*, user) -> Answer:
    """The official named on a decree: province-wide, with a position and a NIP."""
    if user is not None and not user.has_province_scope:
        return refuse(_("A decree is signed by an official of the province."))
    return signatory(user)


def decree_sign(*, decree, user) -> Answer:
    """draft → signed: the decree gets its number from the register and its date."""
    return first_refusal(
        role_and_scope(user, Action.DECREE_MANAGE),
        ALLOWED
        if decree.status == DecreeStatus.DRAFT
        else refuse(_("Only a draft decree can be recorded as signed.")),
        lambda: decree_signatory(user=decree.signatory),
    )


def decree_date(*, decree, day: datetime.date) -> Answer:
    message = programme_date_error(decree.program, day, _("The decree date"))
    return refuse(message) if message else ALLOWED


def decree_cancel(*, decree, user) -> Answer:
    """A draft, or a signed decree none of whose grants has received its aid yet, is
    cancelled; its grants wait for another decree (a signed one keeps its number)."""
    return first_refusal(
        role_and_scope(user, Action.DECREE_MANAGE),
        ALLOWED
        if decree.status in (DecreeStatus.DRAFT, DecreeStatus.SIGNED)
        else refuse(_("This decree is already cancelled.")),
        lambda: (
            refuse(_("Grants of this decree have already received their aid: it stays in force."))
            if decree.grants.filter(status__in=TRANSFERRED_STATUSES).exists()
            else ALLOWED
        ),
    )


def decrees_to_sign(user):
    """Draft decrees the user may record as signed, as a queryset."""
    if not role_and_scope(user, Action.DECREE_MANAGE):
        return Decree.objects.none()
    return Decree.objects.filter(status=DecreeStatus.DRAFT)


# Grant agreements (NPHD) ----------------------------------------------------------------


def agreement_issue(*, grant, user) -> Answer:
    """Issue the grant's agreement (numbered from the register, printed to be signed): an
    awarded grant in a signed decree with no agreement in force."""
    return first_refusal(
        role_and_scope(user, Action.AGREEMENT_ISSUE, regency_id=grant.group.regency_id),
        ALLOWED
        if grant.status == GrantStatus.AWARDED
        else refuse(_("An agreement is made for an awarded grant, before its aid.")),
        lambda: in_signed_decree(grant),
        lambda: (
            refuse(_("The grant already has an agreement in force."))
            if grant.agreement is not None
            else ALLOWED
        ),
    )


def _agreement_open(agreement) -> Answer:
    if agreement.grant.status != GrantStatus.AWARDED:
        return refuse(_("The grant's aid has already gone out (or it is cancelled)."))
    return ALLOWED


def agreement_sign(*, agreement, user) -> Answer:
    """issued → signed: the scan of the agreement signed by both parties is uploaded."""
    return first_refusal(
        role_and_scope(user, Action.AGREEMENT_SIGN, regency_id=agreement.grant.group.regency_id),
        ALLOWED
        if agreement.status == AgreementStatus.ISSUED
        else refuse(_("Only an agreement waiting for its signatures can be recorded as signed.")),
        lambda: _agreement_open(agreement),
    )


def agreement_sign_date(*, agreement, day: datetime.date) -> Answer:
    if day > timezone.localdate():
        return refuse(_("The signing date cannot be in the future."))
    if day < agreement.issued_on:
        return refuse(_("The agreement cannot be signed before its date."))
    return ALLOWED


def agreement_cancel(*, agreement, user) -> Answer:
    """An agreement whose grant has not received its aid is cancelled (a wrong one): it
    keeps its number in the register, and another can be issued."""
    return first_refusal(
        role_and_scope(user, Action.AGREEMENT_ISSUE, regency_id=agreement.grant.group.regency_id),
        ALLOWED
        if agreement.status != AgreementStatus.CANCELLED
        else refuse(_("This agreement is already cancelled.")),
        lambda: _agreement_open(agreement),
    )


def agreements_to_sign(user):
    """Agreements waiting for their signed scan that the user may record, as a queryset."""
    if not role_and_scope(user, Action.AGREEMENT_SIGN):
        return Agreement.objects.none()
    return Agreement.objects.visible_to(user).filter(
        status=AgreementStatus.ISSUED, grant__status=GrantStatus.AWARDED
    )


def grants_to_issue_agreement(user):
    """Grants of a signed decree with no agreement in force, as a queryset."""
    if not role_and_scope(user, Action.AGREEMENT_ISSUE):
        return Grant.objects.none()
    return (
        Grant.objects.visible_to(user)
        .filter(status=GrantStatus.AWARDED, decree__status=DecreeStatus.SIGNED)
        .exclude(
            Exists(
                Agreement.objects.filter(grant=OuterRef("pk")).exclude(
                    status=AgreementStatus.CANCELLED
                )
            )
        )
    )


# Handover records (BAST) of in-kind aid ---------------------------------------------------


def handover_in_force(grant):
    return grant.handovers.exclude(status=HandoverStatus.CANCELLED).select_related("letter").first()


def handover_issue(*, grant, user) -> Answer:
    """Prepare the record of handover of an in-kind grant whose decree and agreement are
    signed, and which has none in force."""
    return first_refusal(
        role_and_scope(user, Action.HANDOVER_MANAGE, regency_id=grant.group.regency_id),
        ALLOWED
        if grant.program.aid_form == AidForm.IN_KIND
        else refuse(_("Only in-kind aid is handed over with a handover record (BAST).")),
        ALLOWED
        if grant.status == GrantStatus.AWARDED
        else refuse(_("The aid of this grant has already been given (or it is cancelled).")),
        lambda: in_signed_decree(grant),
        lambda: agreement_signed(grant),
        lambda: (
            refuse(_("The grant already has a handover record in force."))
            if handover_in_force(grant) is not None
            else ALLOWED
        ),
    )


def handover_items_total(*, grant, total: int) -> Answer:
    """The goods handed over are the grant: their values add up to its amount."""
    if total == grant.amount:
        return ALLOWED
    return refuse(
        _(
            "The items add up to %(total)s but the grant is %(amount)s: the handover record "
            "accounts for the whole grant (%(difference)s %(direction)s)."
        )
        % {
            "total": format_rupiah(total),
            "amount": format_rupiah(grant.amount),
            "difference": format_rupiah(abs(grant.amount - total)),
            "direction": _("missing") if total < grant.amount else _("too much"),
        }
    )


def handover_sign(*, handover, user) -> Answer:
    """issued → signed: the signed record is uploaded and the aid has reached the group
    (for in-kind aid, in place of the transfer: the programme's transfer conditions apply)."""
    grant = handover.grant
    return first_refusal(
        role_and_scope(user, Action.HANDOVER_SIGN, regency_id=grant.group.regency_id),
        ALLOWED
        if handover.status == HandoverStatus.ISSUED
        else refuse(_("Only a handover record waiting for its signatures can be uploaded.")),
        ALLOWED
        if grant.status == GrantStatus.AWARDED
        else refuse(_("The aid of this grant has already been given (or it is cancelled).")),
        lambda: (
            refuse(
                _("The handover is dated %(date)s: upload the signed record from that day on.")
                % {"date": formats.date_format(handover.handed_over_on)}
            )
            if handover.handed_over_on > timezone.localdate()
            else ALLOWED
        ),
        lambda: ask(signals.transfer_check, grant=grant, transferred_on=handover.handed_over_on),
    )


def handover_cancel(*, handover, user) -> Answer:
    return first_refusal(
        role_and_scope(user, Action.HANDOVER_MANAGE, regency_id=handover.grant.group.regency_id),
        ALLOWED
        if handover.status == HandoverStatus.ISSUED
        else refuse(_("Only a handover record not yet signed can be cancelled.")),
    )


def grants_to_hand_over(user):
    """In-kind grants ready for their handover record (decree and agreement signed, no
    record in force), as a queryset."""
    if not role_and_scope(user, Action.HANDOVER_MANAGE):
        return Grant.objects.none()
    return (
        Grant.objects.visible_to(user)
        .filter(
            status=GrantStatus.AWARDED,
            program__aid_form=AidForm.IN_KIND,
            decree__status=DecreeStatus.SIGNED,
            agreements__status=AgreementStatus.SIGNED,
        )
        .exclude(
            Exists(
                Handover.objects.filter(grant=OuterRef("pk")).exclude(
                    status=HandoverStatus.CANCELLED
                )
            )
        )
    )


def handovers_to_sign(user):
    """Handover records waiting for their signed scan, as a queryset."""
    if not role_and_scope(user, Action.HANDOVER_SIGN):
        return Handover.objects.none()
    return Handover.objects.visible_to(user).filter(
        status=HandoverStatus.ISSUED, grant__status=GrantStatus.AWARDED
    )


# Spending accountability per tranche ---------------------------------------------------


def spending_write(*, report, user) -> Answer:
    """Record what the tranche bought (add or remove lines) while it is not submitted."""
    grant = report.tranche.grant
    return first_refusal(
        role_and_scope(user, Action.SPENDING_WRITE, regency_id=grant.group.regency_id),
        ALLOWED
        if report.status in (SpendingStatus.DRAFT, SpendingStatus.RETURNED)
        else refuse(_("Submitted or accepted spending cannot be changed.")),
    )


def spending_line_add(*, report, user) -> Answer:
    """Record one more purchase: while the purchases do not account for the whole tranche."""
    return first_refusal(
        lambda: spending_write(report=report, user=user),
        ALLOWED
        if report.total < report.tranche.amount
        else refuse(_("The purchases already account for the whole tranche.")),
    )


def spending_line(*, report, amount: int, spent_on: datetime.date) -> Answer:
    """A purchase of more than Rp0, not in the future nor before the tranche was approved,
    within what the tranche released."""
    tranche = report.tranche
    if amount is None or amount <= 0:
        return refuse(_("The amount must be more than Rp0."))
    if spent_on > timezone.localdate():
        return refuse(_("The date of purchase cannot be in the future."))
    if tranche.decided_at and spent_on < timezone.localdate(tranche.decided_at):
        return refuse(_("The purchase is dated before the tranche was approved."))
    if report.total + amount > tranche.amount:
        return refuse(
            _("The lines would add up to more than the tranche (%(amount)s); %(left)s is left.")
            % {
                "amount": format_rupiah(tranche.amount),
                "left": format_rupiah(tranche.amount - report.total),
            }
        )
    return ALLOWED


def spending_submit(*, report, user, lines: int | None = None) -> Answer:
    """draft or returned → submitted, with at least one line."""
    return first_refusal(
        lambda: spending_write(report=report, user=user),
        lambda: (
            ALLOWED
            if (report.lines.count() if lines is None else lines)
            else refuse(_("Record at least one purchase with its receipt."))
        ),
    )


def spending_review(*, report, user) -> Answer:
    """submitted → accepted or returned, by the head of the regency office or province
    staff."""
    return first_refusal(
        role_and_scope(
            user, Action.SPENDING_REVIEW, regency_id=report.tranche.grant.group.regency_id
        ),
        ALLOWED
        if report.status == SpendingStatus.SUBMITTED
        else refuse(_("Only submitted spending can be reviewed.")),
    )


def spending_to_record(user):
    """Spending of withdrawn tranches the user may still record and submit, as a queryset."""
    if not role_and_scope(user, Action.SPENDING_WRITE):
        return SpendingReport.objects.none()
    return SpendingReport.objects.visible_to(user).filter(
        status__in=(SpendingStatus.DRAFT, SpendingStatus.RETURNED)
    )


def spending_to_review(user):
    """Submitted spending the user may accept or return, as a queryset."""
    if not role_and_scope(user, Action.SPENDING_REVIEW):
        return SpendingReport.objects.none()
    return SpendingReport.objects.visible_to(user).filter(status=SpendingStatus.SUBMITTED)


# Grants ------------------------------------------------------------------------------


def transfer(*, grant, user, transferred_on: datetime.date | None = None) -> Answer:
    """awarded → transferred on `transferred_on` (today when not given)."""
    day = transferred_on or timezone.localdate()
    return first_refusal(
        role_and_scope(user, Action.GRANT_TRANSFER, regency_id=grant.group.regency_id),
        lambda: (
            ALLOWED
            if grant.status == GrantStatus.AWARDED
            else refuse(_("Only an awarded grant can be recorded as transferred."))
        ),
        lambda: (
            refuse(_("In-kind aid is handed over with a handover record (BAST), not transferred."))
            if grant.program.aid_form == AidForm.IN_KIND
            else ALLOWED
        ),
        lambda: in_signed_decree(grant),
        lambda: agreement_signed(grant, day=day),
        lambda: transfer_date(grant=grant, day=day),
        lambda: ask(signals.transfer_check, grant=grant, transferred_on=day),
    )


def agreement_signed(grant, *, day: datetime.date | None = None) -> Answer:
    """The aid reaches a group only once its agreement (NPHD) is signed and uploaded (and
    not before the day it was signed)."""
    agreement = grant.agreement
    if agreement is None or not agreement.is_signed:
        return refuse(_("The grant agreement (NPHD) has not been signed and uploaded yet."))
    if day is not None and agreement.signed_on and day < agreement.signed_on:
        return refuse(
            _("The aid cannot go out before the NPHD was signed (%(date)s).")
            % {"date": formats.date_format(agreement.signed_on)}
        )
    return ALLOWED


def in_signed_decree(grant) -> Answer:
    """The aid reaches a group only once a signed decree names it."""
    if grant.decree_id is not None and grant.decree.status == DecreeStatus.SIGNED:
        return ALLOWED
    return refuse(_("The grant is not yet in a signed recipients' decree (SK penerima)."))


def transfer_date(*, grant, day: datetime.date) -> Answer:
    message = programme_date_error(grant.program, day, _("The transfer date"))
    return refuse(message) if message else ALLOWED


def cancel(*, grant, user) -> Answer:
    """awarded or transferred, with nothing committed in tranches → cancelled."""
    return first_refusal(
        role_and_scope(user, Action.GRANT_CLOSE, regency_id=grant.group.regency_id),
        ALLOWED
        if grant.status in (GrantStatus.AWARDED, GrantStatus.TRANSFERRED)
        else refuse(_("This grant can no longer be cancelled.")),
        refuse(_("The grant has tranches; it cannot be cancelled."))
        if grant.committed_amount
        else ALLOWED,
    )


def complete(*, grant, user) -> Answer:
    """active → completed, once the whole grant has been withdrawn."""
    return first_refusal(
        role_and_scope(user, Action.GRANT_CLOSE, regency_id=grant.group.regency_id),
        ALLOWED
        if grant.status == GrantStatus.ACTIVE
        else refuse(_("Only an active grant can be completed.")),
        ALLOWED
        if grant.withdrawn_amount == grant.amount
        else refuse(
            _("%(left)s of the grant has not been withdrawn yet.")
            % {"left": format_rupiah(grant.amount - grant.withdrawn_amount)}
        ),
    )


def grants_to_transfer(user):
    """The grants `transfer` would let the user record today, as a queryset (the role and
    the state; the training rule is asked on the grant's page)."""
    if not role_and_scope(user, Action.GRANT_TRANSFER):
        return Grant.objects.none()
    return Grant.objects.visible_to(user).filter(
        status=GrantStatus.AWARDED,
        program__aid_form=AidForm.CASH,
        decree__status=DecreeStatus.SIGNED,
        agreements__status=AgreementStatus.SIGNED,
    )


# Tranches ----------------------------------------------------------------------------


def _held(tranches) -> list:
    return [t for t in tranches if t.status in COMMITTED_STATUSES]


def tranche_request(*, grant, user, tranches=None) -> Answer:
    """Whether a new tranche may be requested now (the amount is `tranche_amount`'s rule).
    `tranches`: the grant's tranches when the caller has them (locked, in the service)."""
    if tranches is None:
        tranches = list(grant.tranches.select_related("spending"))
    held = _held(tranches)
    program = grant.program
    return first_refusal(
        role_and_scope(user, Action.TRANCHE_REQUEST, regency_id=grant.group.regency_id),
        _tranche_stage(grant),
        refuse(_("The grant already has a tranche waiting for a decision."))
        if any(t.status == TrancheStatus.REQUESTED for t in tranches)
        else ALLOWED,
        refuse(_("The programme allows at most %(n)d tranches.") % {"n": program.max_tranches})
        if len(held) >= program.max_tranches
        else ALLOWED,
        ALLOWED
        if grant.available_amount > 0
        else refuse(_("The whole grant is committed in tranches.")),
        lambda: spending_accounted(grant=grant, tranches=held),
        lambda: (
            ask(signals.later_tranche_check, grant=grant)
            if held and program.tranche_needs_report
            else ALLOWED
        ),
    )


def spending_accounted(*, grant, tranches) -> Answer:
    """A later tranche waits for the spending of the earlier ones: each withdrawn, its
    spending accepted and covering at least the programme's share of what was withdrawn."""
    share = grant.program.spending_share_percent
    if not share:
        return ALLOWED
    for tranche in sorted(tranches, key=lambda t: t.sequence):
        n = {"n": tranche.sequence}
        if tranche.status == TrancheStatus.APPROVED:
            return refuse(
                _(
                    "Tranche %(n)d has not been withdrawn yet: its spending is accounted for "
                    "before the next tranche."
                )
                % n
            )
        if tranche.status != TrancheStatus.WITHDRAWN:
            continue
        report = getattr(tranche, "spending", None)
        if report is None or report.status != SpendingStatus.ACCEPTED:
            status = report.get_status_display() if report else SpendingStatus.DRAFT.label
            return refuse(
                _(
                    "The spending of tranche %(n)d has not been accepted yet (%(status)s): the "
                    "next tranche waits for it."
                )
                % {**n, "status": status}
            )
        needed = -(-tranche.amount * share // 100)  # rounded up: whole Rupiah
        if report.total < needed:
            return refuse(
                _(
                    "The accepted spending of tranche %(n)d covers %(spent)s of %(withdrawn)s; "
                    "the programme asks for %(share)d %% (%(needed)s) before the next tranche."
                )
                % {
                    **n,
                    "spent": format_rupiah(report.total),
                    "withdrawn": format_rupiah(tranche.amount),
                    "share": share,
                    "needed": format_rupiah(needed),
                }
            )
    return ALLOWED


def _tranche_stage(grant) -> Answer:
    if grant.program.aid_form == AidForm.IN_KIND:
        return refuse(_("In-kind aid has no tranches: the goods are handed over at once."))
    if grant.status in (GrantStatus.TRANSFERRED, GrantStatus.ACTIVE):
        return ALLOWED
    if grant.status == GrantStatus.AWARDED:
        return refuse(_("Tranches can be requested only once the grant has been transferred."))
    return refuse(
        _("The grant is %(status)s: no more tranches.") % {"status": grant.get_status_display()}
    )


def grants_awaiting_first_tranche(user):
    """Transferred grants with no tranche yet that the user may ask for, as a queryset."""
    if not role_and_scope(user, Action.TRANCHE_REQUEST):
        return Grant.objects.none()
    return (
        Grant.objects.visible_to(user)
        .filter(status=GrantStatus.TRANSFERRED)
        .exclude(Exists(Tranche.objects.filter(grant=OuterRef("pk"))))
    )


def first_tranche_limit(grant) -> int | None:
    """The most the first tranche may be, while no tranche holds part of the grant."""
    if grant.committed_amount:
        return None
    return grant.amount * grant.program.first_tranche_max_percent // 100


def tranche_amount(*, grant, amount: int) -> Answer:
    """Whether a tranche of `amount` fits: more than zero, the first tranche's share, and
    what is still available."""
    if amount is None or amount <= 0:
        return refuse(_("The amount must be more than Rp0."))
    limit = first_tranche_limit(grant)
    if limit is not None and amount > limit:
        return refuse(
            _("The first tranche may be at most %(pct)d %% of the grant (%(max)s).")
            % {"pct": grant.program.first_tranche_max_percent, "max": format_rupiah(limit)}
        )
    if grant.committed_amount + amount > grant.amount:
        return refuse(
            _("Only %(left)s of the grant is still available.")
            % {"left": format_rupiah(grant.available_amount)}
        )
    return ALLOWED


def _decision(tranche, user, *, own_message) -> Answer:
    return first_refusal(
        role_and_scope(user, Action.TRANCHE_DECIDE, regency_id=tranche.grant.group.regency_id),
        ALLOWED
        if tranche.status == TrancheStatus.REQUESTED
        else refuse(
            _("This tranche has already been handled (%(status)s).")
            % {"status": tranche.get_status_display()}
        ),
        forbid(own_message) if tranche.requested_by_id == user.pk else ALLOWED,
    )


def tranche_approve(*, tranche, user) -> Answer:
    """requested → approved, by an approver who did not request it (four eyes) and who can
    sign the approval letter (position and NIP recorded)."""
    return first_refusal(
        _decision(
            tranche, user, own_message=_("You cannot approve a tranche you requested yourself.")
        ),
        lambda: signatory(user),
    )


def tranche_reject(*, tranche, user) -> Answer:
    """requested → rejected, by an approver who did not request it (four eyes)."""
    return _decision(
        tranche, user, own_message=_("You cannot decide on a tranche you requested yourself.")
    )


def tranches_to_decide(user):
    """The tranches `tranche_approve` allows the user, as a queryset."""
    if not role_and_scope(user, Action.TRANCHE_DECIDE):
        return Tranche.objects.none()
    return (
        Tranche.objects.visible_to(user)
        .filter(status=TrancheStatus.REQUESTED)
        .exclude(requested_by=user)
    )


def tranche_cancel(*, tranche, user) -> Answer:
    """requested → cancelled, by the officer who requested it."""
    return first_refusal(
        role_and_scope(user, Action.TRANCHE_REQUEST, regency_id=tranche.grant.group.regency_id),
        ALLOWED
        if tranche.requested_by_id == user.pk
        else forbid(_("Only the person who requested a tranche can cancel it.")),
        ALLOWED
        if tranche.status == TrancheStatus.REQUESTED
        else refuse(
            _("This tranche has already been handled (%(status)s).")
            % {"status": tranche.get_status_display()}
        ),
    )


def tranche_mark_withdrawn(*, tranche, user) -> Answer:
    """approved → withdrawn: the group took the money out of its account."""
    return first_refusal(
        role_and_scope(
            user, Action.TRANCHE_MARK_WITHDRAWN, regency_id=tranche.grant.group.regency_id
        ),
        ALLOWED
        if tranche.status == TrancheStatus.APPROVED
        else refuse(_("Only an approved tranche can be recorded as withdrawn.")),
    )


def withdrawal_date(*, tranche, day: datetime.date) -> Answer:
    """Not in the future and not before the approval."""
    if day > timezone.localdate():
        return refuse(_("The withdrawal date cannot be in the future."))
    if tranche.decided_at and day < timezone.localdate(tranche.decided_at):
        return refuse(_("The withdrawal date cannot be before the approval."))
    return ALLOWED


def tranches_to_record_withdrawn(user):
    """The tranches `tranche_mark_withdrawn` allows the user, as a queryset."""
    if not role_and_scope(user, Action.TRANCHE_MARK_WITHDRAWN):
        return Tranche.objects.none()
    return Tranche.objects.visible_to(user).filter(status=TrancheStatus.APPROVED)


def tranche_letter(*, tranche) -> Answer:
    """An approval letter exists once a tranche is approved (and stays once withdrawn)."""
    if tranche.status in (TrancheStatus.APPROVED, TrancheStatus.WITHDRAWN):
        return ALLOWED
    return refuse(_("Only an approved tranche has an approval letter."))
