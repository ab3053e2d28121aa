import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.indonesia import format_rupiah
from core.numbers import format_percent, percent
from core.tables import NUMBER, TABLE_ATTRS, MoneyColumn, StatusColumn, wide_only
from grants.models import Program

# Shown from tablet width up: on a phone the queue keeps what a decision needs.
WIDE_ONLY = wide_only()


class ProgramTable(tables.Table):
    name = tables.Column(linkify=True)
    fiscal_year = tables.Column(localize=False)  # 2026, not 2.026
    status = StatusColumn(order_by=("status", "name"))
    total_budget = MoneyColumn(verbose_name=_("Budget"))
    awarded_amount = MoneyColumn(verbose_name=_("Awarded"))
    budget_left = MoneyColumn(verbose_name=_("Left"), orderable=False, empty_values=())
    used = tables.Column(verbose_name=_("Used"), orderable=False, empty_values=(), attrs=NUMBER)

    class Meta:
        model = Program
        fields = ["name", "fiscal_year", "status", "total_budget", "awarded_amount"]
        attrs = TABLE_ATTRS
        empty_text = _("No programmes yet.")

    def render_used(self, record):
        return format_percent(percent(record.awarded_amount, record.total_budget))


class GrantTable(tables.Table):
    group = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        accessor="group__name",
        verbose_name=_("Group"),
        order_by=("group__name", "pk"),
    )
    regency = tables.Column(
        accessor="regency",
        verbose_name=_("Regency/city"),
        order_by=("regency_id", "pk"),
    )
    program = tables.Column(
        verbose_name=_("Programme"), order_by=("program_id", "awarded_on", "pk")
    )
    amount = MoneyColumn(verbose_name=_("Amount"), order_by=("amount", "pk"))
    withdrawn_amount = MoneyColumn(verbose_name=_("Withdrawn"), order_by=("withdrawn_amount", "pk"))
    available = MoneyColumn(verbose_name=_("Available"), order_by=("available", "pk"))
    status = StatusColumn(order_by=("status", "pk"))

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "grants"}
        empty_text = _("No grants match.")

    def render_program(self, record):
        return record.program.name


class TrancheQueueTable(tables.Table):
    """Oldest first, always: the order is the point of the queue."""

    group = tables.Column(
        linkify=lambda record: reverse("grants:tranche_detail", args=[record.pk]),
        accessor="grant__group__name",
        verbose_name=_("Group"),
    )
    regency = tables.Column(
        accessor="grant__group__regency", verbose_name=_("Regency/city"), attrs=WIDE_ONLY
    )
    sequence = tables.Column(
        verbose_name=_("Tranche"),
        attrs={
            "th": {"class": "d-none d-md-table-cell text-end"},
            "td": {"class": "d-none d-md-table-cell text-end"},
        },
    )
    amount = MoneyColumn(verbose_name=_("Amount"))
    purpose = tables.Column(verbose_name=_("Purpose"))
    requested = tables.Column(
        verbose_name=_("Requested by"), accessor="requested_at", attrs=WIDE_ONLY
    )
    age = tables.Column(verbose_name=_("Age (days)"), accessor="requested_at", attrs=NUMBER)
    decide = tables.Column(verbose_name="", empty_values=())

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "tranche-queue"}
        orderable = False
        empty_text = _("No tranches are waiting for a decision.")

    def render_age(self, value):
        return (timezone.localdate() - timezone.localdate(value)).days

    def render_requested(self, record):
        return format_html(
            '{}<div class="small text-body-secondary text-nowrap">{}</div>',
            record.requested_by,
            date_format(timezone.localtime(record.requested_at), "SHORT_DATETIME_FORMAT"),
        )

    def render_decide(self, record):
        """Approve and reject, each a form folded in a <details>, as the rules allow (the
        view sets record.decision and record.may_reject); written here, not by a template
        per row. One CSRF token for the table."""
        if not hasattr(self, "_csrf_token"):
            self._csrf_token = get_token(self.request)
            self._next = self.request.get_full_path()
        hidden = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">',
            self._csrf_token,
            self._next,
        )
        forms = []
        if record.decision:
            forms.append(
                format_html(
                    '<details class="decide"><summary class="btn btn-sm btn-success">{}</summary>'
                    '<form method="post" action="{}" class="decide-form" novalidate>{}'
                    '<p class="small mb-1">{}</p>'
                    '<label class="form-label small mb-0" for="note-{}">{}</label>'
                    '<textarea class="form-control form-control-sm mb-1" name="note" '
                    'id="note-{}" rows="2" maxlength="2000"></textarea>'
                    '<button type="submit" class="btn btn-sm btn-success">{}</button>'
                    "</form></details>",
                    gettext("Approve"),
                    reverse("grants:tranche_approve", args=[record.pk]),
                    hidden,
                    gettext("Approve tranche %(n)s of %(amount)s?")
                    % {"n": record.sequence, "amount": format_rupiah(record.amount)},
                    record.pk,
                    gettext("Note (optional)"),
                    record.pk,
                    gettext("Confirm approval"),
                )
            )
        if record.may_reject:
            forms.append(
                format_html(
                    '<details class="decide"><summary class="btn btn-sm btn-outline-danger">{}'
                    '</summary><form method="post" action="{}" class="decide-form" novalidate>'
                    '{}<label class="form-label small mb-0" for="reason-{}">{}</label>'
                    '<textarea class="form-control form-control-sm mb-1" name="reason" '
                    'id="reason-{}" rows="2" maxlength="2000" required></textarea>'
                    '<button type="submit" class="btn btn-sm btn-danger">{}</button>'
                    "</form></details>",
                    gettext("Reject"),
                    reverse("grants:tranche_reject", args=[record.pk]),
                    hidden,
                    record.pk,
                    gettext("Reason"),
                    record.pk,
                    gettext("Confirm rejection"),
                )
            )
        html = (
            format_html(
                '<div class="d-flex flex-wrap gap-1 align-items-start">{}</div>',
                mark_safe("".join(forms)),
            )
            if forms
            else ""
        )
        if not record.decision:
            html += format_html(
                '<span class="small text-body-secondary">{}</span>', record.decision.reason
            )
        return mark_safe(html)


