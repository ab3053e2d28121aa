from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes an entry (the database refuses too)."""

    list_display = ["at", "username", "event", "object_type", "object_id", "address"]
    list_filter = ["event"]
    search_fields = ["username", "object_id", "object_repr"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
