from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_tables2 import RequestConfig

from accounts.roles import Action, can
from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.view_helpers import add_errors_to_form, require_role, show_errors, show_form_errors
from core.xlsx import table_response
from grants import exports, selectors, services
from grants.filters import GrantFilter, TrancheQueueFilter
from grants.forms import (
    AwardForm,
    BulkAwardForm,
    DecisionNoteForm,
    TrancheRequestForm,
    TransferForm,
    WithdrawalForm,
)
from grants.models import (
    GrantStatus,
    Program,
    ProgramQuota,
    ProgramStatus,
    Tranche,
    TrancheStatus,
)
from grants.tables import GrantTable, ProgramTable, TrancheQueueTable
from groups.forms import ReasonForm

# Programmes -------------------------------------------------------------------------


def program_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    table = ProgramTable(selectors.program_list())
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request,
        "grants/program_list.html",
        {"table": table, "can_manage": can(request.user, Action.PROGRAM_MANAGE)},
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


def _program_page(request, program, *, regency_code=None, bulk_form=None, award_form=None):
    """The programme with its quotas; for one chosen regency, its grants and (for those
    who award) the eligible groups that can still be awarded."""
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    quotas = list(selectors.program_quotas(program=program, user=user))
    if regency_code is None:
        regency_code = request.GET.get("regency") or (user.regency_id if quotas else None)
    quota = next((q for q in quotas if q.regency_id == regency_code), None)
    context = {
        "program": program,
        "used_percent": selectors.percent(program.awarded_amount, program.total_budget),
        "quotas": quotas,
        "quota": quota,
        # A refused award is shown with its form, even if the programme has just closed.
        "can_award": can(user, Action.GRANT_AWARD)
        and (
            program.status == ProgramStatus.OPEN or bulk_form is not None or award_form is not None
        ),
    }
    if quota is not None:
        grants = selectors.grant_list(user=user).filter(
            program=program, group__regency_id=quota.regency_id
        )
        table = GrantTable(grants, exclude=("program", "regency"))
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
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
                award_form = AwardForm(
                    candidates=candidates, initial={"amount": program.default_amount}
                )
            context["award_form"] = award_form
    return render(request, "grants/program_detail.html", context)


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
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("The grant to %(group)s is awarded.") % {"group": grant.group.name}
            )
            return redirect(grant)
    return _program_page(request, program, regency_code=quota.regency_id, award_form=form)


# Grants -----------------------------------------------------------------------------


def _grant_table(request):
    grant_filter = GrantFilter(
        request.GET, queryset=selectors.grant_list(user=request.user), user=request.user
    )
    return grant_filter, GrantTable(grant_filter.qs)


def grant_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    grant_filter, table = _grant_table(request)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
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
    can_withdraw = can(user, Action.TRANCHE_MARK_WITHDRAWN)
    for tranche in tranches:
        tranche.can_cancel = (
            tranche.status == TrancheStatus.REQUESTED and tranche.requested_by_id == user.pk
        )
        if can_withdraw and tranche.status == TrancheStatus.APPROVED:
            tranche.withdrawal_form = WithdrawalForm(auto_id=f"id_tranche{tranche.pk}_%s")
    status = grant.status
    return render(
        request,
        "grants/grant_detail.html",
        {
            "grant": grant,
            "tranches": tranches,
            "first_tranche_limit": selectors.first_tranche_limit(grant),
            "timeline": selectors.grant_timeline(grant=grant, tranches=tranches),
            "history": selectors.grant_history(grant=grant),
            "can_request": can(user, Action.TRANCHE_REQUEST)
            and selectors.may_request_tranche(grant, tranches),
            "waiting_decision": can(user, Action.TRANCHE_DECIDE)
            and any(t.status == TrancheStatus.REQUESTED for t in tranches),
            "can_transfer": can(user, Action.GRANT_TRANSFER) and status == GrantStatus.AWARDED,
            "can_cancel": can(user, Action.GRANT_CLOSE)
            and status in (GrantStatus.AWARDED, GrantStatus.TRANSFERRED)
            and not grant.committed_amount,
            "can_complete": can(user, Action.GRANT_CLOSE)
            and status == GrantStatus.ACTIVE
            and grant.withdrawn_amount == grant.amount,
            "transfer_form": TransferForm(),
            "reason_form": ReasonForm(),
        },
    )


