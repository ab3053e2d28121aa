from django.urls import path

from groups import excel_views, views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("baru/", views.group_create, name="group_create"),
    path("<int:pk>/", views.group_detail, name="group_detail"),
    path("<int:pk>/ubah/", views.group_update, name="group_update"),
    path("<int:pk>/verifikasi/", views.group_verify, name="group_verify"),
    path("<int:pk>/layak/", views.group_mark_eligible, name="group_mark_eligible"),
    path("<int:pk>/tolak/", views.group_reject, name="group_reject"),
    path("<int:pk>/nonaktifkan/", views.group_deactivate, name="group_deactivate"),
    path("<int:pk>/dokumen/", views.document_upload, name="document_upload"),
    path("dokumen/<int:pk>/", views.document_download, name="document_download"),
    path("anggota/<int:pk>/identitas/", views.member_identity, name="member_identity"),
    path("impor/", excel_views.group_import, name="group_import"),
    path("impor/templat/", excel_views.group_import_template, name="group_import_template"),
    path("ekspor/", excel_views.group_export, name="group_export"),
]
