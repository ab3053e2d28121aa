"""Every refusal and every allowed move of the award, transfer and tranche services."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError, NotAllowed
from core.rules import refuse
from grants import services, signals
from grants.models import Grant, GrantStatus, Program, ProgramQuota, Tranche, TrancheStatus
from tests.factories import UserFactory
from tests.grants.money import (
    RP20JT,
    eligible_group,
    open_program,
    ready_for_aid,
    transferred_grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(kaltim):
    return open_program()


@pytest.fixture
def grant(program, province_staff):
    return transferred_grant(program, province_staff)


def request(grant, officer, amount, purpose="Pembelian bahan baku"):
    return services.tranche_request(grant=grant, amount=amount, purpose=purpose, by=officer)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


class TestAward:
    def test_award_counts_against_budget_and_quota(self, program, province_staff):
        grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
        assert grant.amount == RP20JT and grant.status == GrantStatus.AWARDED
        assert refreshed(program).awarded_amount == RP20JT
        assert ProgramQuota.objects.get(program=program, regency_id="64.01").awarded_count == 1

    def test_over_budget_is_refused(self, kaltim, province_staff):
        program = open_program(total_budget=30_000_000)
        services.grant_award(program=program, group=eligible_group(), by=province_staff)
        with pytest.raises(DomainError, match=r"Rp10\.000\.000"):
            services.grant_award(program=program, group=eligible_group(), by=province_staff)
        assert refreshed(program).awarded_amount == RP20JT
        assert Grant.objects.count() == 1

    def test_over_quota_is_refused(self, program, province_staff):
        ProgramQuota.objects.filter(regency_id="64.01").update(group_count=1)
        services.grant_award(program=program, group=eligible_group(), by=province_staff)
        with pytest.raises(DomainError, match="Kabupaten Paser"):
            services.grant_award(program=program, group=eligible_group(), by=province_staff)

    def test_one_grant_per_group_per_programme(self, program, province_staff):
        group = eligible_group()
        services.grant_award(program=program, group=group, by=province_staff)
        with pytest.raises(DomainError):
            services.grant_award(program=program, group=group, by=province_staff)

    def test_only_eligible_groups(self, program, province_staff):
        group = eligible_group()
        group.status = "verified"
        group.save()
        with pytest.raises(DomainError, match="tidak layak"):
            services.grant_award(program=program, group=group, by=province_staff)

    def test_closed_programme_and_regency_without_quota(self, program, province_staff):
        with pytest.raises(DomainError):
            services.grant_award(program=program, group=eligible_group("64.72"), by=province_staff)
        Program.objects.filter(pk=program.pk).update(status="closed")
        with pytest.raises(DomainError):
            services.grant_award(program=program, group=eligible_group(), by=province_staff)

    @pytest.mark.parametrize("persona", ["paser_officer", "approver"])
    def test_only_province_staff_award(self, program, personas, persona):
        with pytest.raises(NotAllowed):
            services.grant_award(program=program, group=eligible_group(), by=personas[persona])

    def test_bulk_award_is_all_or_nothing(self, program, province_staff):
        ProgramQuota.objects.filter(regency_id="64.01").update(group_count=2)
        groups = [eligible_group() for _ in range(3)]
        with pytest.raises(DomainError) as excinfo:
            services.grant_award_bulk(
                program=program, regency_id="64.01", groups=groups, by=province_staff
            )
        assert "Kabupaten Paser" in str(excinfo.value)
        assert not Grant.objects.exists()
        assert refreshed(program).awarded_amount == 0
        grants = services.grant_award_bulk(
            program=program, regency_id="64.01", groups=groups[:2], by=province_staff
        )
        assert len(grants) == 2 and refreshed(program).awarded_amount == 2 * RP20JT

    def test_cancel_gives_budget_and_quota_back(self, program, province_staff):
        grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
        services.grant_cancel(grant=grant, by=province_staff, reason="Kelompok bubar")
        assert refreshed(program).awarded_amount == 0
        assert ProgramQuota.objects.get(program=program, regency_id="64.01").awarded_count == 0
        services.grant_award(program=program, group=grant.group, by=province_staff)

    def test_database_refuses_budget_overrun(self, program):
        with pytest.raises(IntegrityError), transaction.atomic():
            Program.objects.filter(pk=program.pk).update(awarded_amount=program.total_budget + 1)


class TestTransfer:
    def test_transfer_needs_a_reference_and_a_past_date(self, program, province_staff):
        grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
        ready_for_aid(grant, province_staff)
        with pytest.raises(DomainError):
            services.grant_record_transfer(
                grant=grant,
                by=province_staff,
                transferred_on=datetime.date(2026, 3, 1),
                reference=" ",
            )
        with pytest.raises(DomainError):
            services.grant_record_transfer(
                grant=grant,
                by=province_staff,
                transferred_on=datetime.date.today() + datetime.timedelta(days=1),
                reference="X",
            )
        assert refreshed(grant).status == GrantStatus.AWARDED

    def test_no_tranche_before_transfer(self, program, province_staff, paser_officer):
        grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
        with pytest.raises(DomainError, match="ditransfer"):
            request(grant, paser_officer, 5_000_000)


class TestTrancheRequest:
    def test_officer_requests_within_the_first_tranche_limit(self, grant, paser_officer):
        tranche = request(grant, paser_officer, 10_000_000)
        assert (tranche.sequence, tranche.status) == (1, TrancheStatus.REQUESTED)
        assert refreshed(grant).committed_amount == 10_000_000

    def test_first_tranche_over_the_percentage_is_refused(self, grant, paser_officer):
        with pytest.raises(DomainError, match="50"):
            request(grant, paser_officer, 10_000_001)
        assert not Tranche.objects.exists()
        assert refreshed(grant).committed_amount == 0

    def test_more_than_the_grant_is_refused(self, grant, paser_officer, approver):
        services.tranche_approve(tranche=request(grant, paser_officer, 10_000_000), by=approver)
        with pytest.raises(DomainError, match=r"Rp10\.000\.000"):
            request(grant, paser_officer, 10_000_001)
        assert refreshed(grant).committed_amount == 10_000_000

    def test_a_second_open_request_is_refused(self, grant, paser_officer):
        request(grant, paser_officer, 5_000_000)
        with pytest.raises(DomainError):
            request(grant, paser_officer, 1_000_000)
        assert Tranche.objects.count() == 1

    def test_tranche_count_limit(self, kaltim, province_staff, paser_officer, approver):
        program = open_program(max_tranches=2, first_tranche_max_percent=100)
        grant = transferred_grant(program, province_staff)
        for _ in range(2):
            services.tranche_approve(tranche=request(grant, paser_officer, 1_000_000), by=approver)
        with pytest.raises(DomainError, match="2"):
            request(grant, paser_officer, 1_000_000)

    def test_zero_negative_and_no_purpose_are_refused(self, grant, paser_officer):
        for amount, purpose in [(0, "x"), (-5, "x"), (1_000_000, "  ")]:
            with pytest.raises(DomainError):
                request(grant, paser_officer, amount, purpose)
        assert not Tranche.objects.exists()

    def test_officer_of_another_regency_is_refused(self, grant, berau_officer):
        with pytest.raises(NotAllowed):
            request(grant, berau_officer, 1_000_000)

    @pytest.mark.parametrize("persona", ["province_staff", "approver"])
    def test_only_regency_officers_request(self, grant, personas, persona):
        with pytest.raises(NotAllowed):
            request(grant, personas[persona], 1_000_000)

    def test_same_form_token_twice_makes_one_tranche(self, grant, paser_officer):
        token = "6f0c2f3e-59a4-4d7c-9d0b-0a5a7c1f3b11"
        first = services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Bahan", by=paser_officer, token=token
        )
        again = services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Bahan", by=paser_officer, token=token
        )
        assert first.pk == again.pk
        assert refreshed(grant).committed_amount == 5_000_000

    def test_missing_report_holds_back_a_later_tranche(
        self, kaltim, province_staff, paser_officer, approver
    ):
        """The question goes to the apps above (reports answers it; here a stand-in)."""
        grant = transferred_grant(open_program(tranche_needs_report=True), province_staff)

        def report_missing(**kwargs):
            return refuse("Laporan catur wulan II 2026 belum diterima.")

        signals.later_tranche_check.connect(report_missing, dispatch_uid="test.report_missing")
        try:
            first = request(grant, paser_officer, 10_000_000)  # the first needs no report
            services.tranche_approve(tranche=first, by=approver)
            with pytest.raises(DomainError, match="catur wulan II 2026"):
                request(grant, paser_officer, 5_000_000)
        finally:
            signals.later_tranche_check.disconnect(dispatch_uid="test.report_missing")


class TestDecisions:
    def test_approve_then_withdraw_activates_and_completes(
        self, grant, paser_officer, approver, province_staff
    ):
        first = services.tranche_approve(
            tranche=request(grant, paser_officer, 10_000_000), by=approver
        )
        assert (first.status, first.decided_by) == (TrancheStatus.APPROVED, approver)
        services.tranche_mark_withdrawn(
            tranche=first, by=paser_officer, withdrawn_on=datetime.date.today(), reference="W1"
        )
        assert refreshed(grant).status == GrantStatus.ACTIVE
        second = services.tranche_approve(
            tranche=request(grant, paser_officer, 10_000_000), by=approver
        )
        with pytest.raises(DomainError):
            services.grant_complete(grant=grant, by=province_staff)
        services.tranche_mark_withdrawn(
            tranche=second, by=province_staff, withdrawn_on=datetime.date.today(), reference="W2"
        )
        grant = services.grant_complete(grant=refreshed(grant), by=province_staff)
        assert grant.status == GrantStatus.COMPLETED
        assert (grant.committed_amount, grant.withdrawn_amount) == (RP20JT, RP20JT)

    def test_the_requester_may_never_approve(self, grant, kaltim):
        both = UserFactory(username="dua.peran", role="regency_officer", regency_id="64.01")
        tranche = request(grant, both, 1_000_000)
        both.role, both.regency_id = "approver", None  # later promoted to approver
        with pytest.raises(NotAllowed):
            services.tranche_approve(tranche=tranche, by=both)
        assert refreshed(tranche).status == TrancheStatus.REQUESTED

    def test_database_refuses_a_self_decision(self, grant, paser_officer):
        tranche = request(grant, paser_officer, 1_000_000)
        with pytest.raises(IntegrityError), transaction.atomic():
            Tranche.objects.filter(pk=tranche.pk).update(decided_by=paser_officer)

    @pytest.mark.parametrize("persona", ["province_staff", "paser_officer"])
    def test_only_approvers_decide(self, grant, paser_officer, personas, persona):
        tranche = request(grant, paser_officer, 1_000_000)
        with pytest.raises(NotAllowed):
            services.tranche_approve(tranche=tranche, by=personas[persona])
        with pytest.raises(NotAllowed):
            services.tranche_reject(tranche=tranche, by=personas[persona], reason="x")

    def test_reject_needs_a_reason_and_frees_the_amount(self, grant, paser_officer, approver):
        tranche = request(grant, paser_officer, 10_000_000)
        with pytest.raises(DomainError):
            services.tranche_reject(tranche=tranche, by=approver, reason="")
        services.tranche_reject(tranche=tranche, by=approver, reason="RAB belum lengkap")
        assert refreshed(tranche).decision_note == "RAB belum lengkap"
        assert refreshed(grant).committed_amount == 0
        assert request(grant, paser_officer, 10_000_000).sequence == 2

    def test_cancel_only_by_the_requester(self, grant, paser_officer, kaltim):
        other = UserFactory(username="petugas2", role="regency_officer", regency_id="64.01")
        tranche = request(grant, paser_officer, 3_000_000)
        with pytest.raises(NotAllowed):
            services.tranche_cancel(tranche=tranche, by=other)
        services.tranche_cancel(tranche=tranche, by=paser_officer)
        assert refreshed(tranche).status == TrancheStatus.CANCELLED
        assert refreshed(grant).committed_amount == 0

    def test_a_decided_tranche_cannot_be_decided_again(self, grant, paser_officer, approver):
        tranche = services.tranche_approve(
            tranche=request(grant, paser_officer, 1_000_000), by=approver
        )
        with pytest.raises(DomainError):
            services.tranche_reject(tranche=tranche, by=approver, reason="berubah pikiran")
        with pytest.raises(DomainError):
            services.tranche_cancel(tranche=tranche, by=paser_officer)

    def test_withdrawal_needs_approval_reference_and_sane_date(
        self, grant, paser_officer, approver, berau_officer
    ):
        tranche = request(grant, paser_officer, 1_000_000)
        with pytest.raises(DomainError):
            services.tranche_mark_withdrawn(
                tranche=tranche,
                by=paser_officer,
                withdrawn_on=datetime.date.today(),
                reference="W",
            )
        tranche = services.tranche_approve(tranche=tranche, by=approver)
        with pytest.raises(NotAllowed):
            services.tranche_mark_withdrawn(
                tranche=tranche,
                by=berau_officer,
                withdrawn_on=datetime.date.today(),
                reference="W",
            )
        with pytest.raises(DomainError):
            services.tranche_mark_withdrawn(
                tranche=tranche,
                by=paser_officer,
                withdrawn_on=datetime.date.today() - datetime.timedelta(days=30),
                reference="W",
            )
        assert refreshed(tranche).status == TrancheStatus.APPROVED

    def test_history_keeps_every_decision(self, grant, paser_officer, approver):
        tranche = services.tranche_approve(
            tranche=request(grant, paser_officer, 1_000_000), by=approver
        )
        reasons = list(tranche.history.values_list("history_change_reason", flat=True))
        assert reasons == ["approved", "requested"]
