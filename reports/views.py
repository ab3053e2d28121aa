from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Action, can
from core.errors import DomainError
from core.pagination import CappedPaginator
from core.scoping import get_visible_or_404
from core.view_helpers import (
    add_errors_to_form,
    paginate,
    require_answer,
    require_role,
    transition_view,
)
from core.xlsx import dated_filename, table_response
from core.xlsx_stream import table_stream_response
from grants.models import Grant
from groups.forms import ReasonForm
from groups.models import BusinessGroup
from reports import excel, exports, rules, selectors, services
from reports.filters import OverdueFilter, ReviewQueueFilter
from reports.forms import ReportForm
from reports.models import ProgressReport
from reports.owed import owed_due
from reports.periods import Period, periods_owed
from reports.tables import OverdueData, OverdueTable, ReviewQueueTable


def _int_param(params, name):
    try:
        return int(params.get(name, ""))
    except ValueError:
        return None


def _period_param(params) -> Period | None:
    """The period named by ?year=&term=, None when neither is given; 404 when invalid."""
    if not params.get("year") and not params.get("term"):
        return None
    year, term = _int_param(params, "year"), _int_param(params, "term")
    if year is None or term is None or not 2000 <= year <= 2100:
        raise Http404
    try:
        return Period(year, term)
    except ValueError:
        raise Http404 from None


def _period_to_write(grant, today) -> Period:
    """The oldest owed period without a report, else the period under way."""
    written = {
        Period(year, term)
        for year, term in ProgressReport.objects.filter(group_id=grant.group_id).values_list(
            "year", "term"
        )
    }
    owed = periods_owed(
        transferred_on=grant.transferred_on, completed_on=grant.completed_on, today=today
    )
    return next((p for p in owed if p not in written), Period.of(today))


def _saved(request, report, *, submitted):
    if submitted:
        messages.success(request, _("The report is submitted for review."))
    else:
        messages.success(request, _("The report is saved; it is not submitted yet."))
    registered = selectors.registered_members(group=report.group)
    for warning in services.report_warnings(report, registered_members=registered):
        messages.warning(request, warning)


# Writing ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_create(request):
    """A new report of a grant's group for one catur wulan (?grant=&year=&term=)."""
    user = request.user
    grant = get_visible_or_404(
        Grant.objects.select_related("group__regency", "program"),
        user,
        pk=_int_param(request.GET, "grant"),
    )
    may_write = rules.report_write(grant=grant, user=user)
    require_answer(may_write)
    if not may_write:
        messages.error(request, may_write.reason)
        return redirect("reports:group_reports", grant.group_id)
    today = timezone.localdate()
    period = _period_param(request.GET) or _period_to_write(grant, today)
    existing = ProgressReport.objects.filter(
        group_id=grant.group_id, year=period.year, term=period.term
    ).first()
    if existing is not None:
        messages.info(
            request,
            _("%(group)s already has a report for %(period)s.")
            % {"group": grant.group.name, "period": period},
        )
        if rules.report_edit(report=existing, user=user):
            return redirect("reports:report_update", existing.pk)
        return redirect(existing)
    form = ReportForm(
        request.POST or None, instance=ProgressReport(grant=grant, group_id=grant.group_id)
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                report = services.report_create(
                    grant=grant, period=period, data=form.figures, by=user
                )
                if submit:
                    report = services.report_submit(report=report, by=user)
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            _saved(request, report, submitted=submit)
            return redirect(report)
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "group": grant.group, "grant": grant, "period": period},
    )


@require_http_methods(["GET", "POST"])
def report_update(request, pk):
    """Fix a draft or a returned report, and submit it if wanted."""
    user = request.user
    report = get_visible_or_404(selectors.report_for_detail(), user, pk=pk)
    may_edit = rules.report_edit(report=report, user=user)
    require_answer(may_edit)
    if not may_edit:
        messages.error(request, may_edit.reason)
        return redirect(report)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                saved = services.report_update(report=report, data=form.figures, by=user)
                if submit:
                    saved = services.report_submit(report=saved, by=user)
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            _saved(request, saved, submitted=submit)
            return redirect(saved)
    return render(
        request,
        "reports/report_form.html",
        {
            "form": form,
            "report": report,
            "group": report.group,
            "grant": report.grant,
            "period": report.period,
        },
    )


def report_detail(request, pk):
    user = request.user
    report = get_visible_or_404(selectors.report_for_detail(), user, pk=pk)
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    registered = selectors.registered_members(group=report.group)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "registered_members": registered,
            "warnings": services.report_warnings(report, registered_members=registered),
            "history": selectors.report_history(report=report),
            "can_edit": rules.report_edit(report=report, user=user),
            "can_submit": rules.report_submit(report=report, user=user),
            "can_review": rules.report_review(report=report, user=user),
        },
    )


# Transitions ------------------------------------------------------------------------


def _report(request, pk):
    return get_visible_or_404(ProgressReport.objects.select_related("group"), request.user, pk=pk)


def _done(message):
    return lambda report: str(message) % {"group": report.group.name, "period": report.period}


