from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("ekspor/", views.session_list_export, name="session_list_export"),
    path("baru/", views.session_create, name="session_create"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/ubah/", views.session_update, name="session_update"),
    path("<int:pk>/undangan/", views.session_invite, name="session_invite"),
    path("<int:pk>/hadir/", views.attendance_record, name="attendance_record"),
    path("<int:pk>/daftar-hadir.pdf", views.attendance_pdf, name="attendance_pdf"),
    path("<int:pk>/daftar-hadir.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    path("kunjungan/", views.visit_list, name="visit_list"),
    path("kunjungan/ekspor/", views.visit_list_export, name="visit_list_export"),
    path("kunjungan/baru/<int:group_pk>/", views.visit_create, name="visit_create"),
    path("kunjungan/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("kunjungan/<int:pk>/ubah/", views.visit_update, name="visit_update"),
    path("kunjungan/<int:pk>/foto/", views.visit_photos_add, name="visit_photos_add"),
    path("kunjungan/foto/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("cakupan/", views.coverage, name="coverage"),
    path("cakupan/ekspor/", views.coverage_export, name="coverage_export"),
]
