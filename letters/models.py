"""The outgoing-letter register (agenda surat keluar): one numbered entry for every official
document the application issues.

Numbers run without gaps per kind of document and year: letters.services.issue_letter takes
the next number from the (kind, year) counter inside the issuing transaction, so a document
that is not issued (the transaction rolls back) gives its number back, and two documents
issued at once get two consecutive numbers. A number is never reused: a cancelled document
keeps its number, with the reason.

The text of a number follows the pattern of its kind (LetterSeries, edited by the office in
the admin): `400.9.5/{seq:04d}/NPHD/DINSOS/{year}` gives `400.9.5/0012/NPHD/DINSOS/2026`.
The number is written into the entry when it is issued, so a later change of pattern never
changes a number already on paper.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.scoping import RegionScopedQuerySet


class DocumentKind(models.TextChoices):
    DECREE = "decree", _("Recipients' decree (SK)")
    AGREEMENT = "agreement", _("Grant agreement (NPHD)")
    HANDOVER = "handover", _("Handover record (BAST)")
    TRANCHE_LETTER = "tranche_letter", _("Tranche approval letter")
    LPJ_RECEIPT = "lpj_receipt", _("Receipt of an accountability report (LPJ)")


# The patterns a fresh installation starts with (the office changes them in the admin).
# Every kind has its own code in the number, so two kinds never give the same text.
DEFAULT_PATTERNS = {
    DocumentKind.DECREE: "400.9.5/{seq:04d}/SK-PENERIMA/DINSOS/{year}",
    DocumentKind.AGREEMENT: "400.9.5/{seq:04d}/NPHD/DINSOS/{year}",
    DocumentKind.HANDOVER: "400.9.5/{seq:04d}/BAST/DINSOS/{year}",
    DocumentKind.TRANCHE_LETTER: "400.9.5/{seq:04d}/PENCAIRAN/DINSOS/{year}",
    DocumentKind.LPJ_RECEIPT: "400.9.5/{seq:04d}/TT-LPJ/DINSOS/{year}",
}

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def render_number(pattern: str, *, seq: int, day: datetime.date) -> str:
    """The number of the `seq`-th document of `day`'s year under `pattern`. Placeholders:
    {seq} (with a format, {seq:04d}), {year}, {month} (01-12) and {roman_month} (I-XII)."""
    return pattern.format(
        seq=seq, year=day.year, month=f"{day.month:02d}", roman_month=ROMAN_MONTHS[day.month - 1]
    )


def validate_pattern(pattern: str) -> None:
    if "{seq" not in pattern or "{year" not in pattern:
        raise ValidationError(
            _("The pattern needs the sequence number {seq} and the year {year}."),
            code="placeholders",
        )
    try:
        sample = render_number(pattern, seq=123, day=datetime.date(2026, 11, 24))
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ValidationError(
            _(
                "The pattern can only use {seq} (for example {seq:04d}), {year}, {month} "
                "and {roman_month}."
            ),
            code="invalid",
        ) from None
    if len(sample) > Letter._meta.get_field("number").max_length:
        raise ValidationError(_("The numbers of this pattern would be too long."), code="long")


class LetterSeries(TimeStampedModel):
    """How the numbers of one kind of document are written (one row per kind)."""

    kind = models.CharField(
        _("kind of document"), max_length=20, choices=DocumentKind.choices, unique=True
    )
    pattern = models.CharField(
        _("number pattern"),
        max_length=100,
        validators=[validate_pattern],
        help_text=_(
            "For example 400.9.5/{seq:04d}/NPHD/DINSOS/{year}. {seq} is the number within the "
            "year ({seq:04d}: four digits with leading zeros); {year}, {month} and "
            "{roman_month} (I-XII) come from the issue date. A change applies to the "
            "documents issued afterwards."
        ),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("numbering of a kind of document")
        verbose_name_plural = _("numbering of documents")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                name="letter_series_kind_valid", condition=Q(kind__in=DocumentKind.values)
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.pattern}"

    def clean(self):
        super().clean()
        if not self.pattern:
            return
        try:
            mine = render_number(self.pattern, seq=1, day=datetime.date(2026, 1, 1))
        except (KeyError, IndexError, ValueError, AttributeError):
            return  # the field's validator says why
        for other in LetterSeries.objects.exclude(kind=self.kind):
            if render_number(other.pattern, seq=1, day=datetime.date(2026, 1, 1)) == mine:
                raise ValidationError(
                    {
                        "pattern": _(
                            "%(kind)s already numbers its documents this way: each kind "
                            "needs a pattern of its own."
                        )
                        % {"kind": other.get_kind_display()}
                    }
                )

    @classmethod
    def pattern_of(cls, kind: str) -> str:
        row = cls.objects.filter(kind=kind).values_list("pattern", flat=True).first()
        return row or DEFAULT_PATTERNS[kind]


class LetterCounter(models.Model):
    """The last sequence number given per kind of document and year (see services)."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="letter_counter_unique")
        ]

    def __str__(self):
        return f"{self.kind}-{self.year}: {self.last_number}"


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class LetterQuerySet(RegionScopedQuerySet):
    regency_path = "regency"

    def visible_to(self, user):
        """A regency's users see its documents and the province-wide ones (a decree)."""
        if user.is_authenticated and user.is_active and user.has_regency_scope:
            return self.filter(Q(regency_id=user.regency_id) | Q(regency__isnull=True))
        return super().visible_to(user)


class Letter(TimeStampedModel):
    """One entry of the register: a document issued under a number."""

    kind = models.CharField(_("kind of document"), max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("number"), max_length=120, unique=True)
    issued_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=300)
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a province-wide document."),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.ISSUED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LetterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("outgoing-letter register")
        ordering = ["-year", "kind", "-sequence"]
        indexes = [
            models.Index(fields=["year", "kind", "sequence"], name="letter_year_kind_seq"),
            models.Index(fields=["regency", "year", "kind"], name="letter_regency_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"],
                name="letter_sequence_unique",
                violation_error_message=_("This number has already been given."),
            ),
            models.CheckConstraint(name="letter_sequence_positive", condition=Q(sequence__gt=0)),
            models.CheckConstraint(
                name="letter_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                violation_error_message=_("A cancelled document needs a reason."),
            ),
            models.CheckConstraint(
                name="letter_kind_valid", condition=Q(kind__in=DocumentKind.values)
            ),
            models.CheckConstraint(
                name="letter_status_valid", condition=Q(status__in=LetterStatus.values)
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def cancelled(self) -> bool:
        return self.status == LetterStatus.CANCELLED
