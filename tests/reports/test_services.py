import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.roles import Role
from core.errors import DomainError, NotAllowed
from grants import services as grant_services
from reports import services
from reports.models import ProgressReport, ReportStatus
from reports.periods import Period
from tests.conftest import run_concurrently
from tests.factories import UserFactory
from tests.grants.money import open_program, transferred_grant

FIGURES = {
    "revenue": 12_500_000,
    "costs": 8_000_000,
    "profit": 4_500_000,
    "capital_used": 10_000_000,
    "asset_value": 9_000_000,
    "cash_balance": 3_000_000,
    "active_members": 5,
    "jobs_created": 1,
    "condition": "berkembang",
}
CW1, CW2 = Period(2026, 1), Period(2026, 2)


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    """Every test here runs on 26 November 2026: catur wulan III 2026 is under way and the
    latest due report is that of catur wulan II 2026 (due 15 September)."""
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def grant(kaltim, province_staff):
    return transferred_grant(open_program(tranche_needs_report=True), province_staff)


@pytest.fixture
def head(paser):
    return UserFactory(username="kepala.paser", role=Role.REGENCY_HEAD, regency=paser)


def submitted(grant, officer, period=CW2):
    report = services.report_create(grant=grant, period=period, data=FIGURES, by=officer)
    return services.report_submit(report=report, by=officer)


@pytest.mark.django_db
class TestTransitions:
    def test_write_submit_accept(self, grant, paser_officer, head):
        report = submitted(grant, paser_officer)
        assert report.status == ReportStatus.SUBMITTED and report.submitted_by == paser_officer
        report = services.report_accept(report=report, by=head)
        assert (report.status, report.reviewed_by) == (ReportStatus.ACCEPTED, head)

    def test_return_fix_resubmit(self, grant, paser_officer, province_staff):
        report = submitted(grant, paser_officer)
        with pytest.raises(DomainError):
            services.report_return(report=report, by=province_staff, reason=" ")
        report = services.report_return(report=report, by=province_staff, reason="Omzet keliru")
        assert report.return_reason == "Omzet keliru"
        report = services.report_update(
            report=report, data={"revenue": 13_000_000}, by=paser_officer
        )
        report = services.report_submit(report=report, by=paser_officer)
        assert report.status == ReportStatus.SUBMITTED and report.revenue == 13_000_000
        reasons = list(report.history.values_list("history_change_reason", flat=True))
        assert reasons == ["submitted", "edited", "returned", "submitted", "drafted"]

    def test_submitted_reports_cannot_be_edited(self, grant, paser_officer):
        report = submitted(grant, paser_officer)
        with pytest.raises(DomainError):
            services.report_update(report=report, data={"revenue": 1}, by=paser_officer)

    @pytest.mark.parametrize("persona", ["approver", "paser_officer"])
    def test_officers_and_approvers_do_not_review(self, grant, paser_officer, personas, persona):
        report = submitted(grant, paser_officer)
        with pytest.raises(NotAllowed):
            services.report_accept(report=report, by=personas[persona])

    def test_other_regency_may_neither_write_nor_review(self, grant, berau_officer, kaltim):
        with pytest.raises(NotAllowed):
            services.report_create(grant=grant, period=CW2, data=FIGURES, by=berau_officer)
        berau_head = UserFactory(
            username="kepala.berau", role=Role.REGENCY_HEAD, regency_id="64.03"
        )
        report = submitted(
            grant, UserFactory(username="p2", role=Role.REGENCY_OFFICER, regency_id="64.01")
        )
        with pytest.raises(NotAllowed):
            services.report_accept(report=report, by=berau_head)

    def test_period_before_transfer_or_in_the_future_is_refused(self, grant, paser_officer):
        with pytest.raises(DomainError, match="catur wulan III 2025"):
            services.report_create(
                grant=grant, period=Period(2025, 3), data=FIGURES, by=paser_officer
            )
        with pytest.raises(DomainError):
            services.report_create(
                grant=grant, period=Period(2027, 1), data=FIGURES, by=paser_officer
            )

    def test_one_report_per_group_and_period(self, grant, paser_officer):
        services.report_create(grant=grant, period=CW2, data=FIGURES, by=paser_officer)
        with pytest.raises(DomainError, match="catur wulan II 2026"):
            services.report_create(grant=grant, period=CW2, data=FIGURES, by=paser_officer)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressReport.objects.create(
                group=grant.group,
                grant=grant,
                year=2026,
                term=2,
                created_by=paser_officer,
                **FIGURES,
            )

    def test_implausible_figures_are_warnings(self, grant, paser_officer):
        report = ProgressReport(**{**FIGURES, "profit": 20_000_000, "active_members": 9})
        assert len(services.report_warnings(report, registered_members=5)) == 2


@pytest.mark.django_db
class TestTrancheGate:
    """On 26 November 2026 the latest due report is catur wulan II 2026 (due 15 September);
    a tranche after the first waits for it."""

    @pytest.fixture
    def first_withdrawn(self, grant, paser_officer, approver):
        tranche = grant_services.tranche_request(
            grant=grant, amount=10_000_000, purpose="Tahap 1", by=paser_officer
        )
        grant_services.tranche_approve(tranche=tranche, by=approver)
        return grant

    def ask(self, grant, officer):
        return grant_services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Tahap 2", by=officer
        )

    def test_missing_report_names_the_period(self, first_withdrawn, paser_officer, settings):
        with pytest.raises(DomainError, match="catur wulan II 2026"):
            self.ask(first_withdrawn, paser_officer)

    def test_submitted_but_not_accepted_still_holds(self, first_withdrawn, paser_officer):
        submitted(first_withdrawn, paser_officer)
        with pytest.raises(DomainError, match="belum diterima"):
            self.ask(first_withdrawn, paser_officer)

    def test_accepted_report_releases_the_tranche(self, first_withdrawn, paser_officer, head):
        services.report_accept(report=submitted(first_withdrawn, paser_officer), by=head)
        assert self.ask(first_withdrawn, paser_officer).sequence == 2

    def test_an_older_report_is_not_enough(self, first_withdrawn, paser_officer, head):
        services.report_accept(report=submitted(first_withdrawn, paser_officer, CW1), by=head)
        with pytest.raises(DomainError, match="catur wulan II 2026"):
            self.ask(first_withdrawn, paser_officer)

    def test_programme_without_the_rule(self, kaltim, province_staff, paser_officer, approver):
        grant = transferred_grant(open_program(name="Tanpa laporan"), province_staff)
        tranche = grant_services.tranche_request(
            grant=grant, amount=10_000_000, purpose="Tahap 1", by=paser_officer
        )
        grant_services.tranche_approve(tranche=tranche, by=approver)
        assert self.ask(grant, paser_officer).sequence == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_create_one_report(postgres, province_staff, paser_officer, kaltim):
    grant = transferred_grant(open_program(), province_staff)
    results = run_concurrently(
        lambda _i: services.report_create(grant=grant, period=CW2, data=FIGURES, by=paser_officer),
        range(2),
    )
    assert sorted(type(r).__name__ for r in results) == ["DomainError", "ProgressReport"]
    assert ProgressReport.objects.count() == 1
