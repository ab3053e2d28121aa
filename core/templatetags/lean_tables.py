"""`{% lean_table table %}`: a django-tables2 table written in Python.

django-tables2 renders every cell through the template engine (attributes and
localisation per cell) and inspects each render method's signature again for every cell:
on a 50-row list that was most of the page's time. This writes the same markup
(includes/table.html uses it: wrapper, header with its sort links, body, footer, pager)
with what does not change from row to row worked out once per column: the <td>
attributes (unless they depend on the record), the render method's arguments, the
choices' labels, the link. The value of a cell is found as django-tables2 finds it (the
accessor, the label for a field with choices, the column's empty values and default).
Each cell carries its column's header as `data-label`: on a phone the rows are cards
(static/css/app.css) and each value is shown beside its name."""

from html import escape as html_escape
from urllib.parse import urlencode

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_tables2.columns import Column, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import A, AttributeDict, signature

register = template.Library()


_PLAIN_RENDER = Column.render


class _Cells:
    """What rendering one column's cells needs, worked out once per table.

    Most columns are plain: the value read along the accessor, a field's choices shown by
    their label, no render method or one of the value or the record alone, at most a link
    to the object's page or to a URL computed from the record. Their
    cells are written here directly: the choices' labels translated once per table (a
    field's get_FOO_display rebuilds and hashes its whole choices dict for every call), the
    link reversed once per record. Any other column goes django-tables2's way."""

    def __init__(self, bound_column, model):
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
        self.bits = self.accessor.bits
        self.choices = self._choices(model)
        # a render method of the value or the record alone (Rupiah, a date, a badge) is
        # called with just those
        self.link_args = None
        self.own_render = getattr(self.render, "__func__", None) is not _PLAIN_RENDER
        simple_render = not self.takes_kwargs and set(self.args) <= {"value", "record"}
        self.plain = (
            (not self.own_render or simple_render)
            and not self.m2m
            and self.opening is not None
            and (self.link is None or self._plain_link())
        )

    def _choices(self, model):
        field = self.accessor.get_field(model) if model is not None else None
        if not getattr(field, "choices", None):
            return None
        return {value: str(label) for value, label in field.flatchoices}

    def _plain_link(self):
        """A link to the object's page (linkify=True), or to a URL computed from the record
        or the value alone (linkify=callable): its arguments worked out once."""
        link = self.link
        self.link_args = None
        if link.reverse_args or link.attrs:
            return False
        if callable(link.url):
            args, takes_kwargs = signature(link.url)
            if takes_kwargs or not set(args) <= {"record", "value"}:
                return False
            self.link_args = args
            return True
        return not link.url and link.accessor is None and self.accessor == self.name

    def _opening(self, attrs):
        return format_html('<td {} data-label="{}">', attrs, self.label)

    def value(self, record):
        """The cell's value, or the marker None with `missing` set (as BoundRow does)."""
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model) and self.choices is not None:
            raw = getattr(penultimate, remainder, None)
            value, remainder = self.choices.get(raw, raw), None
        elif isinstance(penultimate, models.Model):
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

    def _plain_value(self, record):
        """The value along the accessor; None (not a plain value) for a callable on the way
        or a record that is a dict (django-tables2 reads those by key)."""
        if isinstance(record, dict):
            return None, False
        value = record
        for bit in self.bits:
            value = getattr(value, bit, None)
            if value is None:
                return None, True
            if callable(value) and not isinstance(value, models.Model):
                return None, False
        if self.choices is not None:
            value = self.choices.get(value, value)
        return value, True

    def html(self, row, table, urls):
        record = row.record
        if self.plain:
            value, plain = self._plain_value(record)
            if plain:
                return self._plain_html(record, value, urls)
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
        return opening + _localized(self.bound, content) + "</td>"

    def _plain_html(self, record, value, urls):
        empty = value in self.column.empty_values
        if empty:
            content = _escaped(self.default)
        else:
            shown = self.render(**_only(self.args, value, record)) if self.own_render else value
            content = _localized(self.bound, shown)
        if self.link is not None and not empty:
            content = f'<a href="{self._href(record, value, urls)}">{content}</a>'
        return self.opening + content + "</td>"

    def _href(self, record, value, urls) -> str:
        if self.link_args is not None:
            return _escaped(self.link.url(**_only(self.link_args, value, record)))
        target = value if hasattr(value, "get_absolute_url") else record
        key = id(target)
        if key not in urls:
            urls[key] = _escaped(target.get_absolute_url())
        return urls[key]

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


def _only(names, value, record) -> dict:
    """The arguments among `value` and `record` a render method or a link asks for."""
    known = {"value": value, "record": record}
    return {name: known[name] for name in names}


def _escaped(value) -> str:
    """`conditional_escape` without Django's lazy-argument wrapper around every call (a
    third of a cell's time): markup as it is, anything else escaped. Cells are joined as
    plain strings and the body marked safe once."""
    if isinstance(value, Promise):
        value = str(value)
    markup = getattr(value, "__html__", None)
    if markup is not None:
        return markup()
    return html_escape(str(value))


