from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("ekspor/", views.entry_list_export, name="entry_list_export"),
]
