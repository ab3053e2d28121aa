"""Programmes and their regency quotas are set up here (their status only through the
programme services); grants and tranches change only through the services (the pages), so
their amounts, states and counters are read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import export_action
from core.errors import DomainError
from core.pagination import CappedPaginator
from grants import exports, rules, selectors, services
from grants.models import (
    Agreement,
    Decree,
    Grant,
    Handover,
    HandoverItem,
    Program,
    ProgramQuota,
    SpendingLine,
    SpendingReport,
    Tranche,
)
from groups.models import DocumentKind as GroupDocumentKind
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
export_decrees = export_action(
    stem="sk-penerima",
    sheet="SK Penerima",
    columns=exports.DECREE_COLUMNS,
    records=lambda user: selectors.decree_list(user=user),
)
export_agreements = export_action(
    stem="nphd",
    sheet="NPHD",
    columns=exports.AGREEMENT_COLUMNS,
    records=lambda user: selectors.agreement_list(user=user),
)
export_spending = export_action(
    stem="belanja-tahap",
    sheet="Belanja per Tahap",
    columns=exports.SPENDING_LINE_COLUMNS,
    records=lambda user: SpendingLine.objects.visible_to(user).select_related(
        "report__tranche__grant__group__regency", "report__tranche__grant__program", "receipt"
    ),
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


class ProgramAdminForm(forms.ModelForm):
    required_documents = forms.TypedMultipleChoiceField(
        label=_("Documents a group must have uploaded"),
        choices=GroupDocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = "__all__"  # noqa: DJ007 (the fieldsets below choose)


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    form = ProgramAdminForm
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
        (
            _("Group criteria"),
            {
                "fields": [
                    "min_members",
                    "max_members",
                    "min_households",
                    "max_decile",
                    "required_documents",
                ]
            },
        ),
        (_("Transfer"), {"fields": ["transfer_needs_training"]}),
        (
            _("Tranches"),
            {
                "fields": [
                    "first_tranche_max_percent",
                    "max_tranches",
                    "tranche_needs_report",
                    "spending_share_percent",
                ]
            },
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
    search_fields = ["group__name", "group__registration_number", "agreements__letter__number"]
    raw_id_fields = ["group"]
    readonly_fields = [
        "program",
        "decree",
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


@admin.register(Decree)
class DecreeAdmin(SimpleHistoryAdmin):
    """Decrees change only through their pages (prepare, sign, cancel)."""

    actions = [export_decrees]
    list_display = ["__str__", "program", "signed_on", "signatory", "status"]
    list_filter = ["status", "program"]
    list_select_related = ["program", "signatory", "letter"]
    search_fields = ["letter__number", "program__name"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Decree._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Documents of the paper trail change only through their pages and services."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    actions = [export_agreements]
    list_display = ["__str__", "grant", "issued_on", "signatory", "status", "signed_on"]
    list_filter = ["status", "grant__program", "grant__group__regency"]
    list_select_related = ["letter", "grant__group", "grant__program", "signatory"]
    search_fields = ["letter__number", "legacy_number", "grant__group__name"]
    show_full_result_count = False


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    extra = 0
    can_delete = False
    fields = ["position", "name", "quantity", "unit", "unit_value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "grant", "handed_over_on", "total", "status"]
    list_filter = ["status", "grant__program", "grant__group__regency"]
    list_select_related = ["letter", "grant__group", "grant__program"]
    search_fields = ["letter__number", "grant__group__name"]
    inlines = [HandoverItemInline]


class SpendingLineInline(admin.TabularInline):
    model = SpendingLine
    extra = 0
    can_delete = False
    fields = ["spent_on", "item", "quantity", "unit", "amount", "supplier", "receipt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SpendingReport)
class SpendingReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "tranche", "total", "status", "submitted_at", "reviewed_by"]
    list_filter = ["status", "tranche__grant__program", "tranche__grant__group__regency"]
    list_select_related = ["tranche__grant__group", "reviewed_by"]
    search_fields = ["tranche__grant__group__name", "lines__item", "lines__supplier"]
    inlines = [SpendingLineInline]


@admin.register(SpendingLine)
class SpendingLineAdmin(ReadOnlyAdmin):
    actions = [export_spending]
    list_display = ["item", "report", "spent_on", "amount", "supplier"]
    list_filter = ["report__status", "report__tranche__grant__group__regency"]
    list_select_related = ["report__tranche__grant__group"]
    search_fields = ["item", "supplier", "report__tranche__grant__group__name"]
    show_full_result_count = False
