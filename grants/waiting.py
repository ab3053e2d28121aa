"""Lines of "Menunggu Anda" that come from grants and tranches."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from core.waiting import WaitingLine, waiting_provider
from grants.models import Grant, GrantStatus, Tranche, TrancheStatus


def _grant_list_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('grants:grant_list')}?{query}"


@waiting_provider
def tranches_to_decide(user):
    if not can(user, Action.TRANCHE_DECIDE):
        return []
    waiting = (
        Tranche.objects.visible_to(user)
        .filter(status=TrancheStatus.REQUESTED)
        .exclude(requested_by=user)  # four eyes: not theirs to decide
    )
    return [
        WaitingLine(
            _("Tranches waiting for your decision"),
            waiting.count(),
            reverse("grants:tranche_queue"),
        )
    ]


@waiting_provider
def grants_to_transfer(user):
    if not can(user, Action.GRANT_TRANSFER):
        return []
    awarded = Grant.objects.visible_to(user).filter(status=GrantStatus.AWARDED)
    return [
        WaitingLine(
            _("Grants to record as transferred"),
            awarded.count(),
            _grant_list_url(status=GrantStatus.AWARDED),
        )
    ]


@waiting_provider
def tranches_to_record_withdrawn(user):
    """Approved tranches of the officer's regency whose withdrawal is not recorded yet."""
    if not (user.is_regency_officer and can(user, Action.TRANCHE_MARK_WITHDRAWN)):
        return []
    approved = Tranche.objects.visible_to(user).filter(status=TrancheStatus.APPROVED)
    return [
        WaitingLine(
            _("Approved tranches to record as withdrawn"),
            approved.count(),
            _grant_list_url(tranche=TrancheStatus.APPROVED),
        )
    ]
