from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredUpload, TimeStampedModel
from core.personal_data import mask
from core.scoping import RegionScopedQuerySet
from core.validators import NotBeforeYear, NotMoreThanYearsAgo, validate_not_in_future
from groups.validators import (
    KK_MESSAGE,
    KK_PATTERN,
    NIK_MESSAGE,
    NIK_PATTERN,
    validate_kk_number,
    validate_nik,
)

# A group formed before this year is a typing error (the KUBE programme is far younger).
FORMED_NOT_BEFORE = 1950
# A member born more than this many years ago is a typing error.
OLDEST_MEMBER_YEARS = 120
DISTRICT_NOT_IN_REGENCY = _("The district is not in the group's regency.")
VILLAGE_NOT_IN_DISTRICT = _("The village is not in the group's district.")


class Sector(models.TextChoices):
    TRADE = "trade", _("Trade / small shop (warung)")
    FOOD = "food", _("Culinary and food processing")
    LIVESTOCK = "livestock", _("Livestock")
    FISHERY = "fishery", _("Fishery")
    FARMING = "farming", _("Farming")
    CRAFT = "craft", _("Crafts")
    SERVICES = "services", _("Services")
    OTHER = "other", _("Other")


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    VERIFIED = "verified", _("Verified")
    ELIGIBLE = "eligible", _("Eligible")
    REJECTED = "rejected", _("Rejected")
    INACTIVE = "inactive", _("Inactive")


def _within(code, parent_code) -> bool:
    """Whether a Kemendagri code lies within its parent's (unknown codes are left to the
    required-field check)."""
    return not (code and parent_code) or code.startswith(f"{parent_code}.")


class BusinessGroupQuerySet(RegionScopedQuerySet):
    regency_path = "regency"


