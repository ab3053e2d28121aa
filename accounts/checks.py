from django.conf import settings
from django.core import checks

from accounts.roles import Role
from accounts.two_factor import SUPERUSER


@checks.register(checks.Tags.security)
def two_factor_roles(app_configs, **kwargs):
    """A misspelt role in TWO_FACTOR_REQUIRED_ROLES would silently require nothing."""
    known = {*Role.values, SUPERUSER}
    return [
        checks.Error(
            f"TWO_FACTOR_REQUIRED_ROLES names an unknown role: {role!r}",
            hint=f"Use some of: {', '.join(sorted(known))}.",
            id="accounts.E001",
        )
        for role in settings.TWO_FACTOR_REQUIRED_ROLES
        if role not in known
    ]
