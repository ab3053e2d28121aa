"""Reads of the register and of the officials who sign documents."""

from django.contrib.auth import get_user_model

from accounts.roles import PROVINCE_WIDE_ROLES
from letters.models import Letter


def letter_list(*, user):
    """The register entries the user may see, with what the page and its export show."""
    return (
        Letter.objects.visible_to(user)
        .select_related("regency", "signed_by", "issued_by")
        .order_by("-issued_on", "-pk")
    )


def officials():
    """Users who can sign documents: active, with a position and a NIP, province-wide."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=PROVINCE_WIDE_ROLES)
        .exclude(position="")
        .exclude(nip="")
        .order_by("first_name", "last_name", "pk")
    )
