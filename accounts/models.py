from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import PROVINCE_WIDE_ROLES, REGENCY_ROLES, Role
from accounts.validators import format_nip, normalize_nip, validate_nip


class NipField(models.CharField):
    """A NIP: typed with or without the spaces between its parts, stored as 18 digits."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_nip(value) if value else value

    def formfield(self, **kwargs):
        # Room for the spaces people type: 19800101 200503 1 001.
        return super().formfield(**{"max_length": 24, **kwargs})


class User(AbstractUser):
    """A Dinsos user: a role, and for regency officers the regency they work for.

    Superusers (IT administrators) may have no role: they work in the Django admin.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("Required for regency officers and heads of regency offices, empty otherwise."),
    )
    # Officials who sign documents: their position (jabatan) and NIP appear under their name.
    position = models.CharField(
        _("position (jabatan)"),
        max_length=150,
        blank=True,
        help_text=_(
            "As printed under the signature, for example Kepala Bidang Pemberdayaan Sosial."
        ),
    )
    nip = NipField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digits: birth date, appointment year and month, sex (1 or 2), serial."),
    )

    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Chosen by the user with the language switch; empty: Bahasa Indonesia."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_regency_iff_regency_role",
                condition=(Q(role__in=REGENCY_ROLES) & Q(regency__isnull=False))
                | (~Q(role__in=REGENCY_ROLES) & Q(regency__isnull=True)),
                violation_error_message=_(
                    "Regency officers and heads of regency offices must have a regency; "
                    "other roles must not have one."
                ),
            ),
            models.CheckConstraint(
                name="user_nip_18_digits",
                condition=Q(nip="") | Q(nip__regex=r"^[0-9]{18}$"),
                violation_error_message=_("A NIP has 18 digits."),
            ),
            models.UniqueConstraint(
                fields=["nip"],
                condition=~Q(nip=""),
                name="user_nip_unique",
                violation_error_message=_("Another user has this NIP."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def nip_display(self) -> str:
        """`19800101 200503 1 001`, as documents print it."""
        return format_nip(self.nip)

    @property
    def can_sign(self) -> bool:
        """An official whose documents can carry their position and NIP."""
        return bool(self.is_active and self.position and self.nip)

    @property
    def has_province_scope(self) -> bool:
        """Sees every regency: province staff, approvers and IT administrators."""
        return self.is_superuser or self.role in PROVINCE_WIDE_ROLES

    @property
    def has_regency_scope(self) -> bool:
        """Works in one regency: regency officers and the heads of regency offices."""
        return self.role in REGENCY_ROLES and self.regency_id is not None

    @property
    def is_regency_officer(self) -> bool:
        return self.role == Role.REGENCY_OFFICER
