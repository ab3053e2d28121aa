import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tables import NUMBER, TABLE_ATTRS, MoneyColumn, wide_only


class OverdueTable(tables.Table):
    """Rows of reports.selectors.overdue_rows (a list, sorted in Python). On a phone: the
    group with its report's state, the period, the days late and the button to write."""

    regency = tables.Column(
        accessor="regency_name",
        verbose_name=_("Regency/city"),
        order_by=("regency_code", "group_name", "period"),
    )
    group = tables.TemplateColumn(
        template_name="reports/includes/overdue_group_cell.html",
        accessor="group_name",
        verbose_name=_("Group"),
        order_by=("group_name", "group_id", "period"),
    )
    period = tables.Column(
        verbose_name=_("Period"), order_by=("period", "regency_code", "group_name")
    )
    due = tables.DateColumn(
        verbose_name=_("Due"),
        short=False,
        order_by=("due", "regency_code", "group_name"),
        attrs=wide_only("sm", "text-nowrap"),
    )
    days_late = tables.Column(
        verbose_name=_("Days late"),
        order_by=("days_late", "regency_code", "group_name"),
        attrs=NUMBER,
    )
    write = tables.TemplateColumn(
        template_name="reports/includes/write_cell.html",
        verbose_name="",
        orderable=False,
        empty_values=(),
    )

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "overdue"}
        empty_text = _("No due report is missing or returned.")


class ReviewQueueTable(tables.Table):
    """Oldest submission first, always: the order is the point of the queue. On a phone:
    the group (with its period) and how long it waits; the report's page has the actions."""

    group = tables.TemplateColumn(
        template_name="reports/includes/queue_group_cell.html",
        accessor="group__name",
        verbose_name=_("Report"),
    )
    regency = tables.Column(
        accessor="group__regency", verbose_name=_("Regency/city"), attrs=wide_only()
    )
    revenue = MoneyColumn(verbose_name=_("Revenue"), attrs=wide_only("md", "money"))
    profit = MoneyColumn(verbose_name=_("Profit"), attrs=wide_only("md", "money"))
    submitted = tables.TemplateColumn(
        template_name="reports/includes/submitted_cell.html",
        verbose_name=_("Submitted by"),
        accessor="submitted_at",
        attrs=wide_only(),
    )
    age = tables.Column(verbose_name=_("Waiting (days)"), accessor="submitted_at", attrs=NUMBER)
    decide = tables.TemplateColumn(
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
    status = tables.TemplateColumn(
        template_name="grants/includes/status_badge_cell.html", order_by=("status", "pk")
    )

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "lpj"}
        empty_text = _("No LPJ matches.")
