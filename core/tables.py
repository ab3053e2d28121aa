"""What the apps' django-tables2 tables share: the table's classes, right-aligned number
and money columns, and columns shown only from a breakpoint up."""

import django_tables2 as tables

from core.indonesia import format_rupiah

MONEY = {"th": {"class": "money"}, "td": {"class": "money"}}
NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


def wide_only(breakpoint="md", td_class=""):
    """A column shown from the breakpoint up: phones get the few columns that matter."""
    shown = f"d-none d-{breakpoint}-table-cell"
    return {"th": {"class": shown}, "td": {"class": f"{shown} {td_class}".strip()}}


class MoneyColumn(tables.Column):
    """Whole Rupiah, right-aligned: Rp12.500.000 (a loss: -Rp500.000)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", MONEY)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_rupiah(value)
