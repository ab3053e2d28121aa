from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What an audit entry records. Stored as these ASCII values; labels translated."""

    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Login refused: locked")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor login set up")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong two-factor code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("File download")
    NIK_VIEWED = "nik_viewed", _("Full NIK and No. KK viewed")
    GROUP_APPROVED = "group_approved", _("Group declared eligible")
    GROUP_REJECTED = "group_rejected", _("Group rejected")
    TRANCHE_APPROVED = "tranche_approved", _("Tranche approved")
    TRANCHE_REJECTED = "tranche_rejected", _("Tranche rejected")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    REPORT_RETURNED = "report_returned", _("Report returned")
