from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views

urlpatterns = [
    path("", include("core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("akun/", include("accounts.urls")),
    path("kelompok/", include("groups.urls")),
    path("hibah/", include("grants.urls")),
    path("pelatihan/", include("training.urls")),
    path("laporan/", include("reports.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Modal Usaha — Dinas Sosial"
admin.site.site_title = "Modal Usaha"
