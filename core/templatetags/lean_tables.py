"""`{% lean_tbody table %}`: a django-tables2 table's body written in Python.

django-tables2 renders every cell through the template engine (attributes and
localisation per cell) and inspects each render method's signature again for every cell:
on a 50-row list that was most of the page's time. This writes the same markup
(includes/table.html uses it) with what does not change from row to row worked out once
per column: the <td> attributes (unless they depend on the record), the render method's
arguments, the link. The value of a cell is found as django-tables2 finds it (the
accessor, `get_FOO_display` for a field with choices, the column's empty values and
default). Each cell carries its column's header as `data-label`: on a phone the rows are
cards (static/css/app.css) and each value is shown beside its name."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import A, signature

register = template.Library()


class _Cells:
    """What rendering one column's cells needs, worked out once per table."""

    def __init__(self, bound_column):
        self.bound = bound_column
        self.column = bound_column.column
        self.name = bound_column.name
        self.accessor = A(bound_column.accessor)
        self.render = bound_column.render
        self.args, self.takes_kwargs = signature(self.render)
        self.link = bound_column.link
        self.default = bound_column.default
        self.m2m = isinstance(self.column, ManyToManyColumn)
        self.label = strip_tags(str(bound_column.header)).strip()
        td = self.column.attrs.get("td", {})
        self.opening = (
            None
            if any(callable(v) for v in td.values())
            else self._opening(bound_column.attrs["td"].as_html())
        )

    def _opening(self, attrs):
        return format_html('<td {} data-label="{}">', attrs, self.label)

    def value(self, record):
        """The cell's value, or the marker None with `missing` set (as BoundRow does)."""
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model):
            try:
                field = self.accessor.get_field(record)
                display = getattr(penultimate, f"get_{remainder}_display", None)
                if getattr(field, "choices", ()) and display:
                    value, remainder = display(), None
            except FieldDoesNotExist:
                pass
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                if isinstance(self.column, BaseLinkColumn) and self.column.text is not None:
                    return self._call(record, None, row=None)
        return value

    def html(self, row, table):
        record = row.record
        value = self.value(record)
        if value in self.column.empty_values or (self.m2m and not value.exists()):
            content = self.default
        else:
            content = self._call(record, value, row=row, table=table)
        if self.opening is None:  # attributes computed from the record
            self.bound.current_value, self.bound.current_record = content, record
            opening = self._opening(self.bound.attrs["td"].as_html())
        else:
            opening = self.opening
        return opening + _localized(self.bound, content) + mark_safe("</td>")

    def _call(self, record, value, *, row, table=None):
        kwargs = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound,
            "bound_row": row,
            "table": table,
        }
        if self.takes_kwargs:
            content = self.render(**kwargs)
        elif any(arg not in kwargs for arg in self.args):
            content = None
        else:
            content = self.render(**{arg: kwargs[arg] for arg in self.args})
        return self.link(content, **kwargs) if self.link else content


def _localized(bound_column, cell):
    if bound_column.localize is None:
        return conditional_escape(cell)
    return conditional_escape(localize(cell, use_l10n=bool(bound_column.localize)))


@register.simple_tag
def lean_tbody(table):
    cells = [_Cells(column) for column in table.columns]
    tbody = table.attrs.get("tbody")
    parts = [format_html("<tbody {}>", tbody.as_html()) if tbody else mark_safe("<tbody>")]
    rows = 0
    for row in table.paginated_rows:
        rows += 1
        parts.append(format_html("<tr {}>", row.attrs.as_html()))
        parts.extend(cell.html(row, table) for cell in cells)
        parts.append(mark_safe("</tr>"))
    if not rows and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(cells), table.empty_text))
    parts.append(mark_safe("</tbody>"))
    return mark_safe("".join(parts))
