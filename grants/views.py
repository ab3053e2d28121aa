from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import Action, can
from core.errors import DomainError
from core.numbers import percent
from core.scoping import get_visible_or_404
from core.view_helpers import (
    add_errors_to_form,
    paginate,
    require_answer,
    require_role,
    transition_view,
)
from core.xlsx import table_response
from grants import exports, rules, selectors, services
from grants.filters import GrantFilter, TrancheQueueFilter
from grants.forms import (
    AgreementIssueForm,
    AwardForm,
    BulkAwardForm,
    DecisionNoteForm,
    DecreePrepareForm,
    ProgramForm,
    ScanForm,
    TrancheRequestForm,
    TransferForm,
    UploadForm,
    WithdrawalForm,
    quota_formset,
)
from grants.models import (
    GRANT_AMOUNT_LABEL,
    GrantStatus,
    Program,
    ProgramQuota,
    Tranche,
    TrancheStatus,
    parts_sum,
)
from grants.tables import GrantTable, ProgramTable, TrancheQueueTable
from groups.forms import ReasonForm
from regions.models import Regency

# Programmes -------------------------------------------------------------------------


def program_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    table = ProgramTable(selectors.program_list())
    paginate(request, table)
    return render(
        request,
        "grants/program_list.html",
        {"table": table, "can_create": rules.manage_programmes(request.user)},
    )


@require_safe
def program_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    table = ProgramTable(selectors.program_list())
    return table_response(
        request, table, stem="program", sheet="Program", columns=exports.PROGRAM_COLUMNS
    )


def program_detail(request, pk):
    # Programmes are province-wide reference data: every role sees every programme.
    program = get_object_or_404(Program, pk=pk)
    return _program_page(request, program)


def _program(request, pk):
    return get_object_or_404(Program, pk=pk)


@require_http_methods(["GET", "POST"])
def program_setup(request, pk=None):
    """Create a programme (a draft) or change its set-up: budget, group criteria, tranche
    rules and the regencies' quotas, in one save."""
    user = request.user
    program = Program() if pk is None else _program(request, pk)
    require_answer(
        rules.manage_programmes(user)
        if pk is None
        else rules.program_edit(program=program, user=user)
    )
    regencies = Regency.objects.in_province()
    missing = regencies.exclude(pk__in=program.quotas.values("regency")) if pk else regencies
    QuotaFormSet = quota_formset(extra=missing.count())
    form = ProgramForm(request.POST or None, instance=program)
    formset = QuotaFormSet(
        request.POST or None,
        instance=program,
        prefix="quotas",
        regencies=regencies,
        queryset=program.quotas.select_related("regency") if pk else ProgramQuota.objects.none(),
        initial=[{"regency": regency} for regency in missing],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                saved = services.program_save(
                    program=form.save(commit=False), changed=set(form.changed_data), by=user
                )
                services.quotas_save(
                    program=saved,
                    quotas=formset.quotas_to_save(),
                    removed=formset.quotas_to_remove(),
                    by=user,
                )
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(request, _("The programme %(name)s is saved.") % {"name": saved})
            return redirect(saved)
    return render(
        request,
        "grants/program_form.html",
        {"form": form, "formset": formset, "program": program if pk else None},
    )


program_open = transition_view(
    load=_program,
    rule=lambda program, user: rules.program_open(program=program, user=user),
    service=services.program_open,
    subject="program",
    done=lambda program: _("The programme %(name)s is open.") % {"name": program.name},
)
program_close = transition_view(
    load=_program,
    rule=lambda program, user: rules.program_close(program=program, user=user),
    service=services.program_close,
    subject="program",
    done=lambda program: _("The programme %(name)s is closed.") % {"name": program.name},
)


def _program_page(request, program, *, regency_code=None, bulk_form=None, award_form=None):
    """The programme with its quotas; for one chosen regency, its grants and (for those
    who award) the eligible groups that can still be awarded."""
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    quotas = list(selectors.program_quotas(program=program, user=user))
    if regency_code is None:
        regency_code = request.GET.get("regency") or (user.regency_id if quotas else None)
    quota = next((q for q in quotas if q.regency_id == regency_code), None)
    awarding = quota is not None and rules.awarding(
        program=program, quota=quota, user=user, regency_id=quota.regency_id
    )
    context = {
        "program": program,
        "used_percent": percent(program.awarded_amount, program.total_budget),
        "quotas": quotas,
        "quota": quota,
        # A refused award is shown with its form, even if the programme has just closed.
        "can_award": awarding or bulk_form is not None or award_form is not None,
        "can_edit": rules.program_edit(program=program, user=user),
        "can_open": rules.program_open(program=program, user=user),
        "can_close": rules.program_close(program=program, user=user),
        **_decree_part(program, user),
    }
    if quota is not None:
        grants = selectors.grant_list(user=user).filter(
            program=program, group__regency_id=quota.regency_id
        )
        table = GrantTable(grants, exclude=("program", "regency"))
        paginate(request, table, per_page=50)
        context["grant_table"] = table
        if context["can_award"]:
            candidates = selectors.award_candidates(
                program=program, regency=quota.regency, user=user
            )
            if bulk_form is None:
                # The "check the first N" link pre-checks as many as the quota has places.
                initial = {}
                if request.GET.get("check") == "first":
                    initial["groups"] = list(candidates[: max(quota.left, 0)])
                bulk_form = BulkAwardForm(candidates=candidates, initial=initial)
            context["bulk_form"] = bulk_form
            if award_form is None:
                # Opened from a group's page: that group is chosen.
                chosen = candidates.filter(pk=_int_or_none(request.GET.get("group"))).first()
                award_form = AwardForm(
                    candidates=candidates,
                    initial={"amount": program.default_amount, "group": chosen},
                )
                context["award_open"] = chosen is not None
            context["award_form"] = award_form
    return render(request, "grants/program_detail.html", context)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decree_part(program, user) -> dict:
    """The programme's decrees, and the form to prepare one for its grants not in one."""
    waiting = rules.grants_without_decree(program).count()
    can_prepare = rules.decree_prepare(program=program, user=user, waiting=waiting)
    return {
        "decrees": list(selectors.decree_list(user=user).filter(program=program).order_by("pk")),
        "decree_waiting": waiting,
        "can_prepare_decree": can_prepare,
        "decree_form": DecreePrepareForm() if can_prepare else None,
    }


def _program_url(program, regency_id):
    return f"{program.get_absolute_url()}?{urlencode({'regency': regency_id})}"


def _award_quota(request, program):
    """The quota of the regency the award form is for; 404 outside the user's scope."""
    return get_visible_or_404(
        ProgramQuota.objects.select_related("regency"),
        request.user,
        program=program,
        regency_id=request.POST.get("regency", ""),
    )


@require_POST
def grant_award_bulk(request, pk):
    program = get_object_or_404(Program, pk=pk)
    require_role(request.user, Action.GRANT_AWARD)
    quota = _award_quota(request, program)
    candidates = selectors.award_candidates(
        program=program, regency=quota.regency, user=request.user
    )
    form = BulkAwardForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            grants = services.grant_award_bulk(
                program=program,
                regency_id=quota.regency_id,
                groups=list(form.cleaned_data["groups"]),
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, _("Nothing was awarded:"))
            add_errors_to_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d grant is awarded.", "%(count)d grants are awarded.", len(grants)
                )
                % {"count": len(grants)},
            )
            return redirect(_program_url(program, quota.regency_id))
    return _program_page(request, program, regency_code=quota.regency_id, bulk_form=form)