report_submit = transition_view(
    load=_report,
    rule=lambda report, user: rules.report_submit(report=report, user=user),
    service=services.report_submit,
    subject="report",
    done=_done(gettext_lazy("The report of %(group)s for %(period)s is submitted for review.")),
)
report_accept = transition_view(
    load=_report,
    rule=lambda report, user: rules.report_review(report=report, user=user),
    service=services.report_accept,
    subject="report",
    done=_done(gettext_lazy("The report of %(group)s for %(period)s is accepted.")),
)
report_return = transition_view(
    load=_report,
    rule=lambda report, user: rules.report_review(report=report, user=user),
    service=services.report_return,
    subject="report",
    form_class=ReasonForm,
    done=_done(gettext_lazy("The report of %(group)s for %(period)s is returned to the officer.")),
)


# Lists ------------------------------------------------------------------------------


def group_reports(request, pk):
    """The group's reports side by side, one column per catur wulan."""
    user = request.user
    group = get_visible_or_404(BusinessGroup.objects.select_related("regency"), user, pk=pk)
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    data = selectors.group_reports(group=group, today=timezone.localdate())
    grants = {grant.pk: grant for grant in data.grants}
    for column in data.columns:
        grant = grants.get(column.owing_grant_id)
        column.may_write = bool(
            column.create_url and rules.report_create(grant=grant, period=column.period, user=user)
        )
    return render(
        request,
        "reports/group_reports.html",
        {
            "group": group,
            "data": data,
            "lpjs": selectors.group_lpjs(group=group, grants=data.grants),
        },
    )


@require_GET
def group_reports_export(request, pk):
    """Every report of the group, oldest period first, as an xlsx file."""
    user = request.user
    group = get_visible_or_404(BusinessGroup.objects.all(), user, pk=pk)
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    reports = selectors.report_list(user=user).filter(group=group).order_by("year", "term")
    return table_stream_response(
        filename=f"laporan-{group.registration_number}.xlsx",
        sheet="Laporan Perkembangan",
        columns=exports.REPORT_COLUMNS,
        rows=reports.iterator(chunk_size=2000),
    )


def _one_regency_columns(user) -> list[str]:
    """Who works in one regency needs neither its column nor a filter to choose it."""
    return [] if user.has_province_scope else ["regency"]


def _overdue(request, today):
    """The filter, and the kept rows of the due reports the user may see (reports.owed)."""
    overdue_filter = OverdueFilter(request.GET, user=request.user)
    owed = owed_due(user=request.user, today=today, regency=overdue_filter.chosen_regency)
    return overdue_filter, owed


def _overdue_lpjs(request, overdue_filter):
    return selectors.overdue_lpj_rows(
        user=request.user, today=timezone.localdate(), regency=overdue_filter.chosen_regency
    )


LPJ_PER_PAGE = 50


def _lpj_page(request, rows):
    """One page of the overdue LPJs (?lpj_page=), counted from the kept summaries."""
    return CappedPaginator(rows, LPJ_PER_PAGE).get_page(request.GET.get("lpj_page"))


def overdue(request):
    """Due reports that are missing, drafts or returned, per regency, with days late:
    read from the kept rows (reports.owed), counted, ordered and paged in SQL."""
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    today = timezone.localdate()
    overdue_filter, owed = _overdue(request, today)
    counts = selectors.overdue_counts(user=user, today=today, regency=overdue_filter.chosen_regency)
    exclude = _one_regency_columns(user)
    if not can(user, Action.REPORT_WRITE):
        exclude.append("write")
    table = OverdueTable(
        OverdueData(selectors.shown(owed), count=counts["row_count"], today=today),
        exclude=exclude,
    )
    paginate(request, table, per_page=50)
    return render(
        request,
        "reports/overdue.html",
        {
            "lpj_page": _lpj_page(request, _overdue_lpjs(request, overdue_filter)),
            "filter": overdue_filter,
            "show_filter": user.has_province_scope,
            "table": table,
            **counts,
        },
    )


@require_GET
def overdue_export(request):
    """The overdue list (same filter, only what the user may see) as an xlsx file."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    today = timezone.localdate()
    overdue_filter, owed = _overdue(request, today)
    rows = selectors.shown(owed)
    return table_stream_response(
        filename=dated_filename("laporan-terlambat"),
        sheet=excel.SHEET,
        columns=excel.COLUMNS,
        rows=(
            selectors.overdue_row(values, today=today) for values in rows.iterator(chunk_size=2000)
        ),
        more=[(excel.LPJ_SHEET, excel.LPJ_COLUMNS, _overdue_lpjs(request, overdue_filter))],
    )


def _review_queue_table(request):
    queue_filter = ReviewQueueFilter(
        request.GET, queryset=selectors.review_queue(user=request.user), user=request.user
    )
    table = ReviewQueueTable(queue_filter.qs, exclude=_one_regency_columns(request.user))
    return queue_filter, table


def review_queue(request):
    """Submitted reports waiting for the head of the regency office or province staff."""
    require_role(request.user, Action.REPORT_REVIEW)
    queue_filter, table = _review_queue_table(request)
    paginate(request, table)
    return render(
        request,
        "reports/review_queue.html",
        {
            "filter": queue_filter,
            "show_filter": request.user.has_province_scope,
            "table": table,
        },
    )


@require_GET
def review_queue_export(request):
    require_role(request.user, Action.REPORT_REVIEW)
    _filter, table = _review_queue_table(request)
    return table_response(
        request,
        table,
        stem="laporan-untuk-diperiksa",
        sheet="Laporan untuk Diperiksa",
        columns=exports.REVIEW_QUEUE_COLUMNS,
    )
