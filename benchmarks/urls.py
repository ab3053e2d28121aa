"""The app's URLs plus an unconfigured ModelAdmin of the groups (benchmarks/settings.py)."""

from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns
from groups.models import BusinessGroup

stock_site = admin.AdminSite(name="stock_admin")
stock_site.register(BusinessGroup, admin.ModelAdmin)

urlpatterns = [path("stock-admin/", stock_site.urls), *app_urlpatterns]
