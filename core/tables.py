"""What the apps' django-tables2 tables share: the table's classes, right-aligned number
and money columns, columns shown only from a breakpoint up, and lean cells (a status
badge written in Python, fragments rendered without the page's context processors)."""

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

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


class StatusColumn(tables.Column):
    """A state as its badge (includes/status_badge.html), written in Python: no template
    per cell."""

    def render(self, record, value):
        # The stored state names the colour; the cell's value is already the label (a field
        # with choices is read by its label).
        return format_html(
            '<span class="badge status-badge status-{}">{}</span>', record.status, value
        )


class CellColumn(tables.TemplateColumn):
    """A TemplateColumn whose fragment sees only `record`, `value`, `request` and the CSRF
    token, in a plain Context: django-tables2's TemplateColumn renders each cell with a
    RequestContext made from the whole page's context, so every context processor (the
    navigation among them) ran again for every cell of a list."""

    def render(self, record, table, value, bound_column, **kwargs):
        request = getattr(table, "request", None)
        context = {"record": record, "value": value, "request": request}
        if request is not None:
            if not hasattr(table, "_csrf_token"):  # one masked token per table, not per cell
                table._csrf_token = get_token(request)
            context["csrf_token"] = table._csrf_token
        if self.template_code:
            return Template(self.template_code).render(Context(context))
        return get_template(self.template_name).template.render(Context(context))


class DateColumn(tables.Column):
    """A date in the locale's DATE_FORMAT (short: SHORT_DATE_FORMAT), formatted in Python:
    django-tables2's DateColumn compiles a template for every cell."""

    def __init__(self, *args, short=True, **kwargs):
        self.format = "SHORT_DATE_FORMAT" if short else "DATE_FORMAT"
        super().__init__(*args, **kwargs)

    def render(self, value):
        return date_format(value, self.format)


class DateTimeColumn(tables.Column):
    """A moment in the site's time zone and the locale's DATETIME_FORMAT (`27 November 2026
    pukul 23.18`), formatted in Python like DateColumn."""

    def render(self, value):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
