"""Kemendagri administrative regions, keyed by their codes ("64", "64.01", "64.01.04",
"64.01.04.2001")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Province(TimeStampedModel):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class RegencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Regency officers see their own regency; province-wide roles see all."""
        if not user.is_authenticated:
            return self.none()
        if user.has_province_scope:
            return self.all()
        if user.has_regency_scope:
            return self.filter(pk=user.regency_id)
        return self.none()

    def in_province(self):
        """The regencies and cities of the installation's province (PROVINCE_CODE)."""
        return self.filter(province_id=settings.PROVINCE_CODE)


class Regency(TimeStampedModel):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="regencies"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    objects = RegencyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")

    def __str__(self):
        return self.name


class District(TimeStampedModel):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    regency = models.ForeignKey(
        Regency, verbose_name=_("regency"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")

    def __str__(self):
        return self.name


class Village(TimeStampedModel):
    """A desa or kelurahan, the smallest region a group is registered in (chosen from the
    loaded list, never typed)."""

    class Kind(models.TextChoices):
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
        DESA_ADAT = "desa_adat", _("Customary village (desa adat)")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district (kecamatan)"),
        on_delete=models.PROTECT,
        related_name="villages",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village (desa/kelurahan)")
        verbose_name_plural = _("villages (desa/kelurahan)")
        constraints = [
            models.CheckConstraint(
                name="village_code_in_district",
                condition=StartsWith(F("code"), Concat(F("district_id"), Value("."))),
                violation_error_message=_("The village code is not one of its district."),
            )
        ]

    def __str__(self):
        return self.name
