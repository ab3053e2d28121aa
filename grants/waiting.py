"""Lines of "Menunggu Anda" that come from grants and tranches: each counts what the
matching rule in grants/rules.py lets the user do now (none: no line, and no query)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.waiting import WaitingLine, waiting_provider
from grants import rules
from grants.models import GrantStatus, Program, ProgramStatus, TrancheStatus


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


@waiting_provider
def groups_to_award(user):
    """Eligible groups with no grant yet: awarded from the open programme's page."""
    count = rules.groups_to_award(user).count()
    if not count:
        return []
    open_programs = list(Program.objects.filter(status=ProgramStatus.OPEN)[:2])
    url = (
        open_programs[0].get_absolute_url()
        if len(open_programs) == 1
        else reverse("grants:program_list")
    )
    return [WaitingLine(_("Eligible groups without a grant"), count, url)]


@waiting_provider
def grants_awaiting_first_tranche(user):
    """Transferred grants whose group has not asked for its first tranche."""
    return [
        WaitingLine(
            _("Transferred grants with no tranche requested yet"),
            rules.grants_awaiting_first_tranche(user).count(),
            _grant_list_url(status=GrantStatus.TRANSFERRED, tranche="none"),
        )
    ]


@waiting_provider
def decrees_to_sign(user):
    """Draft decrees whose signing is to be recorded (their grants wait for it)."""
    return [
        WaitingLine(
            _("Draft decrees to record as signed"),
            rules.decrees_to_sign(user).count(),
            f"{reverse('grants:decree_list')}?status=draft",
        )
    ]


@waiting_provider
def agreements_to_issue(user):
    """Grants of a signed decree whose agreement (NPHD) is still to be issued."""
    return [
        WaitingLine(
            _("Grants in a signed decree without an agreement (NPHD)"),
            rules.grants_to_issue_agreement(user).count(),
            _grant_list_url(status=GrantStatus.AWARDED, paper="no_agreement"),
        )
    ]


@waiting_provider
def agreements_to_sign(user):
    """Agreements printed for signing whose signed scan is still to be uploaded."""
    return [
        WaitingLine(
            _("Agreements (NPHD) to have signed and upload"),
            rules.agreements_to_sign(user).count(),
            f"{reverse('grants:agreement_list')}?status=issued",
        )
    ]


@waiting_provider
def handovers_to_prepare(user):
    """In-kind grants whose decree and agreement are signed: their BAST is to prepare."""
    return [
        WaitingLine(
            _("In-kind grants to hand over (BAST to prepare)"),
            rules.grants_to_hand_over(user).count(),
            _grant_list_url(status=GrantStatus.AWARDED, paper="to_hand_over"),
        )
    ]


@waiting_provider
def handovers_to_sign(user):
    """Handover records printed whose signed scan is still to be uploaded."""
    return [
        WaitingLine(
            _("Handover records (BAST) to upload signed"),
            rules.handovers_to_sign(user).count(),
            f"{reverse('grants:handover_list')}?status=issued",
        )
    ]


@waiting_provider
def spending_to_record(user):
    """Withdrawn tranches whose purchases are still to record (or were returned)."""
    return [
        WaitingLine(
            _("Spending of withdrawn tranches to record"),
            rules.spending_to_record(user).count(),
            f"{reverse('grants:spending_list')}?status=draft",
        )
    ]


@waiting_provider
def spending_to_review(user):
    """Spending submitted by the regency officers, to accept or return."""
    return [
        WaitingLine(
            _("Spending of tranches to review"),
            rules.spending_to_review(user).count(),
            f"{reverse('grants:spending_list')}?status=submitted",
        )
    ]
