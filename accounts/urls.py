from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import LoginForm
from accounts.two_factor import two_factor_exempt

app_name = "accounts"

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("keluar/", two_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("verifikasi/", views.two_factor_verify, name="two_factor_verify"),
    path("verifikasi/pasang/", views.two_factor_setup, name="two_factor_setup"),
    path("verifikasi/kode-pemulihan/", views.recovery_codes, name="recovery_codes"),
    path(
        "ganti-sandi/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "ganti-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
