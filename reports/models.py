"""Four-monthly business progress reports (laporan perkembangan usaha per catur wulan)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.indonesia import format_rupiah
from core.models import Reviewed, TimeStampedModel
from core.scoping import RegionScopedQuerySet
from grants.models import MEMBERS_AT_MOST
from reports.periods import Period

# People working in a group's business who are not members: far above any KUBE's.
JOBS_AT_MOST = 1_000


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class BusinessCondition(models.TextChoices):
    GROWING = "berkembang", _("Growing")
    STABLE = "stabil", _("Stable")
    DECLINING = "menurun", _("Declining")
    STOPPED = "berhenti", _("Stopped")


class ProgressReportQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"


class ProgressReport(TimeStampedModel, Reviewed):
    group = models.ForeignKey(
        "groups.BusinessGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    grant = models.ForeignKey(
        "grants.Grant",
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    term = models.PositiveSmallIntegerField(_("catur wulan"))
    revenue = models.PositiveBigIntegerField(_("revenue (omzet) in the period (Rp)"))
    costs = models.PositiveBigIntegerField(_("costs in the period (Rp)"))
    profit = models.BigIntegerField(_("profit in the period (Rp)"))
    capital_used = models.PositiveBigIntegerField(_("capital used so far (Rp)"))
    asset_value = models.PositiveBigIntegerField(_("asset value (Rp)"))
    cash_balance = models.PositiveBigIntegerField(_("cash and bank balance (Rp)"))
    active_members = models.PositiveSmallIntegerField(
        _("active members"), validators=[MaxValueValidator(MEMBERS_AT_MOST)]
    )
    jobs_created = models.PositiveSmallIntegerField(
        _("jobs created"), default=0, validators=[MaxValueValidator(JOBS_AT_MOST)]
    )
    condition = models.CharField(
        _("business condition"), max_length=12, choices=BusinessCondition.choices
    )
    problems = models.TextField(_("problems (kendala)"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["group_id", "year", "term"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
            models.Index(fields=["grant", "year", "term"], name="report_grant_period"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year", "term"],
                name="report_one_per_group_per_period",
                violation_error_message=_("The group already has a report for this period."),
            ),
            models.CheckConstraint(
                name="report_term_1_to_3", condition=Q(term__gte=1, term__lte=3)
            ),
            models.CheckConstraint(
                name="report_returned_has_reason",
                condition=~Q(status="returned") | ~Q(return_reason=""),
                violation_error_message=_("A returned report needs a reason."),
            ),
            models.CheckConstraint(
                name="report_status_valid", condition=Q(status__in=ReportStatus.values)
            ),
            models.CheckConstraint(
                name="report_condition_valid", condition=Q(condition__in=BusinessCondition.values)
            ),
        ]

    def __str__(self):
        return f"{self.group.name} · {self.period}"

    def clean(self):
        super().clean()
        # The grant's capital a group has used cannot exceed the grant it received.
        used = self.capital_used
        if self.grant_id and used is not None and used > self.grant.amount:
            raise ValidationError(
                {
                    "capital_used": _(
                        "The capital used cannot be more than the grant (%(amount)s)."
                    )
                    % {"amount": format_rupiah(self.grant.amount)}
                }
            )

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.year, self.term)


class LpjStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    RETURNED = "returned", _("Returned")


class AccountabilityReportQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"


class AccountabilityReport(TimeStampedModel):
    """A group's yearly accountability report (LPJ, laporan pertanggungjawaban) for its grants:
    assembled from the year's accepted spending (or handover record) and progress reports,
    due on 10 January of the next year. The regency officer submits it; province staff
    receive it, with a receipt numbered from the register, or return it with a reason.

    submitted → received, or submitted → returned → submitted. One per group and year.
    """

    group = models.ForeignKey(
        "groups.BusinessGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="accountability_reports",
    )
    grant = models.ForeignKey(
        "grants.Grant",
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        related_name="accountability_reports",
        help_text=_("The grant it is filed under (the group's first grant owing the year)."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    statement = models.TextField(
        _("summary of the use of the grant"),
        help_text=_("In the group's words: what the money did for the business this year."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LpjStatus.choices, default=LpjStatus.SUBMITTED
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    receipt = models.OneToOneField(
        "letters.Letter",
        verbose_name=_("receipt (register entry)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lpj",
    )

    objects = AccountabilityReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("accountability report (LPJ)")
        verbose_name_plural = _("accountability reports (LPJ)")
        ordering = ["-year", "group_id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="lpj_status_submitted")]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year"],
                name="lpj_one_per_group_per_year",
                violation_error_message=_("The group already has an LPJ for this year."),
            ),
            models.CheckConstraint(
                name="lpj_received_has_receipt",
                condition=~Q(status="received")
                | Q(receipt__isnull=False, received_on__isnull=False, received_by__isnull=False),
                violation_error_message=_("A received LPJ has its numbered receipt."),
            ),
            models.CheckConstraint(
                name="lpj_returned_has_reason",
                condition=~Q(status="returned") | ~Q(return_reason=""),
                violation_error_message=_("A returned LPJ needs a reason."),
            ),
            models.CheckConstraint(
                name="lpj_status_valid", condition=Q(status__in=LpjStatus.values)
            ),
        ]

    def __str__(self):
        return f"LPJ {self.year} · {self.group.name}"

    def get_absolute_url(self):
        return reverse("reports:lpj_detail", args=[self.pk])


class ReminderLog(models.Model):
    """One row per reminder sent, so a rerun of send_report_reminders never repeats one."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due within 7 days")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("More than 30 days late (to the province)")

    # `term` 0 is the year's accountability report (LPJ), 1-3 a catur wulan's report.

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    grant = models.ForeignKey("grants.Grant", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    term = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "grant", "year", "term", "kind"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.recipient} {self.grant_id} {self.year}/{self.term} {self.kind}"


