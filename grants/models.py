"""Programmes, their regency quotas, grants to groups, and tranche withdrawals.

Money is whole Rupiah in integer fields. The running totals kept on Program, ProgramQuota
and Grant are changed only by grants/services.py under row locks, and CHECK constraints make
the database refuse any write that would break the invariants whatever the code does.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.scoping import RegionScopedQuerySet


def programme_date_error(program, day: datetime.date, label) -> str | None:
    """Why `day` cannot be a date of the programme's money (transfer, withdrawal): it is
    in the future, or before the year before the programme's fiscal year. None when it can."""
    if day > timezone.localdate():
        return gettext("%(label)s cannot be in the future.") % {"label": label}
    earliest = datetime.date(program.fiscal_year - 1, 1, 1)
    if day < earliest:
        return gettext("%(label)s cannot be before %(date)s (the programme is for %(year)d).") % {
            "label": label,
            "date": formats.date_format(earliest),
            "year": program.fiscal_year,
        }
    return None


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AidForm(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Program(TimeStampedModel):
    name = models.CharField(_("programme name"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    total_budget = models.PositiveBigIntegerField(_("total budget (Rp)"))
    default_amount = models.PositiveBigIntegerField(_("default amount per group (Rp)"))
    aid_form = models.CharField(
        _("form of aid"), max_length=10, choices=AidForm.choices, default=AidForm.CASH
    )
    min_members = models.PositiveSmallIntegerField(_("minimum members"), default=5)
    max_members = models.PositiveSmallIntegerField(_("maximum members"), default=20)
    first_tranche_max_percent = models.PositiveSmallIntegerField(
        _("first tranche at most (% of the grant)"), default=50
    )
    max_tranches = models.PositiveSmallIntegerField(_("at most this many tranches"), default=3)
    tranche_needs_report = models.BooleanField(
        _("a tranche after the first needs the latest due progress report"), default=True
    )
    transfer_needs_training = models.BooleanField(
        _("a grant is transferred only after a member of the group attended a training"),
        default=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    # Kept by the award and cancel services under the programme's row lock.
    awarded_amount = models.PositiveBigIntegerField(_("amount awarded (Rp)"), default=0)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-fiscal_year", "name"]
        constraints = [
            models.CheckConstraint(
                name="program_awarded_within_budget",
                condition=Q(awarded_amount__lte=F("total_budget")),
                violation_error_message=_("The grants would exceed the programme's budget."),
            ),
            models.CheckConstraint(
                name="program_amounts_positive",
                condition=Q(total_budget__gt=0, default_amount__gt=0)
                & Q(default_amount__lte=F("total_budget")),
                violation_error_message=_(
                    "The budget and the default amount must be positive, and the default "
                    "amount no more than the budget."
                ),
            ),
            models.CheckConstraint(
                name="program_member_bounds",
                condition=Q(min_members__gte=1, max_members__gte=F("min_members")),
                violation_error_message=_("The member bounds are not a valid range."),
            ),
            models.CheckConstraint(
                name="program_tranche_policy",
                condition=Q(first_tranche_max_percent__gte=1, first_tranche_max_percent__lte=100)
                & Q(max_tranches__gte=1),
                violation_error_message=_(
                    "The first tranche is 1-100 % of the grant and there is at least one tranche."
                ),
            ),
            models.CheckConstraint(
                name="program_status_valid", condition=Q(status__in=ProgramStatus.values)
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.fiscal_year})"

    def get_absolute_url(self):
        return reverse("grants:program_detail", args=[self.pk])

    @property
    def budget_left(self) -> int:
        return self.total_budget - self.awarded_amount


class ProgramQuotaQuerySet(RegionScopedQuerySet):
    regency_path = "regency"


class ProgramQuota(TimeStampedModel):
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="quotas"
    )
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_count = models.PositiveIntegerField(_("number of groups"))
    # Kept by the award and cancel services under this row's lock.
    awarded_count = models.PositiveIntegerField(_("groups awarded"), default=0)

    objects = ProgramQuotaQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("regency quota")
        verbose_name_plural = _("regency quotas")
        ordering = ["program_id", "regency_id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "regency"], name="quota_unique"),
            models.CheckConstraint(
                name="quota_awarded_within_quota",
                condition=Q(awarded_count__lte=F("group_count")),
                violation_error_message=_("The grants would exceed the regency's quota."),
            ),
        ]

    def __str__(self):
        return f"{self.regency}: {self.group_count}"

    def clean(self):
        super().clean()
        if self.group_count is not None and self.group_count < self.awarded_count:
            raise ValidationError(
                {
                    "group_count": _(
                        "%(regency)s already has %(count)d groups awarded: the quota cannot "
                        "be smaller."
                    )
                    % {"regency": self.regency, "count": self.awarded_count}
                }
            )


class GrantStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    TRANSFERRED = "transferred", _("Transferred")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Grants whose money has reached the group's account; they owe progress reports for the
# periods from their transfer to their completion.
TRANSFERRED_STATUSES = (GrantStatus.TRANSFERRED, GrantStatus.ACTIVE, GrantStatus.COMPLETED)


class GrantQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"

    def live(self):
        """Grants that hold a place in their programme (every one but the cancelled)."""
        return self.exclude(status=GrantStatus.CANCELLED)


class Grant(TimeStampedModel):
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="grants"
    )
    group = models.ForeignKey(
        "groups.BusinessGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    agreement_number = models.CharField(_("agreement number (NPHD)"), max_length=100, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    awarded_on = models.DateField(_("award date"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_on = models.DateField(_("transfer date"), null=True, blank=True)
    transfer_reference = models.CharField(_("transfer reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GrantStatus.choices, default=GrantStatus.AWARDED
    )
    status_reason = models.TextField(_("status reason"), blank=True)
    completed_on = models.DateField(_("completion date"), null=True, blank=True)
    # Sum of the tranches requested, approved or withdrawn, and of those withdrawn; kept by
    # the tranche services under this row's lock and checked by the database.
    committed_amount = models.PositiveBigIntegerField(_("committed in tranches (Rp)"), default=0)
    withdrawn_amount = models.PositiveBigIntegerField(_("withdrawn (Rp)"), default=0)

    objects = GrantQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-awarded_on", "-id"]
        # Every order and filter of the grant list has its index (the regency filter goes
        # through the group's regency index); the default order most of all: without it
        # every grant was joined and sorted for each page.
        indexes = [
            models.Index(fields=["program", "status"], name="grant_program_status"),
            models.Index(fields=["status", "awarded_on"], name="grant_status_awarded"),
            models.Index(fields=["awarded_on", "id"], name="grant_awarded_order"),
            models.Index(fields=["program", "awarded_on", "id"], name="grant_program_awarded"),
            models.Index(fields=["status", "id"], name="grant_status_order"),
            models.Index(fields=["amount", "id"], name="grant_amount_order"),
            models.Index(fields=["withdrawn_amount", "id"], name="grant_withdrawn_order"),
            models.Index(
                F("amount") - F("committed_amount"), F("id"), name="grant_available_order"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "group"],
                condition=~Q(status="cancelled"),
                name="grant_one_per_group_per_program",
                violation_error_message=_("The group already has a grant in this programme."),
            ),
            models.CheckConstraint(name="grant_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="grant_tranches_within_grant",
                condition=Q(committed_amount__lte=F("amount"))
                & Q(withdrawn_amount__lte=F("committed_amount")),
                violation_error_message=_("The tranches would exceed the grant."),
            ),
            models.CheckConstraint(
                name="grant_transferred_has_date",
                condition=Q(status__in=["awarded", "cancelled"]) | Q(transferred_on__isnull=False),
                violation_error_message=_("A transferred grant needs its transfer date."),
            ),
            models.CheckConstraint(
                name="grant_status_valid", condition=Q(status__in=GrantStatus.values)
            ),
        ]

    def __str__(self):
        return f"{self.group.name} · {self.program.name}"

    def clean(self):
        super().clean()
        if self.program_id is None:
            return
        errors = {}
        for name in ("agreement_date", "transferred_on", "completed_on"):
            day = getattr(self, name)
            label = self._meta.get_field(name).verbose_name
            message = day and programme_date_error(self.program, day, capfirst(label))
            if message:
                errors[name] = message
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("grants:grant_detail", args=[self.pk])

    @property
    def available_amount(self) -> int:
        """What may still be requested in tranches."""
        return self.amount - self.committed_amount


class TrancheStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Tranches that hold part of the grant.
COMMITTED_STATUSES = (TrancheStatus.REQUESTED, TrancheStatus.APPROVED, TrancheStatus.WITHDRAWN)


class TrancheQuerySet(RegionScopedQuerySet):
    regency_path = "grant__group__regency"


class Tranche(TimeStampedModel):
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="tranches"
    )
    sequence = models.PositiveSmallIntegerField(_("tranche number"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    purpose = models.TextField(_("purpose"))
    request_token = models.UUIDField(_("request token"), unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TrancheStatus.choices,
        default=TrancheStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)

    objects = TrancheQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant_id", "sequence"]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="tranche_status_requested"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["grant", "sequence"], name="tranche_sequence_unique"),
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(status="requested"),
                name="tranche_one_open_request_per_grant",
                violation_error_message=_(
                    "The grant already has a tranche waiting for a decision."
                ),
            ),
            models.CheckConstraint(
                name="tranche_four_eyes",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                violation_error_message=_(
                    "A tranche cannot be decided by the person who requested it."
                ),
            ),
            models.CheckConstraint(name="tranche_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="tranche_rejected_has_reason",
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                violation_error_message=_("A rejected tranche needs a reason."),
            ),
            models.CheckConstraint(
                name="tranche_withdrawn_has_date",
                condition=~Q(status="withdrawn") | Q(withdrawn_on__isnull=False),
            ),
            models.CheckConstraint(
                name="tranche_status_valid", condition=Q(status__in=TrancheStatus.values)
            ),
        ]

    def __str__(self):
        return _("Tranche %(n)d") % {"n": self.sequence}

    def clean(self):
        super().clean()
        if self.withdrawn_on and self.grant_id:
            label = capfirst(self._meta.get_field("withdrawn_on").verbose_name)
            message = programme_date_error(self.grant.program, self.withdrawn_on, label)
            if message:
                raise ValidationError({"withdrawn_on": message})
