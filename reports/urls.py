from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("terlambat/", views.overdue, name="overdue"),
    path("terlambat/ekspor/", views.overdue_export, name="overdue_export"),
    path("periksa/", views.review_queue, name="review_queue"),
    path("periksa/ekspor/", views.review_queue_export, name="review_queue_export"),
    path("baru/", views.report_create, name="report_create"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/ubah/", views.report_update, name="report_update"),
    path("<int:pk>/serahkan/", views.report_submit, name="report_submit"),
    path("<int:pk>/terima/", views.report_accept, name="report_accept"),
    path("<int:pk>/kembalikan/", views.report_return, name="report_return"),
    path("kelompok/<int:pk>/", views.group_reports, name="group_reports"),
    path("kelompok/<int:pk>/ekspor/", views.group_reports_export, name="group_reports_export"),
]

from reports import dashboard_views, lpj_views, rekap_views  # noqa: E402

urlpatterns += [
    path("lpj/", lpj_views.lpj_list, name="lpj_list"),
    path("lpj/ekspor/", lpj_views.lpj_list_export, name="lpj_list_export"),
    path("lpj/<int:pk>/", lpj_views.lpj_detail, name="lpj_detail"),
    path("lpj/<int:pk>/serahkan-ulang/", lpj_views.lpj_resubmit, name="lpj_resubmit"),
    path("lpj/<int:pk>/terima/", lpj_views.lpj_receive, name="lpj_receive"),
    path("lpj/<int:pk>/kembalikan/", lpj_views.lpj_return, name="lpj_return"),
    path("kelompok/<int:pk>/lpj/<int:year>/", lpj_views.lpj_group, name="lpj_group"),
    path("kelompok/<int:pk>/lpj/<int:year>/serahkan/", lpj_views.lpj_submit, name="lpj_submit"),
    path("kelompok/<int:pk>/lpj/<int:year>/lpj.pdf", lpj_views.lpj_pdf_view, name="lpj_pdf"),
    path("dasbor/", dashboard_views.dashboard, name="dashboard"),
    path("dasbor/ekspor/", dashboard_views.dashboard_export, name="dashboard_export"),
    path(
        "dasbor/program/<int:pk>/rekap.xlsx",
        rekap_views.program_rekap_xlsx,
        name="program_rekap_xlsx",
    ),
    path(
        "dasbor/program/<int:pk>/rekap.pdf", rekap_views.program_recap_pdf, name="program_recap_pdf"
    ),
]
