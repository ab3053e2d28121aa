"""The yearly accountability report (LPJ) of a group: its page (assembled from the year's
data, with submission and receipt), its PDF, and the list of LPJs with its download."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import Action
from core.errors import DomainError
from core.pdf import inline_pdf
from core.scoping import get_visible_or_404
from core.view_helpers import (
    paginate,
    require_answer,
    require_role,
    show_errors,
    show_form_errors,
    transition_view,
)
from core.xlsx import table_response
from groups.forms import ReasonForm
from groups.models import BusinessGroup
from reports import exports, rules, selectors, services
from reports.filters import LpjFilter
from reports.lpj import lpj_content
from reports.lpj_pdf import lpj_pdf
from reports.models import AccountabilityReport
from reports.tables import LpjTable


class LpjForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Summary of the use of the grant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=gettext_lazy(
            "In the group's words: what the money bought and did for the business this year."
        ),
    )


def _group(request, pk, year):
    if not 2000 <= year <= 2100:
        raise Http404
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    return get_visible_or_404(BusinessGroup.objects.select_related("regency"), request.user, pk=pk)


@require_safe
def lpj_group(request, pk, year):
    group = _group(request, pk, year)
    user = request.user
    content = lpj_content(group=group, year=year)
    lpj = content.lpj
    can_submit = lpj is None and rules.lpj_submit(
        group=group, year=year, user=user, grants=content.grants
    )
    return render(
        request,
        "reports/lpj_group.html",
        {
            "group": group,
            "c": content,
            "lpj": lpj,
            "can_submit": can_submit,
            "submit_refused": ""
            if lpj is not None or can_submit or can_submit.forbidden
            else can_submit.reason,
            "can_resubmit": lpj is not None and rules.lpj_resubmit(lpj=lpj, user=user),
            "can_receive": lpj is not None and rules.lpj_receive(lpj=lpj, user=user),
            "can_return": lpj is not None and rules.lpj_return(lpj=lpj, user=user),
            "form": LpjForm(initial={"statement": lpj.statement if lpj else ""}),
            "reason_form": ReasonForm(),
            "history": selectors.lpj_history(lpj=lpj) if lpj else [],
        },
    )


@require_POST
def lpj_submit(request, pk, year):
    group = _group(request, pk, year)
    require_answer(rules.lpj_submit(group=group, year=year, user=request.user))
    form = LpjForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            services.lpj_submit(group=group, year=year, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("The LPJ is submitted to the province."))
    return redirect("reports:lpj_group", group.pk, year)


def _lpj(request, pk):
    return get_visible_or_404(
        AccountabilityReport.objects.select_related("group"), request.user, pk=pk
    )


@require_POST
def lpj_resubmit(request, pk):
    lpj = _lpj(request, pk)
    require_answer(rules.lpj_resubmit(lpj=lpj, user=request.user))
    form = LpjForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            services.lpj_resubmit(lpj=lpj, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("The LPJ is submitted to the province."))
    return redirect(lpj)


lpj_receive = transition_view(
    load=_lpj,
    rule=lambda lpj, user: rules.lpj_receive(lpj=lpj, user=user),
    service=services.lpj_receive,
    subject="lpj",
    done=lambda lpj: _("The LPJ is received; its receipt is numbered in the register."),
)
lpj_return = transition_view(
    load=_lpj,
    rule=lambda lpj, user: rules.lpj_return(lpj=lpj, user=user),
    service=services.lpj_return,
    subject="lpj",
    form_class=ReasonForm,
    done=lambda lpj: _("The LPJ is returned to the regency officer."),
)


@require_safe
def lpj_detail(request, pk):
    lpj = _lpj(request, pk)
    return redirect("reports:lpj_group", lpj.group_id, lpj.year)


@require_safe
def lpj_pdf_view(request, pk, year):
    group = _group(request, pk, year)
    return inline_pdf(
        lpj_pdf(lpj_content(group=group, year=year)),
        f"lpj-{year}-{group.registration_number}.pdf",
    )


def _lpj_table(request):
    lpj_filter = LpjFilter(
        request.GET, queryset=selectors.lpj_list(user=request.user), user=request.user
    )
    return lpj_filter, LpjTable(lpj_filter.qs)


@require_safe
def lpj_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    lpj_filter, table = _lpj_table(request)
    paginate(request, table)
    return render(request, "reports/lpj_list.html", {"filter": lpj_filter, "table": table})


@require_safe
def lpj_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _lpj_table(request)
    return table_response(request, table, stem="lpj", sheet="LPJ", columns=exports.LPJ_COLUMNS)
