from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", include("core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("akun/", include("accounts.urls")),
    path("kelompok/", include("groups.urls")),
    path("hibah/", include("grants.urls")),
    path("pelatihan/", include("training.urls")),
    path("laporan/", include("reports.urls")),
    path("log-akses/", include("audit.urls")),
    path("i18n/setlang/", core_views.choose_language, name="set_language"),
    path("agenda/", include("letters.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Modal Usaha — Dinas Sosial"
admin.site.site_title = "Modal Usaha"
