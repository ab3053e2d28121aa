"""Lines of "Menunggu Anda" that come from grants and tranches: each counts what the
matching rule in grants/rules.py lets the user do now (none: no line, and no query)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.waiting import WaitingLine, waiting_provider
from grants import rules
from grants.models import GrantStatus, TrancheStatus


def _grant_list_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('grants:grant_list')}?{query}"


@waiting_provider
def tranches_to_decide(user):
    return [
        WaitingLine(
            _("Tranches waiting for your decision"),
            rules.tranches_to_decide(user).count(),
            reverse("grants:tranche_queue"),
        )
    ]


@waiting_provider
def grants_to_transfer(user):
    return [
        WaitingLine(
            _("Grants to record as transferred"),
            rules.grants_to_transfer(user).count(),
            _grant_list_url(status=GrantStatus.AWARDED),
        )
    ]


@waiting_provider
def tranches_to_record_withdrawn(user):
    """Approved tranches of the officer's regency whose withdrawal is not recorded yet."""
    if not user.is_regency_officer:
        return []  # province staff may record one too, from the grant's page
    return [
        WaitingLine(
            _("Approved tranches to record as withdrawn"),
            rules.tranches_to_record_withdrawn(user).count(),
            _grant_list_url(tranche=TrancheStatus.APPROVED),
        )
    ]
