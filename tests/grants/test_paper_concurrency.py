"""The paper trail under load, on PostgreSQL with real threads: twenty agreements issued at
the same moment take twenty distinct, consecutive numbers of the register; a tranche's
spending accepted by several reviewers at once counts once."""

import datetime

import pytest

from core.errors import DomainError
from grants import services
from grants.models import Agreement, Grant, SpendingStatus
from letters.models import Letter
from tests.conftest import run_concurrently
from tests.grants.money import eligible_group, open_program, sign_decree, transferred_grant
from tests.grants.test_spending import buy, withdrawn

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_agreements_issued_at_once_get_twenty_consecutive_numbers(
    postgres, kaltim, province_staff
):
    program = open_program()
    grants = [
        services.grant_award(program=program, group=eligible_group(), by=province_staff)
        for _ in range(20)
    ]
    sign_decree(program, province_staff)
    day = datetime.date(2026, 1, 19)

    results = run_concurrently(
        lambda grant: (
            services.agreement_issue(
                grant=grant, signatory=province_staff, by=province_staff, issued_on=day
            ).number
        ),
        grants,
    )

    assert all(isinstance(number, str) for number in results), results
    assert sorted(results) == [f"400.9.5/{n:04d}/NPHD/DINSOS/2026" for n in range(1, 21)]
    assert Agreement.objects.count() == 20
    sequences = Letter.objects.filter(kind="agreement").values_list("sequence", flat=True)
    assert sorted(sequences) == list(range(1, 21))


def test_spending_accepted_by_five_reviewers_at_once_counts_once(
    postgres, kaltim, province_staff, paser_officer, approver, paser_head
):
    grant = transferred_grant(open_program(spending_share_percent=100), province_staff)
    report = withdrawn(grant, paser_officer, approver).spending
    buy(report, paser_officer, 10_000_000)
    services.spending_submit(report=report, by=paser_officer)

    results = run_concurrently(
        lambda reviewer: services.spending_accept(report=report, by=reviewer),
        [paser_head, province_staff] * 2 + [paser_head],
    )

    accepted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 1 and len(refused) == 4, results
    assert accepted[0].status == SpendingStatus.ACCEPTED
    assert Grant.objects.get(pk=grant.pk).accounted_amount == 10_000_000
