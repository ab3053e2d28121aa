"""The login lockout page (django-axes calls `locked_out` instead of the login view's
answer while a username is locked for the client's address)."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.forms import LoginForm

LOCKED_STATUS = 429  # Too Many Requests


def locked_out(request, response=None, credentials=None):
    """The login page again, with the form and why it refuses, whatever the password."""
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
