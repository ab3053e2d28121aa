"""Two-factor login steps, for the access log (audit connects to them; accounts, the
lowest app, imports nothing above it)."""

from django.dispatch import Signal

# Each is sent with `request` and `user`.
two_factor_enabled = Signal()
two_factor_failed = Signal()
recovery_code_used = Signal()
