from django.contrib import admin

from core.pagination import CappedPaginator
from regions.models import District, Province, Regency, Village


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "regency"]
    list_select_related = ["regency"]
    search_fields = ["code", "name", "regency__name"]
    show_full_result_count = False
    paginator = CappedPaginator


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "district__name"]
    show_full_result_count = False
    paginator = CappedPaginator
