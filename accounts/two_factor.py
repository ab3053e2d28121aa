"""Two-factor login (TOTP with recovery codes, through django-otp) for the roles listed in
settings.TWO_FACTOR_REQUIRED_ROLES ("superuser" stands for role-less administrators).

After the password, a user who needs it reaches no page but the set-up or verification
pages (and logging out) until a code from their authenticator app, or one of their
recovery codes, has verified this session.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
SUPERUSER = "superuser"


def required_for(user) -> bool:
    if not user.is_authenticated:
        return False
    roles = settings.TWO_FACTOR_REQUIRED_ROLES
    return user.role in roles or (user.is_superuser and SUPERUSER in roles)


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def two_factor_exempt(view):
    """A page an authenticated user reaches before the second step (set-up, verification,
    logout)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.two_factor_exempt = True
    return wrapped


class TwoFactorMiddleware:
    """Place after OTPMiddleware and LoginRequiredMiddleware. Pages that need no login
    (the login page, /healthz, the language switch) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        user = request.user
        if not required_for(user) or is_verified(user):
            return None
        step = "accounts:two_factor_verify" if has_totp(user) else "accounts:two_factor_setup"
        return redirect_to_login(request.get_full_path(), reverse(step))


def has_totp(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (one, kept across reloads of the set-up page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)
    return device


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Kode pemulihan")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
