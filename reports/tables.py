import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

from core.tables import (
    NUMBER,
    TABLE_ATTRS,
    CellColumn,
    DateColumn,
    MoneyColumn,
    StatusColumn,
    wide_only,
)
from reports.badges import report_badge
from reports.selectors import BY_GROUP, BY_PERIOD, BY_REGENCY, overdue_row


class OverdueData(TableData):
    """The overdue rows of reports.selectors.overdue_queryset for the table: ordered and
    sliced in SQL (each order has its index), one page turned into OverdueRows, the count
    given (the page counts rows, groups and regencies in one query)."""

    def __init__(self, rows, *, count: int, today):
        super().__init__(rows)
        self.known_count, self.today = count, today

    def __len__(self):
        return self.known_count

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [overdue_row(values, today=self.today) for values in self.data[key]]
        return overdue_row(self.data[key], today=self.today)

    def __iter__(self):
        return (overdue_row(values, today=self.today) for values in self.data)

    def order_by(self, aliases):
        fields = []
        for alias in aliases:
            column = self.table.columns[OrderBy(alias).bare]
            if alias[0] != column.order_by_alias[0]:
                fields += column.order_by.opposite
            else:
                fields += column.order_by
        self.data = self.data.order_by(*fields)


class OverdueTable(tables.Table):
    """Rows of reports.selectors.overdue_queryset, paged and ordered in SQL (OverdueData).
    On a phone: the group with its report's state, the period, the days late and the
    button to write."""

    regency = tables.Column(
        accessor="regency_name", verbose_name=_("Regency/city"), order_by=BY_REGENCY
    )
    group = tables.Column(accessor="group_name", verbose_name=_("Group"), order_by=BY_GROUP)
    period = tables.Column(verbose_name=_("Period"), order_by=BY_PERIOD)
    due = DateColumn(
        verbose_name=_("Due"),
        short=False,
        order_by=BY_PERIOD,
        attrs=wide_only("sm", "text-nowrap"),
    )
    # more days late: an earlier period
    days_late = tables.Column(
        verbose_name=_("Days late"),
        order_by=tuple(f"-{field}" for field in BY_PERIOD),
        attrs=NUMBER,
    )
    write = tables.Column(verbose_name="", orderable=False, empty_values=())

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "overdue"}
        empty_text = _("No due report is missing or returned.")

    # The two cells written in Python (they were templates: the page's heaviest part).

    def render_group(self, record):
        reason = record.return_reason
        return format_html(
            '<a href="{}">{}</a>\n<div>{}</div>\n{}',
            record.group_url,
            record.group_name,
            report_badge(record.badge_status, record.status_label),
            format_html(
                '<div class="small text-body-secondary return-reason">{}</div>',
                Truncator(reason).chars(80),
            )
            if reason
            else "",
        )

    def render_write(self, record):
        if record.report_status == "returned":
            label, style = _("Fix"), "btn-outline-primary"
        elif record.report_id:
            label, style = _("Continue"), "btn-outline-primary"
        else:
            label, style = _("Write"), "btn-primary"
        return format_html(
            '<a class="btn btn-sm {} text-nowrap" href="{}">{}</a>', style, record.write_url, label
        )


class ReviewQueueTable(tables.Table):
    """Oldest submission first, always: the order is the point of the queue. On a phone:
    the group (with its period) and how long it waits; the report's page has the actions."""

    group = CellColumn(
        template_name="reports/includes/queue_group_cell.html",
        accessor="group__name",
        verbose_name=_("Report"),
    )
    regency = tables.Column(
        accessor="group__regency", verbose_name=_("Regency/city"), attrs=wide_only()
    )
    revenue = MoneyColumn(verbose_name=_("Revenue"), attrs=wide_only("md", "money"))
    profit = MoneyColumn(verbose_name=_("Profit"), attrs=wide_only("md", "money"))
    submitted = CellColumn(
        template_name="reports/includes/submitted_cell.html",
        verbose_name=_("Submitted by"),
        accessor="submitted_at",
        attrs=wide_only(),
    )
    age = tables.Column(verbose_name=_("Waiting (days)"), accessor="submitted_at", attrs=NUMBER)
    decide = CellColumn(
        template_name="reports/includes/review_cell.html",
        verbose_name="",
        empty_values=(),
        attrs=wide_only(),
    )

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "review-queue"}
        orderable = False
        empty_text = _("No reports are waiting for review.")

    def render_age(self, value):
        return (timezone.localdate() - timezone.localdate(value)).days


class LpjTable(tables.Table):
    group = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        accessor="group__name",
        verbose_name=_("Group"),
        order_by=("group__name", "year"),
    )
    regency = tables.Column(accessor="group__regency", verbose_name=_("Regency/city"))
    year = tables.Column(verbose_name=_("Year"), localize=False)
    submitted_at = tables.DateTimeColumn(verbose_name=_("Submitted"), short=True)
    receipt = tables.Column(
        verbose_name=_("Receipt number"), accessor="receipt__number", default="—"
    )
    status = StatusColumn(order_by=("status", "pk"))

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "lpj"}
        empty_text = _("No LPJ matches.")
