"""Many people clicking at once on one grant, on PostgreSQL with real threads."""

import uuid

import pytest
from django.db.models import Sum

from core.errors import DomainError
from grants import services
from grants.models import COMMITTED_STATUSES, Grant, Program, Tranche, TrancheStatus
from tests.conftest import run_concurrently
from tests.grants.money import open_program, transferred_grant

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 50
THREADS = 20
TRANCHE = 3_000_000  # 20 threads x 3 tries of Rp3.000.000 ask far more than Rp20.000.000


def request_then_approve(grant, officer, approver):
    """What one impatient pair of users does: ask, then approve whatever is waiting."""
    outcomes = []
    for _ in range(3):
        for action in (
            lambda: services.tranche_request(
                grant=grant, amount=TRANCHE, purpose="Bahan baku", by=officer
            ),
            lambda: [
                services.tranche_approve(tranche=t, by=approver)
                for t in Tranche.objects.filter(grant=grant, status=TrancheStatus.REQUESTED)
            ],
        ):
            try:
                action()
                outcomes.append("ok")
            except DomainError:
                outcomes.append("refused")
    return outcomes


def committed_in_rows(grant) -> int:
    return (
        Tranche.objects.filter(grant=grant, status__in=COMMITTED_STATUSES).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )


def test_concurrent_requests_and_approvals_never_exceed_the_grant(
    postgres, province_staff, paser_officer, approver, kaltim
):
    program = open_program(first_tranche_max_percent=100, max_tranches=50)
    program.quotas.filter(regency_id="64.01").update(group_count=ROUNDS)
    ceilings = 0
    for _ in range(ROUNDS):
        grant = transferred_grant(program, province_staff)
        results = run_concurrently(
            lambda _i, g=grant: request_then_approve(g, paser_officer, approver), range(THREADS)
        )
        unexpected = [r for r in results if isinstance(r, BaseException)]
        assert unexpected == [], unexpected  # only clear refusals, never a crash
        grant = Grant.objects.get(pk=grant.pk)
        assert grant.committed_amount == committed_in_rows(grant) <= grant.amount
        assert grant.committed_amount % TRANCHE == 0 and grant.committed_amount > 0
        ceilings += grant.committed_amount == 18_000_000  # six fit, a seventh never does
        assert not Tranche.objects.filter(grant=grant, decided_by=paser_officer).exists()
    assert ceilings > 0  # the race reached the grant's limit, and the limit held
    assert Program.objects.get(pk=program.pk).awarded_amount == ROUNDS * grant.amount


def test_ten_identical_submits_create_one_tranche(postgres, province_staff, paser_officer, kaltim):
    grant = transferred_grant(open_program(), province_staff)
    token = uuid.uuid4()
    results = run_concurrently(
        lambda _i: services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Bahan baku", by=paser_officer, token=token
        ),
        range(10),
    )
    assert all(isinstance(r, Tranche) for r in results), results
    assert {r.pk for r in results} == {Tranche.objects.get().pk}
    assert Grant.objects.get(pk=grant.pk).committed_amount == 5_000_000
