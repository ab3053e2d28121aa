from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from accounts.roles import Action, can
from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.view_helpers import add_errors_to_form, require_role, show_errors
from core.xlsx import dated_filename, table_response, write_table, xlsx_response
from grants.models import Grant
from groups.forms import ReasonForm
from groups.models import BusinessGroup
from reports import excel, exports, selectors, services
from reports.filters import OverdueFilter, ReviewQueueFilter
from reports.forms import ReportForm
from reports.models import ProgressReport, ReportStatus
from reports.periods import Period, periods_owed
from reports.tables import OverdueTable, ReviewQueueTable

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


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
    require_role(user, Action.REPORT_WRITE)
    if grant.status not in services.REPORTABLE_GRANT_STATUSES:
        messages.error(request, _("Reports are written for grants that have been transferred."))
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
        if existing.status in EDITABLE:
            return redirect("reports:report_update", existing.pk)
        return redirect(existing)
    form = ReportForm(request.POST or None)
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
    require_role(user, Action.REPORT_WRITE)
    if report.status not in EDITABLE:
        messages.error(request, _("A submitted or accepted report cannot be changed."))
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
    editable = report.status in EDITABLE
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "registered_members": registered,
            "warnings": services.report_warnings(report, registered_members=registered),
            "history": selectors.report_history(report=report),
            "can_edit": can(user, Action.REPORT_WRITE) and editable,
            "can_review": can(user, Action.REPORT_REVIEW)
            and report.status == ReportStatus.SUBMITTED,
        },
    )


# Transitions ------------------------------------------------------------------------


def _next_or(request, fallback):
    """Back to the page the form was posted from (the review queue), else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _transition_view(service, action, *, needs_reason=False, done):
    @require_POST
    def view(request, pk):
        report = get_visible_or_404(
            ProgressReport.objects.select_related("group"), request.user, pk=pk
        )
        require_role(request.user, action)
        kwargs = {}
        if needs_reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("A reason is required."))
                return _next_or(request, report)
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            service(report=report, by=request.user, **kwargs)
        except DomainError as error:
            show_errors(request, error)
        else:
            messages.success(
                request, str(done) % {"group": report.group.name, "period": report.period}
            )
        return _next_or(request, report)

    return view


report_submit = _transition_view(
    services.report_submit,
    Action.REPORT_WRITE,
    done=gettext_lazy("The report of %(group)s for %(period)s is submitted for review."),
)
report_accept = _transition_view(
    services.report_accept,
    Action.REPORT_REVIEW,
    done=gettext_lazy("The report of %(group)s for %(period)s is accepted."),
)
report_return = _transition_view(
    services.report_return,
    Action.REPORT_REVIEW,
    needs_reason=True,
    done=gettext_lazy("The report of %(group)s for %(period)s is returned to the officer."),
)


# Lists ------------------------------------------------------------------------------


def group_reports(request, pk):
    """The group's reports side by side, one column per catur wulan."""
    user = request.user
    group = get_visible_or_404(BusinessGroup.objects.select_related("regency"), user, pk=pk)
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    return render(
        request,
        "reports/group_reports.html",
        {
            "group": group,
            "data": selectors.group_reports(group=group, today=timezone.localdate()),
            "can_write": can(user, Action.REPORT_WRITE),
        },
    )


@require_GET
def group_reports_export(request, pk):
    """Every report of the group, oldest period first, as an xlsx file."""
    user = request.user
    group = get_visible_or_404(BusinessGroup.objects.all(), user, pk=pk)
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    reports = selectors.report_list(user=user).filter(group=group).order_by("year", "term")
    return xlsx_response(
        filename=f"laporan-{group.registration_number}.xlsx",
        write=lambda fileobj: write_table(
            fileobj, sheet="Laporan Perkembangan", columns=exports.REPORT_COLUMNS, rows=reports
        ),
    )


def _one_regency_columns(user) -> list[str]:
    """Who works in one regency needs neither its column nor a filter to choose it."""
    return [] if user.has_province_scope else ["regency"]


def _overdue(request):
    overdue_filter = OverdueFilter(request.GET, user=request.user)
    rows = selectors.overdue_rows(
        user=request.user, today=timezone.localdate(), regency=overdue_filter.chosen_regency
    )
    return overdue_filter, rows


def overdue(request):
    """Due reports that are missing, drafts or returned, per regency, with days late."""
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    overdue_filter, rows = _overdue(request)
    exclude = _one_regency_columns(user)
    if not can(user, Action.REPORT_WRITE):
        exclude.append("write")
    table = OverdueTable(rows, exclude=exclude)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "reports/overdue.html",
        {
            "filter": overdue_filter,
            "show_filter": user.has_province_scope,
            "table": table,
            "row_count": len(rows),
            "group_count": len({row.group_id for row in rows}),
            "regency_count": len({row.regency_code for row in rows}),
        },
    )


@require_GET
def overdue_export(request):
    """The overdue list (same filter, only what the user may see) as an xlsx file."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, rows = _overdue(request)
    return xlsx_response(
        filename=dated_filename("laporan-terlambat"),
        write=lambda fileobj: excel.write_overdue(rows=rows, fileobj=fileobj),
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
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
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