def _localized(bound_column, cell):
    if bound_column.localize is None:
        return _escaped(cell)
    return _escaped(localize(cell, use_l10n=bool(bound_column.localize)))


def _tbody(table) -> str:
    model = getattr(getattr(table, "_meta", None), "model", None) or getattr(
        table.data, "model", None
    )
    cells = [_Cells(column, model) for column in table.columns]
    urls = {}  # each record's page, reversed once for all its linked cells
    tbody = table.attrs.get("tbody")
    parts = [format_html("<tbody {}>", tbody.as_html()) if tbody else mark_safe("<tbody>")]
    rows = 0
    plain_rows = not table.row_attrs  # then a row's attributes are its odd/even class only
    for row in table.paginated_rows:
        rows += 1
        if plain_rows:
            parts.append('<tr class="even">' if rows % 2 else '<tr class="odd">')  # from 1
        else:
            parts.append(f"<tr {row.attrs.as_html()}>")
        parts.extend(cell.html(row, table, urls) for cell in cells)
        parts.append("</tr>")
    if not rows and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(cells), table.empty_text))
    parts.append(mark_safe("</tbody>"))
    return mark_safe("".join(parts))


class _Querystring:
    """The page's query string with one parameter replaced, as django-tables2's
    `querystring_replace` writes it (escaped, led by "?")."""

    def __init__(self, request):
        self.params = dict(request.GET) if request is not None else {}

    def __call__(self, key, value) -> str:
        return escape("?" + urlencode({**self.params, key: value}, doseq=True))


def _thead(table, query) -> str:
    if not table.show_header:
        return ""
    cells = []
    if table.orderable:  # on a phone the header row is the "Sort by" links
        cells.append(
            format_html(
                '<th class="sort-caption d-md-none" scope="col">{}</th>', gettext("Sort by")
            )
        )
    for column in table.columns:
        header = conditional_escape(column.header)
        if column.orderable:
            href = query(table.prefixed_order_by_field, column.order_by_alias.next)
            header = format_html('<a href="{}">{}</a>', href, header)
        cells.append(
            format_html('<th {} scope="col">{}</th>', column.attrs["th"].as_html(), header)
        )
    return format_html(
        "<thead {}><tr>{}</tr></thead>",
        table.attrs.get("thead", AttributeDict()).as_html(),
        mark_safe("".join(cells)),
    )


def _tfoot(table) -> str:
    if not table.has_footer():
        return ""
    cells = format_html_join(
        "", "<td {}>{}</td>", ((c.attrs["tf"].as_html(), c.footer) for c in table.columns)
    )
    return format_html(
        "<tfoot {}><tr>{}</tr></tfoot>", table.attrs.get("tfoot", AttributeDict()).as_html(), cells
    )


def _pagination(table, query) -> str:
    page = getattr(table, "page", None)
    if not page or table.paginator.num_pages <= 1:
        return ""
    field = table.prefixed_page_field
    items = []
    if page.has_previous():
        items.append(
            format_html(
                '<li class="previous page-item"><a href="{}" class="page-link">'
                '<span aria-hidden="true">&laquo;</span> {}</a></li>',
                query(field, page.previous_page_number()),
                gettext("previous"),
            )
        )
    for number in table_page_range(page, table.paginator):
        if number == "...":
            items.append(mark_safe('<li class="page-item"><a class="page-link">...</a></li>'))
            continue
        current = number == page.number
        items.append(
            format_html(
                '<li class="page-item{}"><a class="page-link" href="{}"{}>{}</a></li>',
                " active" if current else "",
                query(field, number),
                mark_safe(' aria-current="page"') if current else "",
                number,
            )
        )
    if page.has_next():
        items.append(
            format_html(
                '<li class="next page-item"><a href="{}" class="page-link">{} '
                '<span aria-hidden="true">&raquo;</span></a></li>',
                query(field, page.next_page_number()),
                gettext("next"),
            )
        )
    return format_html(
        '<nav aria-label="{}">'
        '<ul class="pagination justify-content-center flex-wrap">{}</ul></nav>',
        gettext("Table navigation"),
        mark_safe("".join(items)),
    )


@register.simple_tag(takes_context=True)
def lean_table(context, table):
    """The whole table in Python: django-tables2's responsive Bootstrap 5 markup, with a
    scrolling region a keyboard can reach (tabindex, a named region) and a pager in the
    page's language. Below the md breakpoint (.cards-md, static/css/app.css) each row is a
    card, each cell shown beside its header (data-label), and the header row becomes the
    "Sort by" links."""
    query = _Querystring(context.get("request"))
    attrs = AttributeDict({"class": "table"})
    attrs.update(table.attrs)
    return format_html(
        '<div class="table-container table-responsive cards-md" tabindex="0" role="region" '
        'aria-label="{}"><table {}>{}{}{}</table></div>{}',
        gettext("Table"),
        attrs.as_html(),
        _thead(table, query),
        _tbody(table),
        _tfoot(table),
        _pagination(table, query),
    )
