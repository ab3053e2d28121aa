from django.urls import path

from grants import paper_views, pdf_views, views

app_name = "grants"

urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("ekspor/", views.grant_list_export, name="grant_list_export"),
    path("<int:pk>/", views.grant_detail, name="grant_detail"),
    path("<int:pk>/transfer/", views.grant_transfer, name="grant_transfer"),
    path("<int:pk>/batalkan/", views.grant_cancel, name="grant_cancel"),
    path("<int:pk>/selesai/", views.grant_complete, name="grant_complete"),
    path("<int:pk>/ajukan-tahap/", views.tranche_request, name="tranche_request"),
    path("program/", views.program_list, name="program_list"),
    path("program/ekspor/", views.program_list_export, name="program_list_export"),
    path("program/baru/", views.program_setup, name="program_create"),
    path("program/<int:pk>/", views.program_detail, name="program_detail"),
    path("program/<int:pk>/ubah/", views.program_setup, name="program_update"),
    path("program/<int:pk>/buka/", views.program_open, name="program_open"),
    path("program/<int:pk>/tutup/", views.program_close, name="program_close"),
    path("program/<int:pk>/beri/", views.grant_award, name="grant_award"),
    path("program/<int:pk>/beri-sekaligus/", views.grant_award_bulk, name="grant_award_bulk"),
    path("antrean/", views.tranche_queue, name="tranche_queue"),
    path("antrean/ekspor/", views.tranche_queue_export, name="tranche_queue_export"),
    path("tahap/<int:pk>/setujui/", views.tranche_approve, name="tranche_approve"),
    path("tahap/<int:pk>/tolak/", views.tranche_reject, name="tranche_reject"),
    path("tahap/<int:pk>/batalkan/", views.tranche_cancel, name="tranche_cancel"),
    path("tahap/<int:pk>/dicairkan/", views.tranche_withdrawn, name="tranche_withdrawn"),
    path("tahap/<int:pk>/surat.pdf", pdf_views.tranche_letter, name="tranche_letter"),
    path("<int:pk>/ringkasan.pdf", pdf_views.grant_summary_pdf, name="grant_summary_pdf"),
    # The paper trail
    path("sk/", paper_views.decree_list, name="decree_list"),
    path("sk/ekspor/", paper_views.decree_list_export, name="decree_list_export"),
    path("sk/<int:pk>/", paper_views.decree_detail, name="decree_detail"),
    path("sk/<int:pk>/tandatangani/", paper_views.decree_sign, name="decree_sign"),
    path("sk/<int:pk>/batalkan/", paper_views.decree_cancel, name="decree_cancel"),
    path(
        "sk/<int:pk>/lampiran.pdf", paper_views.decree_attachment_pdf, name="decree_attachment_pdf"
    ),
    path("program/<int:pk>/sk-baru/", paper_views.decree_prepare, name="decree_prepare"),
    path("nphd/", paper_views.agreement_list, name="agreement_list"),
    path("nphd/ekspor/", paper_views.agreement_list_export, name="agreement_list_export"),
    path("<int:pk>/nphd/", paper_views.agreement_issue, name="agreement_issue"),
    path("nphd/<int:pk>/tandatangani/", paper_views.agreement_sign, name="agreement_sign"),
    path("nphd/<int:pk>/batalkan/", paper_views.agreement_cancel, name="agreement_cancel"),
    path("nphd/<int:pk>/nphd.pdf", paper_views.agreement_pdf, name="agreement_pdf"),
    path("dokumen/<int:pk>/", paper_views.document_download, name="document_download"),
    path("bast/", paper_views.handover_list, name="handover_list"),
    path("bast/ekspor/", paper_views.handover_list_export, name="handover_list_export"),
    path("<int:pk>/bast/", paper_views.handover_issue, name="handover_issue"),
    path("bast/<int:pk>/tandatangani/", paper_views.handover_sign, name="handover_sign"),
    path("bast/<int:pk>/batalkan/", paper_views.handover_cancel, name="handover_cancel"),
    path("bast/<int:pk>/bast.pdf", paper_views.handover_pdf, name="handover_pdf"),
]
