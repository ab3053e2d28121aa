import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import NUMBER, TABLE_ATTRS, CellColumn, DateColumn, StatusColumn
from training.models import MentoringVisit, TrainingSession


class SessionTable(tables.Table):
    # A regency officer sees province-wide sessions beside their regency's: the column says
    # which (core.view_helpers.paginate hides it elsewhere for whoever works in one regency).
    hide_own_regency = False

    start_date = CellColumn(
        template_name="training/includes/dates_cell.html",
        verbose_name=_("Date"),
        order_by=("start_date", "pk"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    title = tables.Column(linkify=True, order_by=("title", "pk"))
    regency = tables.Column(
        verbose_name=_("Regency/city"), order_by=("regency_id", "start_date"), default=""
    )
    program = tables.Column(verbose_name=_("Programme"), order_by=("program_id", "start_date"))
    venue = tables.Column(orderable=False)
    invited_count = tables.Column(verbose_name=_("Groups"), attrs=NUMBER)
    present_count = tables.Column(verbose_name=_("Present"), attrs=NUMBER)

    class Meta:
        model = TrainingSession
        fields = ["start_date", "title", "regency", "program", "venue"]
        order_by = ("-start_date",)
        attrs = {**TABLE_ATTRS, "id": "sessions"}
        empty_text = _("No training sessions match.")

    def render_regency(self, record):
        return record.regency.name if record.regency_id else _("Province-wide")

    def render_program(self, record):
        return record.program.name


class VisitTable(tables.Table):
    visited_on = DateColumn(
        linkify=True, short=False, verbose_name=_("Date"), attrs={"td": {"class": "text-nowrap"}}
    )
    group = tables.Column(
        linkify=lambda record: record.group.get_absolute_url(),
        accessor="group__name",
        verbose_name=_("Group"),
        order_by=("group__name", "-visited_on"),
    )
    regency = tables.Column(
        accessor="group__regency",
        verbose_name=_("Regency/city"),
        order_by=("group__regency_id", "-visited_on"),
    )
    kind = tables.Column()
    officer = tables.Column(order_by=("officer_id", "-visited_on"))
    findings = CellColumn(template_name="training/includes/findings_cell.html", orderable=False)
    follow_up_due = CellColumn(
        template_name="training/includes/follow_up_cell.html",
        verbose_name=_("Follow-up"),
        order_by=("follow_up_due", "pk"),
    )
    photo_count = tables.Column(verbose_name=_("Photos"), attrs=NUMBER, orderable=False)

    class Meta:
        model = MentoringVisit
        fields = ["visited_on", "group", "regency", "kind", "officer"]
        order_by = ("-visited_on",)
        attrs = {**TABLE_ATTRS, "id": "visits"}
        empty_text = _("No mentoring visits match.")


class UnvisitedTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("Group"))
    registration_number = tables.Column(
        verbose_name=_("Reg. no."), attrs={"td": {"class": "text-nowrap"}}
    )
    regency = tables.Column(verbose_name=_("Regency/city"))
    district = tables.Column(verbose_name=_("District"))
    status = StatusColumn()
    last_visit = DateColumn(verbose_name=_("Last visit"), short=False, default="—")

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "unvisited"}
        orderable = False
        empty_text = _("Every eligible or funded group was visited in this time.")