class BusinessGroup(TimeStampedModel):
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True, editable=False
    )
    name = models.CharField(_("group name"), max_length=150)
    sector = models.CharField(_("business sector"), max_length=20, choices=Sector.choices)
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("district (kecamatan)"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    village = models.ForeignKey(
        "regions.Village",
        verbose_name=_("village (desa/kelurahan)"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    date_formed = models.DateField(
        _("date formed"),
        validators=[validate_not_in_future, NotBeforeYear(FORMED_NOT_BEFORE)],
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=30, blank=True)
    account_holder = models.CharField(_("account holder name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=GroupStatus.choices, default=GroupStatus.PROPOSED
    )
    status_reason = models.TextField(_("status reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = BusinessGroupQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("business group")
        verbose_name_plural = _("business groups")
        ordering = ["regency_id", "name"]
        # Every filter and sort of the group list, alone and within a regency (officers see
        # one). On PostgreSQL the search has trigram indexes on upper(name) and
        # upper(registration_number) too (migration 0004: not declared here, SQLite has no
        # GIN index).
        indexes = [
            models.Index(fields=["regency", "name"], name="group_regency_name"),
            models.Index(fields=["regency", "status", "name"], name="group_regency_status"),
            # The dashboard's groups per regency and status, counted from the index alone.
            models.Index(fields=["regency", "status", "id"], name="group_regency_status_count"),
            models.Index(fields=["regency", "sector", "name"], name="group_regency_sector"),
            models.Index(fields=["regency", "district", "name"], name="group_regency_district"),
            models.Index(fields=["status", "name"], name="group_status_name"),
            models.Index(fields=["district", "name"], name="group_district_name"),
            models.Index(fields=["sector", "name"], name="group_sector_name"),
        ]
        constraints = [
            models.CheckConstraint(
                name="group_district_in_regency",
                condition=StartsWith(F("district_id"), Concat(F("regency_id"), Value("."))),
                violation_error_message=DISTRICT_NOT_IN_REGENCY,
            ),
            models.CheckConstraint(
                name="group_village_in_district",
                condition=StartsWith(F("village_id"), Concat(F("district_id"), Value("."))),
                violation_error_message=VILLAGE_NOT_IN_DISTRICT,
            ),
            models.CheckConstraint(
                name="group_status_valid",
                condition=Q(status__in=GroupStatus.values),
            ),
            models.CheckConstraint(
                name="group_rejected_or_inactive_has_reason",
                condition=~Q(status__in=[GroupStatus.REJECTED, GroupStatus.INACTIVE])
                | ~Q(status_reason=""),
                violation_error_message=_("A rejected or inactive group needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.registration_number})"

    def get_absolute_url(self):
        return reverse("groups:group_detail", args=[self.pk])

    def clean(self):
        """Where the group is: its district in its regency and its village in its district
        (the database checks both too, with the same messages)."""
        errors = {}
        if not _within(self.district_id, self.regency_id):
            errors["district"] = DISTRICT_NOT_IN_REGENCY
        if not _within(self.village_id, self.district_id):
            errors["village"] = VILLAGE_NOT_IN_DISTRICT
        if errors:
            raise ValidationError(errors)


# The fields of a group and of a member that people fill in (the form, the admin and the
# import read and write these; status, numbers and who registered are the services').
GROUP_DATA_FIELDS = (
    "name",
    "sector",
    "regency",
    "district",
    "village",
    "address",
    "phone",
    "date_formed",
    "bank_name",
    "account_number",
    "account_holder",
)
MEMBER_DATA_FIELDS = (
    "nik",
    "kk_number",
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "role",
    "decile",
)


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class MemberRole(models.TextChoices):
    CHAIR = "ketua", _("Chair (ketua)")
    SECRETARY = "sekretaris", _("Secretary (sekretaris)")
    TREASURER = "bendahara", _("Treasurer (bendahara)")
    MEMBER = "anggota", _("Member (anggota)")


class MemberQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"

    def active(self):
        return self.filter(active=True)


class Member(TimeStampedModel):
    group = models.ForeignKey(
        BusinessGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members"
    )
    nik = models.CharField(_("NIK"), max_length=16, validators=[validate_nik])
    kk_number = models.CharField(
        _("family card number (No. KK)"), max_length=16, validators=[validate_kk_number]
    )
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(
        _("birth date"),
        validators=[validate_not_in_future, NotMoreThanYearsAgo(OLDEST_MEMBER_YEARS)],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(
        _("role in the group"),
        max_length=12,
        choices=MemberRole.choices,
        default=MemberRole.MEMBER,
    )
    decile = models.PositiveSmallIntegerField(
        _("DTSEN decile"),
        null=True,
        blank=True,
        help_text=_("1 (poorest) to 10, from the national socio-economic register."),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    active = models.BooleanField(_("active"), default=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["group_id", "role", "full_name"]
        indexes = [
            models.Index(fields=["nik"], name="member_nik"),
            models.Index(fields=["group", "active"], name="member_group_active"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(active=True),
                name="member_nik_one_active_membership",
                violation_error_message=_("This NIK is already an active member of a group."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(active=True, role=MemberRole.CHAIR),
                name="member_one_chair_per_group",
                violation_error_message=_("A group has only one chair (ketua)."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(active=True, role=MemberRole.SECRETARY),
                name="member_one_secretary_per_group",
                violation_error_message=_("A group has at most one secretary."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(active=True, role=MemberRole.TREASURER),
                name="member_one_treasurer_per_group",
                violation_error_message=_("A group has at most one treasurer."),
            ),
            models.CheckConstraint(
                name="member_nik_16_digits",
                condition=Q(nik__regex=NIK_PATTERN),
                violation_error_message=NIK_MESSAGE,
            ),
            models.CheckConstraint(
                name="member_kk_16_digits",
                condition=Q(kk_number__regex=KK_PATTERN),
                violation_error_message=KK_MESSAGE,
            ),
            models.CheckConstraint(
                name="member_decile_1_to_10",
                condition=Q(decile__isnull=True) | Q(decile__gte=1, decile__lte=10),
                violation_error_message=_("The decile is between 1 and 10."),
            ),
            models.CheckConstraint(name="member_sex_valid", condition=Q(sex__in=Sex.values)),
            models.CheckConstraint(
                name="member_role_valid", condition=Q(role__in=MemberRole.values)
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({mask(self.nik)})"


class RegistrationCounter(models.Model):
    """The last registration number given per regency and year (see services)."""

    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regency", "year"], name="registration_counter_unique")
        ]

    def __str__(self):
        return f"{self.regency_id}-{self.year}: {self.last_number}"


class GroupCountQuerySet(RegionScopedQuerySet):
    regency_path = "regency"


class GroupCount(models.Model):
    """How many groups a regency has in a status: the dashboard reads these few rows
    instead of counting every group. Kept by triggers on the groups table (migration
    0005, on PostgreSQL and SQLite alike), so every path that writes groups keeps it —
    forms, services, the admin, the import's COPY, bulk SQL — and no Python code writes
    it. `recount_groups()` rebuilds it from the groups (after a bulk load with triggers
    off); `GroupCount.drifted()` names any regency and status where it differs from a
    recount."""

    regency = models.ForeignKey("regions.Regency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=GroupStatus.choices)
    groups = models.IntegerField(default=0)

    objects = GroupCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regency", "status"], name="group_count_unique")
        ]

    def __str__(self):
        return f"{self.regency_id} {self.status}: {self.groups}"

    @classmethod
    def counted(cls) -> dict[tuple[str, str], int]:
        """The groups per (regency, status) counted from the groups table."""
        return {
            (row["regency_id"], row["status"]): row["n"]
            for row in BusinessGroup.objects.order_by()
            .values("regency_id", "status")
            .annotate(n=models.Count("id"))
        }

    @classmethod
    def drifted(cls) -> dict[tuple[str, str], tuple[int, int]]:
        """Where the kept counts differ from a recount: (regency, status) -> (kept,
        counted). Empty when they agree."""
        kept = {(row.regency_id, row.status): row.groups for row in cls.objects.exclude(groups=0)}
        counted = cls.counted()
        return {
            key: (kept.get(key, 0), counted.get(key, 0))
            for key in kept.keys() | counted.keys()
            if kept.get(key, 0) != counted.get(key, 0)
        }


def recount_groups() -> int:
    """Rebuild GroupCount from the groups table; the number of rows written."""
    counts = GroupCount.counted()
    GroupCount.objects.all().delete()
    GroupCount.objects.bulk_create(
        GroupCount(regency_id=regency_id, status=status, groups=n)
        for (regency_id, status), n in counts.items()
    )
    return len(counts)


def document_upload_to(document, filename):
    return f"group-documents/{document.group_id}/{document.stored_name}"


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    FORMATION_LETTER = "formation_letter", _("Formation letter")
    BANK_BOOK = "bank_book", _("Bank book")
    ID_COPY = "id_copy", _("ID card copies (KTP/KK)")
    OTHER = "other", _("Other")


class GroupDocumentQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"


class GroupDocument(StoredUpload):
    group = models.ForeignKey(
        BusinessGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("document kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)

    objects = GroupDocumentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("group document")
        verbose_name_plural = _("group documents")
        ordering = ["group_id", "kind", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"
