"""The login lockout page and the two-factor steps."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signals, two_factor
from accounts.forms import CodeForm, LoginForm

LOCKED_STATUS = 429  # Too Many Requests
RECOVERY_SESSION_KEY = "two_factor_recovery_codes"


def locked_out(request, response=None, credentials=None):
    """The login page again, with the form and why it refuses, whatever the password
    (django-axes calls this instead of the login view's answer)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    message = _(
        "Too many failed logins with this username from your address. Logging in is "
        "locked for %(minutes)d minutes; try again later or ask the administrator."
    ) % {"minutes": minutes}
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
        status=LOCKED_STATUS,
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _verified(request, device):
    """The session is verified by `device` from now on, under a new session key."""
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@two_factor.two_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Link an authenticator app: its secret as text and as a QR code, then a first code.

    Open to a user without a confirmed app, or one whose session is verified (to move
    to a new phone); never to someone who knows only the password of a user who has one.
    """
    user = request.user
    if two_factor.has_totp(user) and not two_factor.is_verified(user):
        return redirect("accounts:two_factor_verify")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if device.verify_token(form.cleaned_data["code"]):
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = two_factor.new_recovery_codes(user)
            else:
                codes = None
        if codes is not None:
            _verified(request, device)
            request.session[RECOVERY_SESSION_KEY] = codes
            signals.two_factor_enabled.send(sender=TOTPDevice, request=request, user=user)
            return redirect("accounts:recovery_codes")
        signals.two_factor_failed.send(sender=TOTPDevice, request=request, user=user)
        form.add_error("code", _("The code is wrong or too old. Type the code the app shows now."))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
            "replacing": two_factor.has_totp(user),
        },
    )


@never_cache
@two_factor.two_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of a login: a code from the app, or a recovery code (once each)."""
    user = request.user
    if two_factor.is_verified(user) or not two_factor.required_for(user):
        return redirect(_next(request))
    if not two_factor.has_totp(user):
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, waiting = _match(user, form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                signals.recovery_code_used.send(sender=StaticDevice, request=request, user=user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. Make new ones on "
                        "the recovery codes page if you need them.",
                        "You used a recovery code; %(count)d are left. Make new ones on "
                        "the recovery codes page if you need them.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next(request))
        signals.two_factor_failed.send(sender=TOTPDevice, request=request, user=user)
        if waiting:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)d seconds and try again.")
                % {"seconds": waiting},
            )
        else:
            form.add_error("code", _("The code is wrong or has already been used."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _match(user, code):
    """(the device that accepts `code`, 0), else (None, the seconds to wait when every
    device is still throttled by earlier wrong codes, or 0)."""
    waits = []
    with transaction.atomic():
        devices = list(devices_for_user(user, for_verify=True))
        for device in devices:
            wait = _throttled_for(device)
            if wait:
                waits.append(wait)
            elif device.verify_token(code):
                return device, 0
    return None, (min(waits) if devices and len(waits) == len(devices) else 0)


def _throttled_for(device) -> int:
    """Seconds before django-otp lets the device verify again after wrong codes."""
    allowed, info = device.verify_is_allowed()
    until = None if allowed else (info or {}).get("locked_until")
    if until is None:
        return 0
    return max(1, int((until - timezone.now()).total_seconds()) + 1)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The recovery codes, shown once right after they are made; a POST makes new ones
    (the old ones stop working)."""
    if not two_factor.has_totp(request.user):
        return redirect("accounts:two_factor_setup")
    if request.method == "POST":
        request.session[RECOVERY_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    left = StaticToken.objects.filter(device__user=request.user).count()
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "left": left})


def lockout_username(request, credentials) -> str:
    """The username the lockout counts failures for (AXES_USERNAME_CALLABLE): what was typed,
    cut to a username's length (150), so an absurdly long one is counted, not a server error."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username", "") or "")[:150]
