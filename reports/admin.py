"""Progress reports change only through the services (the pages), so their figures and
states are read-only here; the admin is for finding a report and reading its history."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import export_action
from core.pagination import CappedPaginator
from core.xlsx import dated_filename, xlsx_response
from grants.admin import ProgramAdmin
from regions.admin_filters import ProvinceRegencyFilter
from reports import exports, selectors
from reports.models import (
    AccountabilityReport,
    OwingSpan,
    ProgressReport,
    RegencySummary,
    ReminderLog,
    ReportSummary,
    RevenueChange,
)
from reports.periods import Period
from reports.rekap import write_rekap

export_reports = export_action(
    stem="laporan-perkembangan",
    sheet="Laporan Perkembangan",
    columns=exports.REPORT_COLUMNS,
    records=lambda user: selectors.report_list(user=user),
)


@admin.action(description=_("Programme rekap (Excel, one sheet per regency)"), permissions=["view"])
def export_rekap(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose one programme."), level=messages.ERROR)
        return None
    program = queryset.get()
    return xlsx_response(
        filename=dated_filename(f"rekap-{program.fiscal_year}-{program.pk}"),
        write=lambda fileobj: write_rekap(user=request.user, program=program, fileobj=fileobj),
    )


# The rekap is the dashboard's workbook: this app adds it to the programme's admin actions.
ProgramAdmin.actions = [*ProgramAdmin.actions, export_rekap]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    actions = [export_reports]
    list_display = [
        "group",
        "year",
        "term",
        "status",
        "revenue",
        "profit",
        "active_members",
        "condition",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = ["status", "year", "term", "condition", ("group__regency", ProvinceRegencyFilter)]
    list_select_related = ["group"]
    search_fields = ["group__name", "group__registration_number"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    paginator = CappedPaginator
    fieldsets = [
        (None, {"fields": ["group", "grant", "year", "term", "status", "return_reason"]}),
        (
            _("Figures"),
            {
                "fields": [
                    "revenue",
                    "costs",
                    "profit",
                    "capital_used",
                    "asset_value",
                    "cash_balance",
                ]
            },
        ),
        (
            _("Members and condition"),
            {
                "fields": [
                    "active_members",
                    "jobs_created",
                    "condition",
                    "problems",
                    "narrative",
                ]
            },
        ),
        (
            _("Who and when"),
            {
                "fields": [
                    "created_by",
                    "submitted_by",
                    "submitted_at",
                    "reviewed_by",
                    "reviewed_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    readonly_fields = [field for _label, options in fieldsets for field in options["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "recipient", "grant", "year", "term", "kind"]
    list_filter = ["kind", "year", "term"]
    list_select_related = ["recipient", "grant__group", "grant__program"]
    search_fields = ["recipient__username", "grant__group__name"]
    date_hierarchy = "sent_at"
    readonly_fields = ["recipient", "grant", "year", "term", "kind", "sent_at"]
    show_full_result_count = False
    paginator = CappedPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SummaryAdmin(admin.ModelAdmin):
    """Derived figures (refresh_summaries rebuilds them): read-only."""

    list_filter = ["program_year", ("regency", ProvinceRegencyFilter)]
    list_select_related = ["program", "regency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RegencySummary)
class RegencySummaryAdmin(SummaryAdmin):
    list_display = ["program", "regency", *RegencySummary.FIGURES]


@admin.register(ReportSummary)
class ReportSummaryAdmin(SummaryAdmin):
    list_display = ["program", "regency", "year", "term", *ReportSummary.FIGURES]
    list_filter = [*SummaryAdmin.list_filter, "year", "term"]


@admin.register(RevenueChange)
class RevenueChangeAdmin(SummaryAdmin):
    list_display = ["report", "program", "regency", "year", "term", "change"]
    list_filter = [*SummaryAdmin.list_filter, "year", "term"]
    list_select_related = ["report__group", "program", "regency"]


@admin.register(OwingSpan)
class OwingSpanAdmin(SummaryAdmin):
    list_display = ["regency", "program", "program_year", "first", "last", "groups"]

    @admin.display(description=_("first period"))
    def first(self, span):
        return Period.from_index(span.first_period)

    @admin.display(description=_("last period"))
    def last(self, span):
        return "—" if span.last_period is None else Period.from_index(span.last_period)


export_lpjs = export_action(
    stem="lpj",
    sheet="LPJ",
    columns=exports.LPJ_COLUMNS,
    records=lambda user: selectors.lpj_list(user=user),
)


@admin.register(AccountabilityReport)
class AccountabilityReportAdmin(SimpleHistoryAdmin):
    """LPJs change only through their page (submit, receive, return)."""

    actions = [export_lpjs]
    list_display = ["group", "year", "status", "submitted_at", "received_on", "receipt"]
    list_filter = ["status", "year", "group__regency"]
    list_select_related = ["group", "receipt"]
    search_fields = ["group__name", "group__registration_number", "receipt__number"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in AccountabilityReport._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
