"""The dashboard: province staff and approvers see every regency, regency officers and
heads their own; every figure comes from reports.dashboard (aggregates in the database)."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.roles import Action
from core.view_helpers import require_role
from core.xlsx import dated_filename, xlsx_response
from grants.models import Program
from groups.models import GroupStatus
from reports import charts
from reports.dashboard import dashboard as dashboard_figures
from reports.dashboard_excel import write_dashboard
from reports.models import BusinessCondition


class DashboardFilter(forms.Form):
    program = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("All programmes"))] + [
            (pk, f"{name} ({year})") for pk, name, year in programs
        ]
        years = sorted({year for _pk, _name, year in programs}, reverse=True)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def chosen(self):
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("program") or None, self.cleaned_data.get("year") or None


def dashboard_filter(request) -> DashboardFilter:
    """The programme/year filter; its choices come from one query."""
    programs = list(
        Program.objects.order_by("-fiscal_year", "name").values_list("pk", "name", "fiscal_year")
    )
    return DashboardFilter(request.GET or None, programs=programs)


def _figures(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    form = dashboard_filter(request)
    program_id, year = form.chosen()
    return form, dashboard_figures(user=request.user, program_id=program_id, year=year)


@require_GET
def dashboard(request):
    form, figures = _figures(request)
    total = figures.total
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "d": figures,
            "absorption_chart": charts.absorption(figures.rows),
            "compliance_chart": charts.compliance(total.compliance),
            "condition_chart": charts.conditions(total.conditions),
            "group_statuses": GroupStatus.choices,
            "conditions": BusinessCondition.choices,
            "condition_totals": [
                (label, total.conditions[value]) for value, label in BusinessCondition.choices
            ],
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def dashboard_export(request):
    """The dashboard's tables (same filters, only what the user may see) as an xlsx file."""
    _form, figures = _figures(request)
    return xlsx_response(
        filename=dated_filename("dasbor-modal-usaha"),
        write=lambda fileobj: write_dashboard(figures=figures, fileobj=fileobj),
    )
