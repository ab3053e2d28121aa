"""What every app's views do the same way: refuse a role with 403, and show a refused
change or an invalid form as messages or on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from accounts.roles import can


def require_role(user, action) -> None:
    """403 unless the user's role may do `action` (scope is checked by get_visible_or_404)."""
    if not can(user, action):
        raise PermissionDenied


def show_errors(request, error) -> None:
    """A DomainError's messages, once each, in order."""
    for message in dict.fromkeys(error.messages):
        messages.error(request, message)


def add_errors_to_form(form, error) -> None:
    """A DomainError's messages as the form's own errors, once each, in order."""
    for message in dict.fromkeys(error.messages):
        form.add_error(None, message)


def show_form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
