"""The dashboard's regency summaries equal a recomputation from the raw rows after every
kind of grant and tranche transition, and the command rebuilds them."""

import datetime

import pytest
from django.core.management import call_command

from grants import services
from grants.models import Grant, Tranche
from reports.dashboard import grant_figures_from_rows
from reports.models import RegencySummary
from tests.conftest import run_concurrently
from tests.grants.money import eligible_group, open_program, transferred_grant

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


def stored():
    return {
        (s.program_id, s.regency_id): tuple(getattr(s, name) for name in RegencySummary.FIGURES)
        for s in RegencySummary.objects.all()
        if s.grants_awarded or s.tranches_waiting
    }


def recomputed():
    figures = grant_figures_from_rows(grants=Grant.objects.all(), tranches=Tranche.objects.all())
    return {
        key: tuple(getattr(item, name) for name in RegencySummary.FIGURES)
        for key, item in figures.items()
    }


def check(step):
    assert stored() == recomputed(), step


@pytest.mark.django_db
def test_summaries_follow_every_transition(
    kaltim, province_staff, approver, paser_officer, berau_officer
):
    program = open_program()
    staff = province_staff
    awarded = services.grant_award(program=program, group=eligible_group(), by=staff)
    check("award")
    services.grant_award_bulk(
        program=program,
        regency_id="64.03",
        groups=[eligible_group("64.03"), eligible_group("64.03")],
        by=staff,
    )
    check("award in bulk")
    grant = services.grant_record_transfer(
        grant=awarded, by=staff, transferred_on=datetime.date(2026, 3, 2), reference="TRF-9"
    )
    check("transfer")
    first = services.tranche_request(grant=grant, amount=10_000_000, purpose="A", by=paser_officer)
    check("request")
    services.tranche_approve(tranche=first, by=approver)
    check("approve")
    services.tranche_mark_withdrawn(
        tranche=first, by=paser_officer, withdrawn_on=TODAY, reference="BNK-1"
    )
    check("withdrawn")
    second = services.tranche_request(grant=grant, amount=10_000_000, purpose="B", by=paser_officer)
    services.tranche_reject(tranche=second, by=approver, reason="Kurang rinci")
    check("reject")
    third = services.tranche_request(grant=grant, amount=10_000_000, purpose="C", by=paser_officer)
    services.tranche_cancel(tranche=third, by=paser_officer)
    check("cancel tranche")
    fourth = services.tranche_request(grant=grant, amount=10_000_000, purpose="D", by=paser_officer)
    services.tranche_approve(tranche=fourth, by=approver)
    services.tranche_mark_withdrawn(
        tranche=fourth, by=paser_officer, withdrawn_on=TODAY, reference="BNK-2"
    )
    services.grant_complete(grant=grant, by=staff)
    check("complete")
    services.grant_cancel(
        grant=Grant.objects.filter(group__regency_id="64.03").first(), by=staff, reason="Bubar"
    )
    check("cancel grant")
    paser = RegencySummary.objects.get(program=program, regency_id="64.01")
    assert (paser.grants_awarded, paser.amount_withdrawn) == (1, 20_000_000)
    berau = RegencySummary.objects.get(program=program, regency_id="64.03")
    assert (berau.grants_awarded, berau.grants_transferred) == (1, 0)


@pytest.mark.django_db
def test_the_command_rebuilds_every_summary(kaltim, province_staff, paser_officer):
    program = open_program()
    grant = transferred_grant(program, province_staff)
    services.tranche_request(grant=grant, amount=5_000_000, purpose="A", by=paser_officer)
    expected = stored()
    RegencySummary.objects.update(amount_awarded=1, tranches_waiting=9)
    call_command("refresh_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored() == expected == recomputed()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_in_one_regency_leave_the_summary_right(
    postgres, kaltim, province_staff, paser_officer
):
    program = open_program()
    grants = [transferred_grant(program, province_staff) for _ in range(4)]
    results = run_concurrently(
        lambda g: services.tranche_request(
            grant=g, amount=5_000_000, purpose="Bersamaan", by=paser_officer
        ),
        grants,
    )
    assert all(isinstance(r, Tranche) for r in results), results
    assert stored() == recomputed()
    assert RegencySummary.objects.get(regency_id="64.01").tranches_waiting == 4