@require_POST
def grant_award(request, pk):
    program = get_object_or_404(Program, pk=pk)
    require_role(request.user, Action.GRANT_AWARD)
    quota = _award_quota(request, program)
    candidates = selectors.award_candidates(
        program=program, regency=quota.regency, user=request.user
    )
    form = AwardForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            grant = services.grant_award(program=program, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(
                request, _("The grant to %(group)s is awarded.") % {"group": grant.group.name}
            )
            return redirect(grant)
    return _program_page(request, program, regency_code=quota.regency_id, award_form=form)


# Grants -----------------------------------------------------------------------------


def _grant_table(request):
    grant_filter = GrantFilter(
        request.GET, queryset=selectors.grant_list_base(user=request.user), user=request.user
    )
    return grant_filter, GrantTable(selectors.grant_list_rows(grant_filter.qs))


def grant_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    grant_filter, table = _grant_table(request)
    paginate(request, table)
    return render(
        request,
        "grants/grant_list.html",
        {
            "filter": grant_filter,
            "table": table,
            "can_read_queue": _may_read_queue(request.user),
        },
    )


@require_safe
def grant_list_export(request):
    """The grants of the list page (same filters and order, what the user may see)."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _grant_table(request)
    return table_response(
        request, table, stem="hibah", sheet="Hibah", columns=exports.GRANT_COLUMNS
    )


def grant_detail(request, pk):
    grant = get_visible_or_404(selectors.grant_for_detail(), request.user, pk=pk)
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    tranches = list(selectors.grant_tranches(grant=grant))
    for tranche in tranches:
        tranche.grant = grant
        tranche.may_cancel = rules.tranche_cancel(tranche=tranche, user=user)
        tranche.has_letter = rules.tranche_letter(tranche=tranche)
        if rules.tranche_mark_withdrawn(tranche=tranche, user=user):
            tranche.withdrawal_form = WithdrawalForm(auto_id=f"id_tranche{tranche.pk}_%s")
    request_answer = rules.tranche_request(grant=grant, user=user, tranches=tranches)
    transfer_answer = rules.transfer(grant=grant, user=user)
    agreement = grant.agreement
    can_issue_agreement = rules.agreement_issue(grant=grant, user=user)
    handover = rules.handover_in_force(grant)
    handover_sign = handover is not None and rules.handover_sign(handover=handover, user=user)
    return render(
        request,
        "grants/grant_detail.html",
        {
            "grant": grant,
            "tranches": tranches,
            "amount_label": GRANT_AMOUNT_LABEL,
            "parts": grant.parts(),
            "parts_sum": parts_sum(),
            "first_tranche_limit": rules.first_tranche_limit(grant),
            "timeline": selectors.grant_timeline(grant=grant, tranches=tranches),
            "history": selectors.grant_history(grant=grant),
            "can_request": request_answer,
            # Why an officer cannot ask now (a report to write, a request waiting).
            "request_refused": "" if request_answer.forbidden else request_answer.reason,
            "decidable": [t for t in tranches if rules.tranche_approve(tranche=t, user=user)],
            "can_transfer": transfer_answer,
            # Why the aid cannot reach the group yet (no signed decree, no signed NPHD...).
            "transfer_refused": ""
            if transfer_answer or transfer_answer.forbidden or grant.status != GrantStatus.AWARDED
            else transfer_answer.reason,
            "can_cancel": rules.cancel(grant=grant, user=user),
            "can_complete": rules.complete(grant=grant, user=user),
            "transfer_form": TransferForm(),
            "agreement": agreement,
            "past_agreements": selectors.cancelled_agreements(grant=grant),
            "can_issue_agreement": can_issue_agreement,
            "agreement_form": AgreementIssueForm(grant=grant) if can_issue_agreement else None,
            "can_sign_agreement": agreement is not None
            and rules.agreement_sign(agreement=agreement, user=user),
            "can_cancel_agreement": agreement is not None
            and rules.agreement_cancel(agreement=agreement, user=user),
            "scan_form": ScanForm(auto_id="id_agreement_%s"),
            "handover": handover,
            "can_issue_handover": rules.handover_issue(grant=grant, user=user),
            "can_sign_handover": handover_sign,
            # Why the signed record cannot be uploaded yet (a later date, a training...).
            "handover_refused": handover_sign.reason
            if handover is not None and not handover_sign and not handover_sign.forbidden
            else "",
            "can_cancel_handover": handover is not None
            and rules.handover_cancel(handover=handover, user=user),
            "upload_form": UploadForm(auto_id="id_handover_%s"),
            "reason_form": ReasonForm(),
        },
    )


def _grant(request, pk):
    return get_visible_or_404(selectors.grant_for_detail(), request.user, pk=pk)


grant_transfer = transition_view(
    load=_grant,
    rule=lambda grant, user: rules.transfer(grant=grant, user=user),
    service=services.grant_record_transfer,
    subject="grant",
    form_class=TransferForm,
    done=lambda grant: _("The transfer is recorded."),
)
grant_cancel = transition_view(
    load=_grant,
    rule=lambda grant, user: rules.cancel(grant=grant, user=user),
    service=services.grant_cancel,
    subject="grant",
    form_class=ReasonForm,
    done=lambda grant: _("The grant is cancelled."),
)
grant_complete = transition_view(
    load=_grant,
    rule=lambda grant, user: rules.complete(grant=grant, user=user),
    service=services.grant_complete,
    subject="grant",
    done=lambda grant: _("The grant is completed."),
)


# Tranches ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def tranche_request(request, pk):
    grant = get_visible_or_404(selectors.grant_for_detail(), request.user, pk=pk)
    require_answer(rules.tranche_request(grant=grant, user=request.user))
    form = TrancheRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tranche = services.tranche_request(
                grant=grant,
                amount=form.cleaned_data["amount"],
                purpose=form.cleaned_data["purpose"],
                token=form.cleaned_data["token"],
                by=request.user,
            )
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Tranche %(n)d is requested; it now waits for an approver.")
                % {"n": tranche.sequence},
            )
            return redirect(grant)
    return render(
        request,
        "grants/tranche_request.html",
        {"grant": grant, "form": form, "first_tranche_limit": rules.first_tranche_limit(grant)},
    )


def _tranche(request, pk):
    return get_visible_or_404(
        Tranche.objects.select_related("grant__group", "grant__program"), request.user, pk=pk
    )


tranche_cancel = transition_view(
    load=_tranche,
    rule=lambda tranche, user: rules.tranche_cancel(tranche=tranche, user=user),
    service=services.tranche_cancel,
    subject="tranche",
    back=lambda tranche: tranche.grant,
    done=lambda tranche: _("Tranche %(n)d is cancelled.") % {"n": tranche.sequence},
)
tranche_withdrawn = transition_view(
    load=_tranche,
    rule=lambda tranche, user: rules.tranche_mark_withdrawn(tranche=tranche, user=user),
    service=services.tranche_mark_withdrawn,
    subject="tranche",
    form_class=WithdrawalForm,
    back=lambda tranche: tranche.grant,
    done=lambda tranche: (
        _("The withdrawal of tranche %(n)d is recorded.") % {"n": tranche.sequence}
    ),
)


def _may_read_queue(user):
    """Approvers decide from the queue; province staff, who award and transfer, read it."""
    return can(user, Action.TRANCHE_DECIDE) or can(user, Action.GRANT_AWARD)


def _tranche_queue_table(request):
    queue_filter = TrancheQueueFilter(
        request.GET, queryset=selectors.tranche_queue(user=request.user), user=request.user
    )
    can_decide = can(request.user, Action.TRANCHE_DECIDE)
    table = TrancheQueueTable(queue_filter.qs, exclude=() if can_decide else ("decide",))
    return queue_filter, table, can_decide


def tranche_queue(request):
    if not _may_read_queue(request.user):
        raise PermissionDenied
    queue_filter, table, can_decide = _tranche_queue_table(request)
    paginate(request, table)
    if can_decide:
        for row in table.page.object_list:
            row.record.decision = rules.tranche_approve(tranche=row.record, user=request.user)
            row.record.may_reject = rules.tranche_reject(tranche=row.record, user=request.user)
    return render(
        request,
        "grants/tranche_queue.html",
        {"filter": queue_filter, "table": table, "can_decide": can_decide},
    )


@require_safe
def tranche_detail(request, pk):
    """A tranche request where it is decided: the request, the grant's figures and earlier
    tranches beside the approve and reject forms (shown by the same predicates as the
    queue's buttons)."""
    user = request.user
    tranche = get_visible_or_404(selectors.tranche_for_detail(), user, pk=pk)
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    grant = tranche.grant
    earlier = [t for t in selectors.grant_tranches(grant=grant) if t.pk != tranche.pk]
    decision = rules.tranche_approve(tranche=tranche, user=user)
    may_reject = rules.tranche_reject(tranche=tranche, user=user)
    return render(
        request,
        "grants/tranche_detail.html",
        {
            "tranche": tranche,
            "grant": grant,
            "earlier": earlier,
            "amount_label": GRANT_AMOUNT_LABEL,
            "parts": grant.parts(),
            "parts_sum": parts_sum(),
            "decision": decision,
            "may_reject": may_reject,
            # Why an approver cannot decide here (their own request, no NIP...).
            "decision_refused": ""
            if decision or decision.forbidden or tranche.status != TrancheStatus.REQUESTED
            else decision.reason,
            "may_cancel": rules.tranche_cancel(tranche=tranche, user=user),
            "has_letter": rules.tranche_letter(tranche=tranche),
            "queue_url": reverse("grants:tranche_queue") if _may_read_queue(user) else "",
            "note_form": DecisionNoteForm(auto_id="id_approve_%s"),
            "reason_form": ReasonForm(auto_id="id_reject_%s"),
        },
    )


@require_safe
def tranche_queue_export(request):
    if not _may_read_queue(request.user):
        raise PermissionDenied
    _filter, table, _can_decide = _tranche_queue_table(request)
    return table_response(
        request,
        table,
        stem="antrean-tahap",
        sheet="Antrean Tahap",
        columns=exports.TRANCHE_QUEUE_COLUMNS,
    )


def _queue_url(tranche):
    return reverse("grants:tranche_queue")


def _decided(message):
    return lambda tranche: str(message) % {"n": tranche.sequence, "group": tranche.grant.group.name}


tranche_approve = transition_view(
    load=_tranche,
    rule=lambda tranche, user: rules.tranche_approve(tranche=tranche, user=user),
    service=services.tranche_approve,
    subject="tranche",
    form_class=DecisionNoteForm,
    back=_queue_url,
    done=_decided(gettext_lazy("Tranche %(n)d of %(group)s is approved.")),
)
tranche_reject = transition_view(
    load=_tranche,
    rule=lambda tranche, user: rules.tranche_reject(tranche=tranche, user=user),
    service=services.tranche_reject,
    subject="tranche",
    form_class=ReasonForm,
    back=_queue_url,
    done=_decided(gettext_lazy("Tranche %(n)d of %(group)s is rejected.")),
)
