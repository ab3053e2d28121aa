"""Pages of the paper trail an audit reads: recipients' decrees (SK penerima), grant
agreements (NPHD) and records of handover (BAST) of in-kind aid, with their signed scans,
and the spending of each withdrawn tranche with its receipts."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import Action
from core.errors import DomainError
from core.pdf import inline_pdf
from core.scoping import get_visible_or_404
from core.view_helpers import (
    add_errors_to_form,
    paginate,
    require_answer,
    require_role,
    show_errors,
    show_form_errors,
    transition_view,
)
from core.xlsx import dated_filename, table_response, write_table, xlsx_response
from grants import exports, pdf, rules, selectors, services
from grants.filters import AgreementFilter, DecreeFilter, HandoverFilter, SpendingFilter
from grants.forms import (
    AgreementIssueForm,
    DecreePrepareForm,
    DecreeSignForm,
    HandoverForm,
    HandoverItemFormSet,
    ScanForm,
    SpendingLineForm,
    UploadForm,
)
from grants.models import (
    Agreement,
    Decree,
    GrantDocument,
    Handover,
    Program,
    SpendingLine,
    SpendingReport,
)
from grants.tables import AgreementTable, DecreeTable, HandoverTable, SpendingTable
from groups.forms import ReasonForm

# Recipients' decrees -----------------------------------------------------------------


def _decree_table(request):
    decree_filter = DecreeFilter(request.GET, queryset=selectors.decree_list(user=request.user))
    return decree_filter, DecreeTable(decree_filter.qs)


@require_safe
def decree_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    decree_filter, table = _decree_table(request)
    paginate(request, table)
    return render(request, "grants/decree_list.html", {"filter": decree_filter, "table": table})


@require_safe
def decree_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _decree_table(request)
    return table_response(
        request, table, stem="sk-penerima", sheet="SK Penerima", columns=exports.DECREE_COLUMNS
    )


def _decree(request, pk):
    """Decrees are province-wide reference data: every role that reads programmes sees them
    (their grants are filtered to the user's scope)."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    return get_object_or_404(
        Decree.objects.select_related("program", "signatory", "letter", "prepared_by"), pk=pk
    )


