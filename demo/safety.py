"""When the demo may be written: never with production settings, and only into a database
that is empty or holds nothing but demo data.

Demo users are recognised by their e-mail addresses in the reserved `.example` domain,
which no real user can have; demo groups by having been registered by a demo user.
"""

from django.conf import settings
from django.db import connection

DEMO_EMAIL_DOMAIN = "dinsos.example"
SHOWN = 5  # names listed in the refusal


class DemoRefused(Exception):
    """Why the demo must not be written here (a message for the operator)."""


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def ensure_demo_allowed(*, database_ready: bool = True) -> None:
    """Raise DemoRefused unless the demo may be written into the default database.

    With `database_ready` False (before `migrate`, as `make demo` asks), a database without
    the users table yet counts as empty."""
    if not settings.DEMO_DATA_ALLOWED:
        raise DemoRefused(
            f"The demo is never written with {settings.SETTINGS_MODULE}: its users share "
            "a published password. Use config.settings.local on a development machine."
        )
    if not database_ready and "accounts_user" not in connection.introspection.table_names():
        return
    problems = non_demo_data()
    if problems:
        raise DemoRefused(
            f"The database {connection.settings_dict['NAME']} holds data the demo did not "
            f"create ({'; '.join(problems)}). The demo is written only into an empty "
            "database or its own demo database: check DATABASE_URL."
        )


def non_demo_data() -> list[str]:
    """What the database holds that the demo did not create (empty: demo data only)."""
    from accounts.models import User
    from groups.models import BusinessGroup

    problems = []
    real_users = User.objects.exclude(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")
    names = list(real_users.order_by("pk").values_list("username", flat=True)[: SHOWN + 1])
    if names:
        listed = ", ".join(names[:SHOWN]) + (", ..." if len(names) > SHOWN else "")
        problems.append(f"{real_users.count()} user(s) not made by the demo: {listed}")
    real_groups = BusinessGroup.objects.exclude(
        created_by__email__iendswith=f"@{DEMO_EMAIL_DOMAIN}"
    )
    count = real_groups.count()
    if count:
        problems.append(f"{count} business group(s) registered by users not made by the demo")
    return problems
