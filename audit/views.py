"""The access log for province staff: a filtered list and its Excel download."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import Action, can
from audit import exports
from audit.filters import AuditEntryFilter
from audit.models import AuditEntry
from audit.tables import AuditEntryTable
from core.view_helpers import paginate
from core.xlsx import table_response


def _table(request):
    if not can(request.user, Action.AUDIT_READ):
        raise PermissionDenied
    entry_filter = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.for_list())
    return entry_filter, AuditEntryTable(entry_filter.qs)


@require_safe
def entry_list(request):
    entry_filter, table = _table(request)
    paginate(request, table, per_page=50)
    return render(request, "audit/entry_list.html", {"filter": entry_filter, "table": table})


@require_safe
def entry_list_export(request):
    _filter, table = _table(request)
    return table_response(
        request, table, stem="log-akses", sheet="Log Akses", columns=exports.ENTRY_COLUMNS
    )
