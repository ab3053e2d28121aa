"""Programmes, their regency quotas, grants to groups, and tranche withdrawals.

Money is whole Rupiah in integer fields. The running totals kept on Program, ProgramQuota
and Grant are changed only by grants/services.py under row locks, and CHECK constraints make
the database refuse any write that would break the invariants whatever the code does.
"""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Reviewed, StoredUpload, TimeStampedModel
from core.scoping import RegionScopedQuerySet
from groups.models import DocumentKind as GroupDocumentKind

# What a person may type into a programme's set-up and its paper trail: far above any real
# value, low enough that no sum or date computed from them overflows.
FISCAL_YEARS = (2000, 2100)
MEMBERS_AT_MOST = 30  # the member sheet of a group (groups.forms.member_formset) holds 30
TRANCHES_AT_MOST = 12
QUOTA_GROUPS_AT_MOST = 10_000  # groups of one regency in one programme
QUANTITY_AT_MOST = 1_000_000  # units of one item bought or handed over


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


def handover_date_error(program, day: datetime.date, label) -> str | None:
    """Why `day` cannot be the date of an in-kind handover: before the year before the
    programme's fiscal year (or in the past and otherwise out of the programme's dates),
    or after the end of the year after it (a handover is planned ahead and its record printed
    before the day, but not for a year no programme runs in). None when it can."""
    latest = datetime.date(program.fiscal_year + 1, 12, 31)
    if day > latest:
        return gettext("%(label)s cannot be after %(date)s (the programme is for %(year)d).") % {
            "label": label,
            "date": formats.date_format(latest),
            "year": program.fiscal_year,
        }
    if day <= timezone.localdate():
        return programme_date_error(program, day, label)
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
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(FISCAL_YEARS[0]), MaxValueValidator(FISCAL_YEARS[1])],
    )
    total_budget = models.PositiveBigIntegerField(_("total budget (Rp)"))
    default_amount = models.PositiveBigIntegerField(_("default amount per group (Rp)"))
    aid_form = models.CharField(
        _("form of aid"), max_length=10, choices=AidForm.choices, default=AidForm.CASH
    )
    min_members = models.PositiveSmallIntegerField(
        _("minimum members"), default=5, validators=[MaxValueValidator(MEMBERS_AT_MOST)]
    )
    max_members = models.PositiveSmallIntegerField(
        _("maximum members"), default=20, validators=[MaxValueValidator(MEMBERS_AT_MOST)]
    )
    # Eligibility by the poverty register (DTSEN) and the KUBE rules.
    min_households = models.PositiveSmallIntegerField(
        _("minimum households (distinct No. KK)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MEMBERS_AT_MOST)],
        help_text=_("Permensos: a KUBE is at least 5 households, counted by family card."),
    )
    max_decile = models.PositiveSmallIntegerField(
        _("highest DTSEN decile allowed"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Every member's household is at or below this decile (1 poorest, 10)."),
    )
    required_documents = models.JSONField(
        _("documents a group must have uploaded"),
        default=list,
        blank=True,
        help_text=_("For example the bank book: verification waits until it is uploaded."),
    )
    first_tranche_max_percent = models.PositiveSmallIntegerField(
        _("first tranche at most (% of the grant)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_tranches = models.PositiveSmallIntegerField(
        _("at most this many tranches"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(TRANCHES_AT_MOST)],
    )
    tranche_needs_report = models.BooleanField(
        _("a tranche after the first needs the latest due progress report"), default=True
    )
    spending_share_percent = models.PositiveSmallIntegerField(
        _("spending to account for before the next tranche (% of what was withdrawn)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "A tranche after the first waits until the spending of the earlier tranches is "
            "accepted and covers at least this share of what was withdrawn (0: no wait)."
        ),
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
                name="program_eligibility",
                condition=Q(max_decile__gte=1, max_decile__lte=10, min_households__gte=1),
                violation_error_message=_(
                    "The highest decile is 1-10 and a group has at least one household."
                ),
            ),
            models.CheckConstraint(
                name="program_spending_share",
                condition=Q(spending_share_percent__lte=100),
                violation_error_message=_("The spending share is 0-100 %."),
            ),
            models.CheckConstraint(
                name="program_status_valid", condition=Q(status__in=ProgramStatus.values)
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.fiscal_year})"

    def get_absolute_url(self):
        return reverse("grants:program_detail", args=[self.pk])

    def clean(self):
        super().clean()
        documents = self.required_documents or []
        if not isinstance(documents, list) or not set(documents) <= set(GroupDocumentKind.values):
            raise ValidationError(
                {"required_documents": gettext("Choose among the kinds of group documents.")}
            )

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
    group_count = models.PositiveIntegerField(
        _("number of groups"), validators=[MaxValueValidator(QUOTA_GROUPS_AT_MOST)]
    )
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


class DecreeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    CANCELLED = "cancelled", _("Cancelled")


class Decree(TimeStampedModel):
    """A recipients' decree (SK penerima): the official act that fixes which groups receive
    the programme's grants, signed by an official, numbered from the register when signed.

    A draft takes every awarded grant of the programme not yet in a decree; grants awarded
    later go into a further decree. A grant is transferred (or its aid handed over) only
    once it is in a signed decree.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="decrees"
    )
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DecreeStatus.choices, default=DecreeStatus.DRAFT
    )
    letter = models.OneToOneField(
        "letters.Letter",
        verbose_name=_("register entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decree",
    )
    signed_on = models.DateField(_("decree date"), null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("recipients' decree (SK)")
        verbose_name_plural = _("recipients' decrees (SK)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="decree_signed_has_number_and_date",
                condition=Q(status="draft")
                | Q(status="cancelled", letter__isnull=True)
                | Q(letter__isnull=False, signed_on__isnull=False),
                violation_error_message=_("A signed decree has its number and date."),
            ),
            models.CheckConstraint(
                name="decree_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                violation_error_message=_("A cancelled decree needs a reason."),
            ),
            models.CheckConstraint(
                name="decree_status_valid", condition=Q(status__in=DecreeStatus.values)
            ),
        ]

    def __str__(self):
        if self.letter_id:
            return f"SK {self.letter.number}"
        return gettext("Draft decree for %(program)s") % {"program": self.program.name}

    def get_absolute_url(self):
        return reverse("grants:decree_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return self.letter.number if self.letter_id else ""

    @property
    def is_signed(self) -> bool:
        return self.status == DecreeStatus.SIGNED


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
    regency_path = "regency"

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
    # The group's regency, copied so that the lists filter and sort grants by regency
    # through their own indexes; the database keeps it equal to the group's (a foreign
    # key on (group, regency) that follows the group on PostgreSQL, triggers on SQLite:
    # migration 0012), and save() fills it in.
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    decree = models.ForeignKey(
        Decree,
        verbose_name=_("recipients' decree (SK)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
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
    # What the accepted spending of its tranches accounts for (in-kind aid: the handover
    # record); kept by the spending and handover services under this row's lock.
    accounted_amount = models.PositiveBigIntegerField(_("accounted for (Rp)"), default=0)

    objects = GrantQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-awarded_on", "-id"]
        # Every order and filter of the grant list has its index, the default order most
        # of all (without it every grant was joined and sorted for each page), and within
        # a regency (officers see one; staff filter by one).
        indexes = [
            models.Index(fields=["regency", "awarded_on", "id"], name="grant_regency_awarded"),
            models.Index(fields=["regency", "id"], name="grant_regency_order"),
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
                name="grant_accounted_within_withdrawn",
                condition=Q(accounted_amount__lte=F("withdrawn_amount")),
                violation_error_message=_("More is accounted for than was withdrawn."),
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

    def save(self, *args, **kwargs):
        if self.regency_id is None and self.group_id is not None:
            self.regency_id = self.group.regency_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.program_id is None:
            return
        errors = {}
        for name in ("transferred_on", "completed_on"):
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

    @property
    def pending_amount(self) -> int:
        """Requested or approved in tranches, not yet withdrawn."""
        return self.committed_amount - self.withdrawn_amount

    def parts(self) -> list[tuple[str, int]]:
        """The grant's amount in the parts that add up to it (GRANT_PARTS), with their names."""
        return [(part.label, getattr(self, part.attr)) for part in GRANT_PARTS]

    @property
    def agreement(self):
        """The grant's agreement (NPHD) in force: issued or signed, not cancelled (a query
        each time it is asked: callers keep it)."""
        return (
            self.agreements.exclude(status=AgreementStatus.CANCELLED)
            .select_related("letter", "signatory", "scan")
            .first()
        )


class GrantPart(NamedTuple):
    attr: str
    label: str


# A grant's amount split in the parts that add up to it, named once for the grant page and
# the grant list's workbook: Grant amount = Withdrawn + Requested, not yet withdrawn + Left
# to request.
GRANT_AMOUNT_LABEL = _("Grant amount")
GRANT_PARTS = (
    GrantPart("withdrawn_amount", _("Already withdrawn")),
    GrantPart("pending_amount", _("Requested, not yet withdrawn")),
    GrantPart("available_amount", _("Left to request")),
)


def parts_sum() -> str:
    """ "Grant amount = Already withdrawn + …", in the active language."""
    return f"{GRANT_AMOUNT_LABEL} = " + " + ".join(str(part.label) for part in GRANT_PARTS)


class TrancheStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Tranches that hold part of the grant.
COMMITTED_STATUSES = (TrancheStatus.REQUESTED, TrancheStatus.APPROVED, TrancheStatus.WITHDRAWN)


class TrancheQuerySet(RegionScopedQuerySet):
    regency_path = "grant__regency"


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
    # The approval letter's entry in the outgoing-letter register, taken at the approval.
    letter = models.OneToOneField(
        "letters.Letter",
        verbose_name=_("approval letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tranche",
    )

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
                name="tranche_approved_has_letter",
                condition=~Q(status__in=["approved", "withdrawn"]) | Q(letter__isnull=False),
                violation_error_message=_("An approved tranche has its letter in the register."),
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


# The paper trail: signed scans, agreements -----------------------------------------------


def grant_document_upload_to(document, filename):
    return f"grant-documents/{document.grant_id}/{document.stored_name}"


class GrantDocumentKind(models.TextChoices):
    AGREEMENT_SCAN = "agreement_scan", _("Signed agreement (NPHD)")
    HANDOVER_SCAN = "handover_scan", _("Signed handover record (BAST)")
    RECEIPT = "receipt", _("Receipt or photo of a purchase")


class GrantDocumentQuerySet(RegionScopedQuerySet):
    regency_path = "grant__regency"


class GrantDocument(StoredUpload):
    """A file of a grant's paper trail (a signed scan, a receipt), checked by its content
    (groups.documents.sniff_document) and served only through a scoped view."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("document kind"), max_length=20, choices=GrantDocumentKind.choices)
    file = models.FileField(_("file"), upload_to=grant_document_upload_to, max_length=200)

    objects = GrantDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant document")
        verbose_name_plural = _("grant documents")
        ordering = ["grant_id", "kind", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="grant_document_kind_valid", condition=Q(kind__in=GrantDocumentKind.values)
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("grants:document_download", args=[self.pk])


class AgreementStatus(models.TextChoices):
    ISSUED = "issued", _("To be signed")
    SIGNED = "signed", _("Signed")
    CANCELLED = "cancelled", _("Cancelled")


class AgreementQuerySet(RegionScopedQuerySet):
    regency_path = "grant__regency"


class Agreement(TimeStampedModel):
    """A grant agreement (NPHD, Naskah Perjanjian Hibah Daerah) between the head of the
    office and the group's ketua: issued with a number from the register, printed, signed by
    both parties, and its signed scan uploaded. The aid reaches the group only after that.

    One agreement in force per grant; a cancelled one keeps its number (with the reason) and
    another can be issued. Agreements entered before the register (free-text numbers) have
    no register entry and keep their old number in `legacy_number`.
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="agreements"
    )
    letter = models.OneToOneField(
        "letters.Letter",
        verbose_name=_("register entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement",
    )
    legacy_number = models.CharField(
        _("number given before the register"), max_length=100, blank=True
    )
    issued_on = models.DateField(_("agreement date"))
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for the province by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.ISSUED
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    scan = models.OneToOneField(
        GrantDocument,
        verbose_name=_("signed scan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("grant agreement (NPHD)")
        verbose_name_plural = _("grant agreements (NPHD)")
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["status", "issued_on"], name="agreement_status_issued")]
        constraints = [
            models.UniqueConstraint(
                fields=["grant"],
                condition=~Q(status="cancelled"),
                name="agreement_one_in_force_per_grant",
                violation_error_message=_("The grant already has an agreement in force."),
            ),
            models.CheckConstraint(
                name="agreement_numbered",
                condition=Q(letter__isnull=False, signatory__isnull=False)
                | (Q(letter__isnull=True) & ~Q(legacy_number="")),
                violation_error_message=_("An agreement has a number and a signatory."),
            ),
            models.CheckConstraint(
                name="agreement_signed_has_scan",
                condition=~Q(status="signed")
                | Q(signed_on__isnull=False, scan__isnull=False)
                | Q(signed_on__isnull=False, letter__isnull=True),
                violation_error_message=_("A signed agreement has its date and signed scan."),
            ),
            models.CheckConstraint(
                name="agreement_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                violation_error_message=_("A cancelled agreement needs a reason."),
            ),
            models.CheckConstraint(
                name="agreement_status_valid", condition=Q(status__in=AgreementStatus.values)
            ),
        ]

    def __str__(self):
        return f"NPHD {self.number}"

    def get_absolute_url(self):
        return self.grant.get_absolute_url()

    @property
    def number(self) -> str:
        return self.letter.number if self.letter_id else self.legacy_number

    @property
    def is_signed(self) -> bool:
        return self.status == AgreementStatus.SIGNED


class HandoverStatus(models.TextChoices):
    ISSUED = "issued", _("To be signed")
    SIGNED = "signed", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class HandoverQuerySet(RegionScopedQuerySet):
    regency_path = "grant__regency"


class Handover(TimeStampedModel):
    """A record of handover (BAST, berita acara serah terima) of in-kind aid: the goods
    handed over to the group, item by item, whose values add up to the grant. Issued with
    a number from the register and printed; once its signed scan is uploaded the aid has
    reached the group: for in-kind programmes it takes the place of the bank transfer
    (the grant becomes active, its whole value handed over at once).
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="handovers"
    )
    letter = models.OneToOneField(
        "letters.Letter",
        verbose_name=_("register entry"),
        on_delete=models.PROTECT,
        related_name="handover",
    )
    handed_over_on = models.DateField(_("handover date"))
    place = models.CharField(_("place of handover"), max_length=200)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.ISSUED
    )
    scan = models.OneToOneField(
        GrantDocument,
        verbose_name=_("signed scan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    total = models.PositiveBigIntegerField(_("value of the goods (Rp)"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = HandoverQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("handover record (BAST)")
        verbose_name_plural = _("handover records (BAST)")
        ordering = ["-handed_over_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant"],
                condition=~Q(status="cancelled"),
                name="handover_one_in_force_per_grant",
                violation_error_message=_("The grant already has a handover record in force."),
            ),
            models.CheckConstraint(
                name="handover_signed_has_scan",
                condition=~Q(status="signed") | Q(scan__isnull=False),
                violation_error_message=_("A signed handover record has its signed scan."),
            ),
            models.CheckConstraint(
                name="handover_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                violation_error_message=_("A cancelled handover record needs a reason."),
            ),
            models.CheckConstraint(name="handover_total_positive", condition=Q(total__gt=0)),
            models.CheckConstraint(
                name="handover_status_valid", condition=Q(status__in=HandoverStatus.values)
            ),
        ]

    def __str__(self):
        return f"BAST {self.number}"

    def clean(self):
        super().clean()
        if self.handed_over_on and self.grant_id:
            label = capfirst(self._meta.get_field("handed_over_on").verbose_name)
            message = handover_date_error(self.grant.program, self.handed_over_on, label)
            if message:
                raise ValidationError({"handed_over_on": message})

    def get_absolute_url(self):
        return self.grant.get_absolute_url()

    @property
    def number(self) -> str:
        return self.letter.number


class HandoverItem(models.Model):
    """One line of a handover record: what was handed over, how many, at what unit value."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover record"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("line"))
    name = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(QUANTITY_AT_MOST)]
    )
    unit = models.CharField(_("unit"), max_length=30)
    unit_value = models.PositiveBigIntegerField(_("unit value (Rp)"))

    class Meta:
        verbose_name = _("handed-over item")
        verbose_name_plural = _("handed-over items")
        ordering = ["handover_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "position"], name="handover_item_line"),
            models.CheckConstraint(
                name="handover_item_positive", condition=Q(quantity__gt=0, unit_value__gt=0)
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.name}"

    @property
    def value(self) -> int:
        return self.quantity * self.unit_value


# Spending accountability per tranche -------------------------------------------------


class SpendingStatus(models.TextChoices):
    DRAFT = "draft", _("Being recorded")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class SpendingReportQuerySet(RegionScopedQuerySet):
    regency_path = "tranche__grant__group__regency"


class SpendingReport(TimeStampedModel, Reviewed):
    """What a withdrawn tranche bought, line by line with a receipt or photo each: recorded
    by the regency officer, accepted or returned (with a reason) by the head of the regency
    office or province staff. One per withdrawn tranche, opened when it is withdrawn.

    draft → submitted → accepted, or submitted → returned → submitted.
    """

    tranche = models.OneToOneField(
        Tranche, verbose_name=_("tranche"), on_delete=models.PROTECT, related_name="spending"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SpendingStatus.choices, default=SpendingStatus.DRAFT
    )
    # The sum of the lines, kept by the services under the grant's lock.
    total = models.PositiveBigIntegerField(_("spent (Rp)"), default=0)

    objects = SpendingReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("spending of a tranche")
        verbose_name_plural = _("spending of tranches")
        ordering = ["tranche_id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="spending_status")]
        constraints = [
            models.CheckConstraint(
                name="spending_returned_has_reason",
                condition=~Q(status="returned") | ~Q(return_reason=""),
                violation_error_message=_("Returned spending needs a reason."),
            ),
            models.CheckConstraint(
                name="spending_status_valid", condition=Q(status__in=SpendingStatus.values)
            ),
        ]

    def __str__(self):
        return gettext("Spending of tranche %(n)d") % {"n": self.tranche.sequence}

    def get_absolute_url(self):
        return reverse("grants:spending_detail", args=[self.pk])


class SpendingLineQuerySet(RegionScopedQuerySet):
    regency_path = "report__tranche__grant__group__regency"


class SpendingLine(TimeStampedModel):
    """One purchase paid from a tranche, with the receipt (nota/kwitansi) or photo of it."""

    report = models.ForeignKey(
        SpendingReport,
        verbose_name=_("spending of a tranche"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    item = models.CharField(_("item bought"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(QUANTITY_AT_MOST)]
    )
    unit = models.CharField(_("unit"), max_length=30)
    amount = models.PositiveBigIntegerField(_("amount paid (Rp)"))
    spent_on = models.DateField(_("date of purchase"))
    supplier = models.CharField(_("supplier"), max_length=200)
    receipt = models.OneToOneField(
        GrantDocument,
        verbose_name=_("receipt or photo"),
        on_delete=models.PROTECT,
        related_name="spending_line",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = SpendingLineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        ordering = ["report_id", "spent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="spending_line_positive", condition=Q(amount__gt=0, quantity__gt=0)
            ),
        ]

    def __str__(self):
        return f"{self.item} ({self.amount})"
