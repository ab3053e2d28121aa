"""What the access log hears about: Django's login signals, refusals raised by the
services (core.errors.not_allowed) and the two-factor steps (accounts.signals)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DatabaseError, transaction
from django.dispatch import receiver

from accounts import signals as account_signals
from audit.context import current
from audit.events import Event
from audit.log import record
from core.errors import not_allowed


@receiver(user_logged_in, dispatch_uid="audit_login")
def logged_in(sender, request, user, **kwargs):
    record(Event.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Event.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    record(Event.LOGIN_FAILED, username=str(credentials.get("username") or ""))


logger = logging.getLogger("audit")


@receiver(not_allowed, dispatch_uid="audit_not_allowed")
def refused(sender, error, **kwargs):
    if current() is not None:
        # Written after the view's transaction, which the refusal rolls back.
        record(Event.PERMISSION_DENIED, detail=str(error), deferred=True)
        return
    # Outside a request (a command): now, in a savepoint, so that a failing write never
    # replaces the refusal being raised. A transaction the refusal rolls back takes the
    # entry with it.
    try:
        with transaction.atomic():
            record(Event.PERMISSION_DENIED, detail=str(error))
    except DatabaseError:
        logger.exception("Could not record a refusal: %s", error)


@receiver(account_signals.two_factor_enabled, dispatch_uid="audit_two_factor_enabled")
def two_factor_enabled(sender, request, user, **kwargs):
    record(Event.TWO_FACTOR_ENABLED, user=user)


@receiver(account_signals.two_factor_failed, dispatch_uid="audit_two_factor_failed")
def two_factor_failed(sender, request, user, **kwargs):
    record(Event.TWO_FACTOR_FAILED, user=user)


@receiver(account_signals.recovery_code_used, dispatch_uid="audit_recovery_code_used")
def recovery_code_used(sender, request, user, **kwargs):
    record(Event.RECOVERY_CODE_USED, user=user)
