from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import EXPORT_DESCRIPTION
from core.pagination import CappedPaginator
from core.xlsx import dated_filename, xlsx_response
from groups.excel import write_groups
from groups.models import BusinessGroup, GroupDocument, Member, RegistrationCounter
from regions.admin_filters import ProvinceRegencyFilter


@admin.action(description=EXPORT_DESCRIPTION, permissions=["view"])
def export_groups(modeladmin, request, queryset):
    """The selected groups and their members in the import layout (re-importable)."""
    groups = BusinessGroup.objects.visible_to(request.user).filter(pk__in=queryset.values("pk"))
    return xlsx_response(
        filename=dated_filename("kelompok-usaha"),
        write=lambda fileobj: write_groups(queryset=groups.order_by("pk"), fileobj=fileobj),
    )


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["nik", "kk_number", "full_name", "sex", "birth_date", "role", "decile", "active"]
    show_change_link = True


@admin.register(BusinessGroup)
class BusinessGroupAdmin(SimpleHistoryAdmin):
    actions = [export_groups]
    list_display = ["registration_number", "name", "regency", "district", "sector", "status"]
    list_filter = ["status", "sector", ("regency", ProvinceRegencyFilter)]
    list_select_related = ["regency", "district"]
    search_fields = ["registration_number", "name", "members__nik"]
    readonly_fields = [
        "registration_number",
        "status",
        "status_reason",
        "status_changed_at",
        "status_changed_by",
        "created_by",
    ]
    autocomplete_fields = ["regency", "district"]
    inlines = [MemberInline]
    show_full_result_count = False
    paginator = CappedPaginator


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "nik", "role", "group", "active"]
    list_filter = ["role", "sex", "active", ("group__regency", ProvinceRegencyFilter)]
    list_select_related = ["group"]
    search_fields = ["nik", "kk_number", "full_name", "group__name"]
    raw_id_fields = ["group"]
    show_full_result_count = False
    paginator = CappedPaginator


@admin.register(GroupDocument)
class GroupDocumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "group",
        "kind",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "content_type"]
    list_select_related = ["group", "uploaded_by"]
    search_fields = ["group__name", "original_name"]
    raw_id_fields = ["group"]


@admin.register(RegistrationCounter)
class RegistrationCounterAdmin(admin.ModelAdmin):
    list_display = ["regency", "year", "last_number"]
    list_filter = ["year"]
