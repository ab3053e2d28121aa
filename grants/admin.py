"""Programmes and their regency quotas are set up here (their status only through the
programme services); grants and tranches change only through the services (the pages), so
their amounts, states and counters are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import export_action
from core.errors import DomainError
from core.pagination import CappedPaginator
from grants import exports, rules, selectors, services
from grants.models import Grant, Program, ProgramQuota, Tranche
from regions.admin_filters import ProvinceRegencyFilter

export_programs = export_action(
    stem="program",
    sheet="Program",
    columns=exports.PROGRAM_COLUMNS,
    records=lambda user: selectors.program_list(),
)
export_grants = export_action(
    stem="hibah",
    sheet="Hibah",
    columns=exports.GRANT_COLUMNS,
    records=lambda user: selectors.grant_list(user=user),
)
export_tranches = export_action(
    stem="tahap-pencairan",
    sheet="Tahap Pencairan",
    columns=exports.TRANCHE_HISTORY_COLUMNS,
    records=lambda user: selectors.tranche_list(user=user),
)


def _status_action(service, description, done):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        for program in queryset:
            try:
                service(program=program, by=request.user)
            except DomainError as error:
                for message in error.messages:
                    modeladmin.message_user(request, f"{program}: {message}", messages.ERROR)
            else:
                modeladmin.message_user(request, done % {"program": program}, messages.SUCCESS)

    action.__name__ = service.__name__
    return action


open_programs = _status_action(
    services.program_open, _("Open the programme"), _("%(program)s is open.")
)
close_programs = _status_action(
    services.program_close, _("Close the programme"), _("%(program)s is closed.")
)


class ProgramQuotaFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk:
                answer = rules.quota_remove(quota=form.instance)
                if not answer:
                    raise ValidationError(answer.reason)


class ProgramQuotaInline(admin.TabularInline):
    model = ProgramQuota
    formset = ProgramQuotaFormSet
    extra = 0
    fields = ["regency", "group_count", "awarded_count"]
    readonly_fields = ["awarded_count"]
    autocomplete_fields = ["regency"]


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    actions = [open_programs, close_programs, export_programs]
    list_display = [
        "name",
        "fiscal_year",
        "status",
        "total_budget",
        "default_amount",
        "awarded_amount",
    ]
    list_filter = ["status", "fiscal_year", "aid_form"]
    search_fields = ["name"]
    readonly_fields = ["awarded_amount"]
    fieldsets = [
        (None, {"fields": ["name", "fiscal_year", "status", "aid_form"]}),
        (_("Budget"), {"fields": ["total_budget", "default_amount", "awarded_amount"]}),
        (_("Group criteria"), {"fields": ["min_members", "max_members"]}),
        (_("Transfer"), {"fields": ["transfer_needs_training"]}),
        (
            _("Tranches"),
            {"fields": ["first_tranche_max_percent", "max_tranches", "tranche_needs_report"]},
        ),
    ]
    inlines = [ProgramQuotaInline]

    def get_readonly_fields(self, request, obj=None):
        # The status moves only through the programme services (the actions above).
        return [*super().get_readonly_fields(request, obj), "status"]

    def save_model(self, request, obj, form, change):
        services.program_save(program=obj, changed=set(form.changed_data), by=request.user)


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["sequence", "amount", "status", "requested_by", "requested_at", "decided_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    actions = [export_grants]
    list_display = [
        "group",
        "program",
        "amount",
        "withdrawn_amount",
        "status",
        "awarded_on",
        "transferred_on",
    ]
    list_filter = ["status", "program", ("group__regency", ProvinceRegencyFilter)]
    list_select_related = ["group", "program"]
    search_fields = ["group__name", "group__registration_number", "agreement_number"]
    raw_id_fields = ["group"]
    readonly_fields = [
        "program",
        "group",
        "amount",
        "awarded_on",
        "awarded_by",
        "status",
        "status_reason",
        "transferred_on",
        "transfer_reference",
        "completed_on",
        "committed_amount",
        "withdrawn_amount",
    ]
    inlines = [TrancheInline]
    show_full_result_count = False
    paginator = CappedPaginator

    def has_add_permission(self, request):
        return False  # awards go through the programme page (budget and quota checks)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tranche)
class TrancheAdmin(SimpleHistoryAdmin):
    actions = [export_tranches]
    list_display = [
        "__str__",
        "grant",
        "amount",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", ("grant__group__regency", ProvinceRegencyFilter), "grant__program"]
    list_select_related = [
        "grant__group",
        "grant__program",
        "requested_by",
        "decided_by",
    ]
    search_fields = ["grant__group__name", "grant__group__registration_number", "purpose"]
    show_full_result_count = False
    paginator = CappedPaginator

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Tranche._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
