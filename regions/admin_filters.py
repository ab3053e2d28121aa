"""Admin list filters on a regency that offer the province's regencies only.

Django's filter on a foreign key lists every row of the related table: with the regions
of all Indonesia loaded, 514 regencies on every changelist. The app works in one province
(settings.PROVINCE_CODE), as its own pages' regency choices do."""

from django.contrib import admin

from regions.models import Regency


class ProvinceRegencyFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(regency.pk, str(regency)) for regency in Regency.objects.in_province()]
