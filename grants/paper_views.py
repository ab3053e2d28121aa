"""Pages of the paper trail an audit reads: recipients' decrees (SK penerima)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_tables2 import RequestConfig

from accounts.roles import Action
from core.errors import DomainError
from core.pdf import inline_pdf
from core.view_helpers import (
    require_answer,
    require_role,
    show_errors,
    show_form_errors,
    transition_view,
)
from core.xlsx import table_response
from grants import exports, pdf, rules, selectors, services
from grants.filters import DecreeFilter
from grants.forms import DecreePrepareForm, DecreeSignForm
from grants.models import Decree, Program
from grants.tables import DecreeTable
from groups.forms import ReasonForm

# Recipients' decrees -----------------------------------------------------------------


def _decree_table(request):
    decree_filter = DecreeFilter(request.GET, queryset=selectors.decree_list(user=request.user))
    return decree_filter, DecreeTable(decree_filter.qs)


@require_safe
def decree_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    decree_filter, table = _decree_table(request)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
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
