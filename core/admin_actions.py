"""Admin actions that download the selected rows in the layout of a page's Excel export.

The rows are read again through `records(user)`, the page's own scoped queryset with the
joins its columns need, so the admin gives nobody more than the pages would.
"""

from collections.abc import Callable, Iterable

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.xlsx import Column, dated_filename
from core.xlsx_stream import table_stream_response

EXPORT_DESCRIPTION = _("Export the selected rows to Excel")


def export_action(
    *, stem: str, sheet: str, columns: Iterable[Column], records: Callable
) -> Callable:
    @admin.action(description=EXPORT_DESCRIPTION, permissions=["view"])
    def export_to_excel(modeladmin, request, queryset):
        rows = records(request.user).filter(pk__in=queryset.values("pk")).order_by("pk")
        return table_stream_response(
            filename=dated_filename(stem),
            sheet=sheet,
            columns=columns,
            rows=rows.iterator(chunk_size=2000),
        )

    return export_to_excel