class SummaryQuerySet(RegionScopedQuerySet):
    regency_path = "regency"


class ProgrammeRegencyRow(models.Model):
    """A derived row of the dashboard's, filed under one programme (and its fiscal year,
    which the dashboard filters on) in one regency."""

    program = models.ForeignKey(
        "grants.Program", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    program_year = models.PositiveSmallIntegerField(_("fiscal year"))
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects = SummaryQuerySet.as_manager()

    class Meta:
        abstract = True


class RegencySummary(TimeStampedModel, ProgrammeRegencyRow):
    """The grant and tranche figures of one programme in one regency, for the dashboard.

    Derived data: recomputed from the raw rows by reports.summaries.refresh_regency_summary,
    which the grants services call in the transaction of every change (and the command
    refresh_summaries for all). Never edited by hand.
    """

    grants_awarded = models.PositiveIntegerField(_("grants awarded"), default=0)
    grants_transferred = models.PositiveIntegerField(_("grants transferred"), default=0)
    amount_awarded = models.PositiveBigIntegerField(_("amount awarded (Rp)"), default=0)
    amount_transferred = models.PositiveBigIntegerField(_("amount transferred (Rp)"), default=0)
    amount_withdrawn = models.PositiveBigIntegerField(_("amount withdrawn (Rp)"), default=0)
    amount_accounted = models.PositiveBigIntegerField(_("amount accounted for (Rp)"), default=0)
    tranches_waiting = models.PositiveIntegerField(_("tranches waiting"), default=0)
    oldest_waiting_at = models.DateTimeField(_("oldest waiting since"), null=True, blank=True)

    # Figures that add up across programmes and regencies; then all the figures kept.
    TOTALS = (
        "grants_awarded",
        "grants_transferred",
        "amount_awarded",
        "amount_transferred",
        "amount_withdrawn",
        "amount_accounted",
        "tranches_waiting",
    )
    FIGURES = (*TOTALS, "oldest_waiting_at")

    class Meta:
        verbose_name = _("regency summary")
        verbose_name_plural = _("regency summaries")
        ordering = ["program_id", "regency_id"]
        indexes = [
            models.Index(fields=["program_year", "regency"], name="summary_year_regency"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["program", "regency"], name="summary_unique"),
        ]

    def __str__(self):
        return f"{self.program_id} {self.regency_id}"


class ReportSummary(TimeStampedModel, ProgrammeRegencyRow):
    """The progress reports of one programme's grants in one regency for one catur wulan,
    for the dashboard's compliance and business-condition figures.

    `accepted` and `submitted` count the reports the grant owes (its transfer is not after
    the period, its completion not before it); the conditions count every accepted report
    of the period. Derived data, like RegencySummary: recomputed from the raw rows by
    reports.summaries in the transaction of every report and grant change that moves them.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    term = models.PositiveSmallIntegerField(_("catur wulan"))
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    submitted = models.PositiveIntegerField(_("submitted, not reviewed"), default=0)
    growing = models.PositiveIntegerField(_("growing"), default=0)
    stable = models.PositiveIntegerField(_("stable"), default=0)
    declining = models.PositiveIntegerField(_("declining"), default=0)
    stopped = models.PositiveIntegerField(_("stopped"), default=0)

    CONDITIONS = {
        BusinessCondition.GROWING: "growing",
        BusinessCondition.STABLE: "stable",
        BusinessCondition.DECLINING: "declining",
        BusinessCondition.STOPPED: "stopped",
    }
    FIGURES = ("accepted", "submitted", *CONDITIONS.values())

    class Meta:
        verbose_name = _("report summary")
        verbose_name_plural = _("report summaries")
        ordering = ["program_id", "regency_id", "year", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "regency", "year", "term"], name="report_summary_unique"
            ),
            models.CheckConstraint(
                condition=Q(term__gte=1, term__lte=3), name="report_summary_term"
            ),
        ]

    def __str__(self):
        return f"{self.program_id} {self.regency_id} {self.year}/{self.term}"


class OwingSpan(models.Model):
    """`groups` groups of a regency owe a report for every catur wulan from `first_period`
    to `last_period` (Period.index; no last period: until their grant is completed).

    One set of rows per scope the dashboard filters on: a programme (program set), every
    programme of a fiscal year (program empty, program_year set) and every programme (both
    empty). A group with grants in two programmes owes one report per period, so the rows
    of the wider scopes count each group once, over the union of its grants' periods.
    Derived data: reports.summaries rebuilds a regency's rows when a grant is transferred,
    completed or cancelled.
    """

    program = models.ForeignKey(
        "grants.Program",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    program_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_period = models.PositiveIntegerField(_("first period"))
    last_period = models.PositiveIntegerField(_("last period"), null=True, blank=True)
    groups = models.PositiveIntegerField(_("groups"))

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("owing span")
        verbose_name_plural = _("owing spans")
        ordering = ["regency_id", "program_id", "first_period"]
        indexes = [models.Index(fields=["regency", "program"], name="owing_span_regency")]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=True) | Q(program_year__isnull=False),
                name="owing_span_programme_has_year",
            ),
            models.CheckConstraint(
                condition=Q(last_period__isnull=True) | Q(last_period__gte=F("first_period")),
                name="owing_span_ordered",
            ),
            models.CheckConstraint(condition=Q(groups__gt=0), name="owing_span_groups"),
        ]

    def __str__(self):
        return f"{self.regency_id} {self.program_id or self.program_year or '*'} {self.groups}"


class RevenueChange(ProgrammeRegencyRow):
    """How much a group's revenue changed from one catur wulan to the next: one row per
    accepted report whose group has an accepted report for the period before, filed under
    the report's programme, regency and period, for the dashboard's medians (which need
    every value, so they are kept one per report, in a narrow table without joins).

    Derived data: an accepted report never changes, so a row is written once, when the
    second of the two reports is accepted (reports.summaries.record_revenue_changes).
    """

    report = models.OneToOneField(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    term = models.PositiveSmallIntegerField(_("catur wulan"))
    change = models.BigIntegerField(_("change in revenue (Rp)"))

    class Meta:
        verbose_name = _("revenue change")
        verbose_name_plural = _("revenue changes")
        ordering = ["year", "term", "regency_id", "change"]
        indexes = [
            models.Index(fields=["year", "term", "regency", "change"], name="revenue_change_period")
        ]

    def __str__(self):
        return f"{self.report_id} {self.change}"


class LpjSummary(models.Model):
    """Per regency and year, the groups whose LPJ is submitted (not yet received) or
    received: the dashboard's LPJ figures, whatever the programme (a group writes one LPJ a
    year for all its grants). Derived data: reports.summaries.refresh_lpj_summary recomputes
    a regency's year after every LPJ change."""

    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    submitted = models.PositiveIntegerField(_("submitted, not received"), default=0)
    received = models.PositiveIntegerField(_("received"), default=0)

    objects = SummaryQuerySet.as_manager()

    FIGURES = ("submitted", "received")

    class Meta:
        verbose_name = _("LPJ summary")
        verbose_name_plural = _("LPJ summaries")
        ordering = ["regency_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "year"], name="lpj_summary_unique"),
        ]

    def __str__(self):
        return f"{self.regency_id} {self.year}"


