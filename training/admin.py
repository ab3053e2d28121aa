"""Sessions, attendance and visits are written through the pages (the services check the
role, the scope and the sheet); here they are read, searched and their history inspected."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import export_action
from core.pagination import CappedPaginator
from regions.admin_filters import ProvinceRegencyFilter
from training import exports, selectors
from training.models import (
    Attendance,
    MentoringVisit,
    TrainingInvitation,
    TrainingSession,
    VisitPhoto,
)

export_sessions = export_action(
    stem="pelatihan",
    sheet="Pelatihan",
    columns=exports.SESSION_COLUMNS,
    records=lambda user: selectors.session_list(user=user),
)
export_visits = export_action(
    stem="kunjungan-pendampingan",
    sheet="Kunjungan Pendampingan",
    columns=exports.VISIT_COLUMNS,
    records=lambda user: selectors.visit_list(user=user),
)


class InvitationInline(admin.TabularInline):
    model = TrainingInvitation
    extra = 0
    fields = ["group", "invited_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    actions = [export_sessions]
    list_display = ["title", "start_date", "end_date", "regency", "program", "venue"]
    list_filter = ["program", ("regency", ProvinceRegencyFilter), "start_date"]
    list_select_related = ["regency", "program"]
    search_fields = ["title", "topic", "venue", "facilitator"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_by"]
    inlines = [InvitationInline]
    show_full_result_count = False
    paginator = CappedPaginator


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["member", "session", "present", "recorded_by", "updated_at"]
    list_filter = ["present", ("member__group__regency", ProvinceRegencyFilter)]
    list_select_related = ["member", "session", "recorded_by"]
    search_fields = ["member__full_name", "member__nik", "member__group__name", "session__title"]
    raw_id_fields = ["session", "member"]
    readonly_fields = ["recorded_by"]
    show_full_result_count = False
    paginator = CappedPaginator

    def has_add_permission(self, request):
        return False  # the whole sheet is recorded on the session's page


class PhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MentoringVisit)
class MentoringVisitAdmin(SimpleHistoryAdmin):
    actions = [export_visits]
    list_display = ["group", "visited_on", "kind", "officer", "follow_up_due"]
    list_filter = ["kind", ("group__regency", ProvinceRegencyFilter), "visited_on"]
    list_select_related = ["group", "officer"]
    search_fields = ["group__name", "group__registration_number", "findings", "advice"]
    date_hierarchy = "visited_on"
    raw_id_fields = ["group", "officer"]
    inlines = [PhotoInline]
    show_full_result_count = False
    paginator = CappedPaginator


@admin.register(VisitPhoto)
class VisitPhotoAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "visit", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    list_select_related = ["visit__group", "uploaded_by"]
    search_fields = ["original_name", "visit__group__name"]
    raw_id_fields = ["visit"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request):
        return False  # photos are checked by content on upload, through the visit's page