@require_safe
def decree_detail(request, pk):
    decree = _decree(request, pk)
    user = request.user
    grants = list(selectors.decree_grants(decree=decree, user=user))
    return render(
        request,
        "grants/decree_detail.html",
        {
            "decree": decree,
            "grants": grants,
            "total": sum(g.amount for g in grants),
            "history": selectors.decree_history(decree=decree),
            "can_sign": rules.decree_sign(decree=decree, user=user),
            "can_cancel": rules.decree_cancel(decree=decree, user=user),
            "sign_form": DecreeSignForm(),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
def decree_prepare(request, pk):
    program = get_object_or_404(Program, pk=pk)
    require_answer(rules.decree_prepare(program=program, user=request.user, waiting=1))
    form = DecreePrepareForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(program)
    try:
        decree = services.decree_prepare(
            program=program, signatory=form.cleaned_data["signatory"], by=request.user
        )
    except DomainError as error:
        show_errors(request, error)
        return redirect(program)
    messages.success(
        request,
        _("The draft decree names %(count)d grants; record it as signed once it is signed.")
        % {"count": decree.grants.count()},
    )
    return redirect(decree)


decree_sign = transition_view(
    load=_decree,
    rule=lambda decree, user: rules.decree_sign(decree=decree, user=user),
    service=services.decree_sign,
    subject="decree",
    form_class=DecreeSignForm,
    done=lambda decree: (
        _("The decree is signed: number %(number)s.")
        % {"number": Decree.objects.select_related("letter").get(pk=decree.pk).number}
    ),
)
decree_cancel = transition_view(
    load=_decree,
    rule=lambda decree, user: rules.decree_cancel(decree=decree, user=user),
    service=services.decree_cancel,
    subject="decree",
    form_class=ReasonForm,
    done=lambda decree: _("The decree is cancelled; its grants wait for another decree."),
)


@require_safe
def decree_attachment_pdf(request, pk):
    decree = _decree(request, pk)
    if decree.status == "cancelled" and not decree.letter_id:
        raise Http404("A cancelled draft has no attachment.")
    stem = decree.number.replace("/", "-") if decree.number else f"konsep-{decree.pk}"
    return inline_pdf(pdf.decree_attachment(decree, user=request.user), f"lampiran-sk-{stem}.pdf")


# Grant agreements (NPHD) ----------------------------------------------------------------


def _grant(request, pk):
    return get_visible_or_404(selectors.grant_for_detail(), request.user, pk=pk)


@require_POST
def agreement_issue(request, pk):
    grant = _grant(request, pk)
    require_answer(rules.agreement_issue(grant=grant, user=request.user))
    form = AgreementIssueForm(request.POST, grant=grant)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(grant)
    try:
        agreement = services.agreement_issue(grant=grant, by=request.user, **form.cleaned_data)
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("The agreement (NPHD) %(number)s is issued: print it to be signed.")
            % {"number": agreement.number},
        )
    return redirect(grant)


def _agreement(request, pk):
    return get_visible_or_404(
        Agreement.objects.select_related("grant__group", "grant__program", "letter"),
        request.user,
        pk=pk,
    )


@require_POST
def agreement_sign(request, pk):
    agreement = _agreement(request, pk)
    require_answer(rules.agreement_sign(agreement=agreement, user=request.user))
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(agreement.grant)
    try:
        services.agreement_sign(
            agreement=agreement,
            by=request.user,
            signed_on=form.cleaned_data["signed_on"],
            scan=form.cleaned_data["scan"],
        )
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The signed agreement is uploaded."))
    return redirect(agreement.grant)


agreement_cancel = transition_view(
    load=_agreement,
    rule=lambda agreement, user: rules.agreement_cancel(agreement=agreement, user=user),
    service=services.agreement_cancel,
    subject="agreement",
    form_class=ReasonForm,
    back=lambda agreement: agreement.grant,
    done=lambda agreement: _("The agreement is cancelled; it keeps its number in the register."),
)


@require_safe
def agreement_pdf(request, pk):
    agreement = _agreement(request, pk)
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    group = agreement.grant.group
    return inline_pdf(pdf.agreement_pdf(agreement), f"nphd-{group.registration_number}.pdf")


@require_safe
def document_download(request, pk):
    """A signed scan or a receipt, for those who see its grant."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    document = get_visible_or_404(GrantDocument, request.user, pk=pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=document.content_type == "application/pdf",
        filename=document.original_name,
        content_type=document.content_type,
    )


def _agreement_table(request):
    agreement_filter = AgreementFilter(
        request.GET, queryset=selectors.agreement_list(user=request.user), user=request.user
    )
    return agreement_filter, AgreementTable(agreement_filter.qs)


@require_safe
def agreement_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    agreement_filter, table = _agreement_table(request)
    paginate(request, table)
    return render(
        request, "grants/agreement_list.html", {"filter": agreement_filter, "table": table}
    )


@require_safe
def agreement_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _agreement_table(request)
    return table_response(
        request, table, stem="nphd", sheet="NPHD", columns=exports.AGREEMENT_COLUMNS
    )


# Handover records (BAST) of in-kind aid ------------------------------------------------


@require_http_methods(["GET", "POST"])
def handover_issue(request, pk):
    """The goods handed over, item by item, adding up to the grant."""
    grant = _grant(request, pk)
    answer = rules.handover_issue(grant=grant, user=request.user)
    require_answer(answer)
    if not answer:
        messages.error(request, answer.reason)
        return redirect(grant)
    form = HandoverForm(request.POST or None, grant=grant)
    formset = HandoverItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset if f.cleaned_data]
        try:
            handover = services.handover_issue(
                grant=grant, items=items, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("The handover record %(number)s is issued: print it for the handover.")
                % {"number": handover.number},
            )
            return redirect(grant)
    return render(
        request, "grants/handover_form.html", {"grant": grant, "form": form, "formset": formset}
    )


def _handover(request, pk):
    return get_visible_or_404(
        Handover.objects.select_related("grant__group", "grant__program", "letter"),
        request.user,
        pk=pk,
    )


@require_POST
def handover_sign(request, pk):
    handover = _handover(request, pk)
    require_answer(rules.handover_sign(handover=handover, user=request.user))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(handover.grant)
    try:
        services.handover_sign(handover=handover, by=request.user, scan=form.cleaned_data["scan"])
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The signed handover record is uploaded: the aid is given."))
    return redirect(handover.grant)


handover_cancel = transition_view(
    load=_handover,
    rule=lambda handover, user: rules.handover_cancel(handover=handover, user=user),
    service=services.handover_cancel,
    subject="handover",
    form_class=ReasonForm,
    back=lambda handover: handover.grant,
    done=lambda handover: _("The handover record is cancelled; it keeps its number."),
)


@require_safe
def handover_pdf(request, pk):
    handover = _handover(request, pk)
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    group = handover.grant.group
    return inline_pdf(pdf.handover_pdf(handover), f"bast-{group.registration_number}.pdf")


def _handover_table(request):
    handover_filter = HandoverFilter(
        request.GET, queryset=selectors.handover_list(user=request.user), user=request.user
    )
    return handover_filter, HandoverTable(handover_filter.qs)


@require_safe
def handover_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    handover_filter, table = _handover_table(request)
    paginate(request, table)
    return render(request, "grants/handover_list.html", {"filter": handover_filter, "table": table})


@require_safe
def handover_list_export(request):
    """One line per item handed over (with its record), what an audit counts."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    handover_filter, _table = _handover_table(request)
    items = selectors.handover_items(handovers=handover_filter.qs)
    return xlsx_response(
        filename=dated_filename("bast"),
        write=lambda fileobj: write_table(
            fileobj, sheet="BAST", columns=exports.HANDOVER_ITEM_COLUMNS, rows=items
        ),
    )


# Spending accountability per tranche ----------------------------------------------------


def _spending(request, pk):
    return get_visible_or_404(
        SpendingReport.objects.select_related(
            "tranche__grant__group__regency",
            "tranche__grant__program",
            "submitted_by",
            "reviewed_by",
        ),
        request.user,
        pk=pk,
    )


@require_safe
def spending_detail(request, pk):
    """What a withdrawn tranche bought, line by line with the receipts, and its review."""
    report = _spending(request, pk)
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    lines = list(selectors.spending_lines(report=report))
    tranche, program = report.tranche, report.tranche.grant.program
    can_write = rules.spending_write(report=report, user=user)
    can_add = rules.spending_line_add(report=report, user=user)
    return render(
        request,
        "grants/spending_detail.html",
        {
            "report": report,
            "tranche": tranche,
            "grant": tranche.grant,
            "lines": lines,
            "left": tranche.amount - report.total,
            "needed": -(-tranche.amount * program.spending_share_percent // 100),
            "share": program.spending_share_percent,
            "can_write": can_write,
            "line_form": SpendingLineForm() if can_add else None,
            "can_submit": rules.spending_submit(report=report, user=user, lines=len(lines)),
            "can_review": rules.spending_review(report=report, user=user),
            "reason_form": ReasonForm(),
            "history": selectors.spending_history(report=report),
        },
    )


@require_POST
def spending_line_add(request, pk):
    report = _spending(request, pk)
    require_answer(rules.spending_line_add(report=report, user=request.user))
    form = SpendingLineForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(report)
    try:
        services.spending_line_add(report=report, by=request.user, **form.cleaned_data)
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The purchase is recorded with its receipt."))
    return redirect(report)


def _spending_line(request, pk):
    return get_visible_or_404(
        SpendingLine.objects.select_related("report__tranche__grant__group"),
        request.user,
        pk=pk,
    )


spending_line_remove = transition_view(
    load=_spending_line,
    rule=lambda line, user: rules.spending_write(report=line.report, user=user),
    service=services.spending_line_remove,
    subject="line",
    back=lambda line: line.report,
    done=lambda line: _("The line is removed."),
)
spending_submit = transition_view(
    load=_spending,
    rule=lambda report, user: rules.spending_submit(report=report, user=user),
    service=services.spending_submit,
    subject="report",
    done=lambda report: _("The spending is submitted for review."),
)
spending_accept = transition_view(
    load=_spending,
    rule=lambda report, user: rules.spending_review(report=report, user=user),
    service=services.spending_accept,
    subject="report",
    done=lambda report: _("The spending is accepted."),
)
spending_return = transition_view(
    load=_spending,
    rule=lambda report, user: rules.spending_review(report=report, user=user),
    service=services.spending_return,
    subject="report",
    form_class=ReasonForm,
    done=lambda report: _("The spending is returned to the officer."),
)


def _spending_table(request):
    spending_filter = SpendingFilter(
        request.GET, queryset=selectors.spending_list(user=request.user), user=request.user
    )
    return spending_filter, SpendingTable(spending_filter.qs)


@require_safe
def spending_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    spending_filter, table = _spending_table(request)
    paginate(request, table)
    return render(request, "grants/spending_list.html", {"filter": spending_filter, "table": table})


@require_safe
def spending_list_export(request):
    """Every purchase of the listed tranches, one line each, with its receipt's name."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    spending_filter, _table = _spending_table(request)
    lines = selectors.spending_lines_of(reports=spending_filter.qs)
    return xlsx_response(
        filename=dated_filename("belanja-tahap"),
        write=lambda fileobj: write_table(
            fileobj, sheet="Belanja per Tahap", columns=exports.SPENDING_LINE_COLUMNS, rows=lines
        ),
    )