class DecreeTable(tables.Table):
    number = tables.TemplateColumn(
        template_name="grants/includes/decree_number_cell.html",
        verbose_name=_("Number"),
        order_by=("letter__number", "pk"),
    )
    signed_on = tables.DateColumn(verbose_name=_("Decree date"), short=False, default="—")
    program = tables.Column(verbose_name=_("Programme"), order_by=("program_id", "-pk"))
    signatory = tables.Column(verbose_name=_("Signed by"), orderable=False, attrs=wide_only())
    grant_count = tables.Column(verbose_name=_("Groups"), attrs=NUMBER)
    grant_total = MoneyColumn(verbose_name=_("Amount"))
    status = StatusColumn(order_by=("status", "-pk"))

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "decrees"}
        empty_text = _("No decree yet.")

    def render_program(self, record):
        return record.program.name


class AgreementTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Number"), accessor="letter__number", order_by=("letter__number", "pk")
    )
    issued_on = tables.DateColumn(verbose_name=_("Agreement date"), short=False)
    group = tables.Column(
        linkify=lambda record: record.grant.get_absolute_url(),
        accessor="grant__group__name",
        verbose_name=_("Group"),
    )
    regency = tables.Column(
        accessor="grant__group__regency", verbose_name=_("Regency/city"), attrs=wide_only()
    )
    amount = MoneyColumn(accessor="grant__amount", verbose_name=_("Amount"))
    signed_on = tables.DateColumn(verbose_name=_("Signed on"), short=False, default="—")
    status = StatusColumn(order_by=("status", "-pk"))

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "agreements"}
        empty_text = _("No agreement matches.")

    def render_number(self, record):
        return record.number


class HandoverTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Number"), accessor="letter__number", order_by=("letter__number", "pk")
    )
    handed_over_on = tables.DateColumn(verbose_name=_("Handover date"), short=False)
    group = tables.Column(
        linkify=lambda record: record.grant.get_absolute_url(),
        accessor="grant__group__name",
        verbose_name=_("Group"),
    )
    regency = tables.Column(
        accessor="grant__group__regency", verbose_name=_("Regency/city"), attrs=wide_only()
    )
    total = MoneyColumn(verbose_name=_("Value of the goods"))
    status = StatusColumn(order_by=("status", "-pk"))

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "handovers"}
        empty_text = _("No handover record matches.")


class SpendingTable(tables.Table):
    group = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        accessor="tranche__grant__group__name",
        verbose_name=_("Group"),
        order_by=("tranche__grant__group__name", "tranche__sequence"),
    )
    regency = tables.Column(
        accessor="tranche__grant__group__regency", verbose_name=_("Regency/city"), attrs=wide_only()
    )
    sequence = tables.Column(accessor="tranche__sequence", verbose_name=_("Tranche"), attrs=NUMBER)
    withdrawn = MoneyColumn(accessor="tranche__amount", verbose_name=_("Withdrawn"))
    total = MoneyColumn(verbose_name=_("Accounted for"))
    status = StatusColumn(order_by=("status", "pk"))

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "spending"}
        empty_text = _("No tranche's spending matches.")