def _grant_action(request, pk, action):
    grant = get_visible_or_404(selectors.grant_for_detail(), request.user, pk=pk)
    require_role(request.user, action)
    return grant


@require_POST
def grant_transfer(request, pk):
    grant = _grant_action(request, pk, Action.GRANT_TRANSFER)
    form = TransferForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(grant)
    try:
        services.grant_record_transfer(
            grant=grant,
            by=request.user,
            transferred_on=form.cleaned_data["transferred_on"],
            reference=form.cleaned_data["reference"],
        )
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The transfer is recorded."))
    return redirect(grant)


@require_POST
def grant_cancel(request, pk):
    grant = _grant_action(request, pk, Action.GRANT_CLOSE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
        return redirect(grant)
    try:
        services.grant_cancel(grant=grant, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The grant is cancelled."))
    return redirect(grant)


@require_POST
def grant_complete(request, pk):
    grant = _grant_action(request, pk, Action.GRANT_CLOSE)
    try:
        services.grant_complete(grant=grant, by=request.user)
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The grant is completed."))
    return redirect(grant)


# Tranches ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def tranche_request(request, pk):
    grant = get_visible_or_404(selectors.grant_for_detail(), request.user, pk=pk)
    require_role(request.user, Action.TRANCHE_REQUEST)
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
            for message in error.messages:
                form.add_error(None, message)
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
        {"grant": grant, "form": form, "first_tranche_limit": selectors.first_tranche_limit(grant)},
    )


def _tranche(request, pk):
    return get_visible_or_404(Tranche.objects.select_related("grant__group"), request.user, pk=pk)


@require_POST
def tranche_cancel(request, pk):
    tranche = _tranche(request, pk)
    if tranche.requested_by_id != request.user.pk:
        raise PermissionDenied
    try:
        services.tranche_cancel(tranche=tranche, by=request.user)
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Tranche %(n)d is cancelled.") % {"n": tranche.sequence})
    return redirect(tranche.grant)


@require_POST
def tranche_withdrawn(request, pk):
    tranche = _tranche(request, pk)
    require_role(request.user, Action.TRANCHE_MARK_WITHDRAWN)
    form = WithdrawalForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(tranche.grant)
    try:
        services.tranche_mark_withdrawn(
            tranche=tranche,
            by=request.user,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            reference=form.cleaned_data["reference"],
        )
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("The withdrawal of tranche %(n)d is recorded.") % {"n": tranche.sequence}
        )
    return redirect(tranche.grant)


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
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request,
        "grants/tranche_queue.html",
        {"filter": queue_filter, "table": table, "can_decide": can_decide},
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


def _queue_url(request):
    regency = request.POST.get("regency", "")
    url = reverse("grants:tranche_queue")
    return f"{url}?{urlencode({'regency': regency})}" if regency else url


def _decision_view(decide, form_class, done):
    @require_POST
    def view(request, pk):
        tranche = _tranche(request, pk)
        require_role(request.user, Action.TRANCHE_DECIDE)
        form = form_class(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
            return redirect(_queue_url(request))
        try:
            decide(tranche=tranche, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_errors(request, error)
        else:
            done_message = str(done) % {"n": tranche.sequence, "group": tranche.grant.group.name}
            messages.success(request, done_message)
        return redirect(_queue_url(request))

    return view


tranche_approve = _decision_view(
    services.tranche_approve,
    DecisionNoteForm,
    gettext_lazy("Tranche %(n)d of %(group)s is approved."),
)
tranche_reject = _decision_view(
    services.tranche_reject,
    ReasonForm,
    gettext_lazy("Tranche %(n)d of %(group)s is rejected."),
)
