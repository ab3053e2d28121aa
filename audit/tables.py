import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.tables import TABLE_ATTRS, DateTimeColumn, wide_only


class AuditEntryTable(tables.Table):
    at = DateTimeColumn(order_by=("at", "pk"))
    username = tables.Column(verbose_name=_("User"), order_by=("username", "at"))
    event = tables.Column(order_by=("event", "at"))
    object_repr = tables.Column(
        verbose_name=_("Object"), empty_values=(), orderable=False, attrs=wide_only()
    )
    detail = tables.Column(orderable=False, attrs=wide_only("lg", "text-break"))
    address = tables.Column(orderable=False, attrs=wide_only())

    class Meta:
        model = AuditEntry
        fields = ["at", "username", "event", "object_repr", "detail", "address"]
        attrs = TABLE_ATTRS
        empty_text = _("No entries match.")
        order_by = "-at"

    def render_object_repr(self, record):
        if not record.object_type:
            return "—"
        text = record.object_repr or record.object_id
        return f"{text} ({record.object_type} #{record.object_id})"