class LpjOwingSpan(models.Model):
    """`groups` groups of a regency owe an LPJ for every year from `first_year` to
    `last_year` (none: until their grants are completed), each group counted once in a
    year whatever its grants. Derived data, like OwingSpan: rebuilt for a regency when a
    grant there is transferred (or handed over), completed or cancelled."""

    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    groups = models.PositiveIntegerField(_("groups"))

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("LPJ owing span")
        verbose_name_plural = _("LPJ owing spans")
        ordering = ["regency_id", "first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=F("first_year")),
                name="lpj_owing_span_ordered",
            ),
            models.CheckConstraint(condition=Q(groups__gt=0), name="lpj_owing_span_groups"),
        ]

    def __str__(self):
        return f"{self.regency_id} {self.first_year}-{self.last_year or ''}: {self.groups}"


class OwedReport(models.Model):
    """A catur wulan report a group owes and has not handed in: missing, a draft or
    returned. One row per group and period, from the period in which the group's earliest
    transferred or active grant was transferred up to the period of `OwedHorizon` (rows of
    periods not yet due are kept too; the pages read up to the last due period).

    Derived data, kept by reports.owed in the transaction of every grant transfer,
    completion or cancellation and every report change, so that the overdue page, its
    export, the reminders and "Menunggu Anda" read rows instead of computing periods per
    grant. The group's name and regency are copied for the list's order and filter (a
    change to the group updates them).
    """

    group = models.ForeignKey(
        "groups.BusinessGroup",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    group_name = models.CharField(_("group name"), max_length=150)
    # The group's earliest owing grant: a new report is written for it.
    grant = models.ForeignKey(
        "grants.Grant", verbose_name=_("grant"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.PositiveIntegerField(_("period"))  # Period.index
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("owed report")
        verbose_name_plural = _("owed reports")
        ordering = ["regency_id", "group_name", "group_id", "period"]
        indexes = [
            # the list's orders, each with the regency first where officers filter
            models.Index(
                fields=["regency", "group_name", "group", "period"], name="owed_regency_group"
            ),
            models.Index(
                fields=["regency", "period", "group_name", "group"], name="owed_regency_period"
            ),
            models.Index(fields=["group_name", "group", "period"], name="owed_group"),
            models.Index(fields=["period", "regency", "group_name", "group"], name="owed_period"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "period"], name="owed_report_one_per_period")
        ]

    def __str__(self):
        return f"{self.group_id} {Period.from_index(self.period)}"


class OwedHorizon(models.Model):
    """The last period (Period.index) for which OwedReport rows exist: one row. When a new
    catur wulan starts, reports.owed.extend_owed_reports adds its rows for every owing group
    (the first page or reminder run of the period does it, once)."""

    period = models.PositiveIntegerField(_("period"))

    class Meta:
        verbose_name = _("owed-report horizon")
        verbose_name_plural = _("owed-report horizon")

    def __str__(self):
        return str(Period.from_index(self.period))


class OwedCount(models.Model):
    """Per regency and period: how many OwedReport rows there are, and how many groups
    have their earliest owed report in that period. The overdue page's totals add these
    up to the last due period (a group owes a due report exactly when its earliest owed
    report is due), so counting does not read a row per report.

    Derived data: reports.owed recomputes a regency's rows whenever it rewrites owed
    reports of its groups."""

    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.PositiveIntegerField(_("period"))  # Period.index
    reports = models.PositiveIntegerField(_("reports"))
    groups = models.PositiveIntegerField(_("groups whose earliest owed report this is"))

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("owed-report count")
        verbose_name_plural = _("owed-report counts")
        ordering = ["regency_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "period"], name="owed_count_one_per_period")
        ]

    def __str__(self):
        return f"{self.regency_id} {Period.from_index(self.period)}: {self.reports}"
