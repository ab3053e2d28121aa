from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="letter_list"),
    path("ekspor/", views.letter_list_export, name="letter_list_export"),
]
