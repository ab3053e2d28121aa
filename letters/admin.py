"""The office sets each kind's number pattern here; the register itself is written only by
the services that issue and cancel documents, so its entries are read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import export_action
from letters import exports, selectors
from letters.models import Letter, LetterSeries

export_letters = export_action(
    stem="agenda-surat-keluar",
    sheet="Agenda Surat Keluar",
    columns=exports.LETTER_COLUMNS,
    records=lambda user: selectors.letter_list(user=user),
)


@admin.register(LetterSeries)
class LetterSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "pattern", "updated_at"]
    fields = ["kind", "pattern"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(SimpleHistoryAdmin):
    actions = [export_letters]
    list_display = ["number", "issued_on", "kind", "subject", "regency", "signed_by", "status"]
    list_filter = ["kind", "year", "status", "regency"]
    list_select_related = ["regency", "signed_by"]
    search_fields = ["number", "subject"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Letter._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
