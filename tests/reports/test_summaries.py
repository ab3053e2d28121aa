"""The dashboard's summaries (grant figures, report counts, owing spans) equal a
recomputation from the raw rows after every kind of grant, tranche and report transition;
the owing spans count what the straightforward per-period count counts; the command
rebuilds everything; concurrent changes in one regency leave the summaries right."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from grants import services
from grants.models import Grant, Program, ProgramQuota, Tranche
from regions.models import Village
from reports import services as report_services
from reports.dashboard import dashboard
from reports.models import (
    AccountabilityReport,
    LpjOwingSpan,
    LpjSummary,
    OwedCount,
    OwedReport,
    OwingSpan,
    ProgressReport,
    RegencySummary,
    ReportSummary,
    RevenueChange,
)
from reports.owed import (
    extend_owed_reports,
    owed_counts_from_rows,
    owed_reports_from_rows,
    stored_horizon,
)
from reports.periods import Period, periods_between
from reports.summaries import (
    grant_figures_from_rows,
    lpj_figures_from_rows,
    lpj_spans_from_rows,
    owing_groups_from_rows,
    owing_spans_from_rows,
    report_figures_from_rows,
    revenue_changes_from_rows,
)
from tests.conftest import run_concurrently
from tests.grants.money import eligible_group, open_program, record_transfer, transferred_grant
from tests.reports.conftest import figures

TODAY = datetime.date(2026, 11, 26)
CW1, CW2, CW3 = Period(2026, 1), Period(2026, 2), Period(2026, 3)


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


def stored():
    return {
        "grants": {
            (s.program_id, s.regency_id): tuple(getattr(s, n) for n in RegencySummary.FIGURES)
            for s in RegencySummary.objects.all()
            if s.grants_awarded or s.tranches_waiting
        },
        "reports": {
            (s.program_id, s.regency_id, s.year, s.term): {
                n: getattr(s, n) for n in ReportSummary.FIGURES
            }
            for s in ReportSummary.objects.all()
        },
        "spans": {
            (s.program_id, s.program_year, s.regency_id, s.first_period, s.last_period): s.groups
            for s in OwingSpan.objects.all()
        },
        "changes": {
            c.report_id: (c.program_id, c.program_year, c.regency_id, c.year, c.term, c.change)
            for c in RevenueChange.objects.all()
        },
        "lpj_spans": {
            (s.regency_id, s.first_year, s.last_year): s.groups for s in LpjOwingSpan.objects.all()
        },
        "lpjs": {
            (s.regency_id, s.year): {n: getattr(s, n) for n in LpjSummary.FIGURES}
            for s in LpjSummary.objects.all()
        },
        "owed": {
            (o.group_id, o.period): (o.regency_id, o.group_name, o.grant_id, o.report_id)
            for o in OwedReport.objects.all()
        },
        "owed_counts": {
            (c.regency_id, c.period): (c.reports, c.groups) for c in OwedCount.objects.all()
        },
    }


def recomputed():
    grant_figures = grant_figures_from_rows(
        grants=Grant.objects.all(), tranches=Tranche.objects.all()
    )
    return {
        "grants": {
            key: tuple(getattr(item, n) for n in RegencySummary.FIGURES)
            for key, item in grant_figures.items()
        },
        "reports": report_figures_from_rows(ProgressReport.objects.all()),
        "spans": dict(owing_spans_from_rows(Grant.objects.all())),
        "changes": revenue_changes_from_rows(ProgressReport.objects.all()),
        "lpj_spans": dict(lpj_spans_from_rows(Grant.objects.all())),
        "lpjs": lpj_figures_from_rows(AccountabilityReport.objects.all()),
        "owed": owed_reports_from_rows(through=stored_horizon() or Period.of(TODAY).index),
        "owed_counts": owed_counts_from_rows(),
    }


def check(step):
    assert stored() == recomputed(), step


def owing_on_dashboard(user, periods, **filters):
    """Groups owing each period per regency as the dashboard shows them (from the spans)."""
    board = dashboard(user=user, today=TODAY, **filters)
    shown = {p: i for i, p in enumerate(board.periods)}
    return {
        row.code: {p: row.compliance[shown[p]].owing for p in periods}
        for row in board.rows
        if any(row.compliance[shown[p]].owing for p in periods)
    }


def owing_counted_from_grants(periods, **filters):
    grants = Grant.objects.all()
    if "program_id" in filters:
        grants = grants.filter(program_id=filters["program_id"])
    if "year" in filters:
        grants = grants.filter(program__fiscal_year=filters["year"])
    counted = owing_groups_from_rows(grants, periods)
    return {code: owing for code, owing in counted.items() if any(owing.values())}


def write_report(grant, period, *, officer, revenue=5_000_000, condition="stabil"):
    return report_services.report_create(
        grant=grant, period=period, data=figures(revenue, condition), by=officer
    )


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
    grant = record_transfer(
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

    report = write_report(grant, CW1, officer=paser_officer)
    check("report drafted")
    report = report_services.report_submit(report=report, by=paser_officer)
    check("report submitted")
    report = report_services.report_return(report=report, by=staff, reason="Omzet tidak wajar")
    check("report returned")
    report = report_services.report_submit(report=report, by=paser_officer)
    report_services.report_accept(report=report, by=staff)
    check("report accepted")
    later = write_report(grant, CW2, officer=paser_officer, revenue=8_000_000)
    later = report_services.report_submit(report=later, by=paser_officer)
    check("second period submitted")
    last = write_report(grant, CW3, officer=paser_officer, revenue=6_500_000)
    last = report_services.report_submit(report=last, by=paser_officer)
    report_services.report_accept(report=last, by=staff)
    check("third period accepted before the second")
    assert not RevenueChange.objects.exists()
    report_services.report_accept(report=later, by=staff)
    check("second period accepted: its change and the third's")
    assert dict(RevenueChange.objects.values_list("report_id", "change")) == {
        later.pk: 3_000_000,
        last.pk: -1_500_000,
    }

    fourth = services.tranche_request(grant=grant, amount=10_000_000, purpose="D", by=paser_officer)
    services.tranche_approve(tranche=fourth, by=approver)
    services.tranche_mark_withdrawn(
        tranche=fourth, by=paser_officer, withdrawn_on=TODAY, reference="BNK-2"
    )
    services.grant_complete(grant=grant, by=staff)
    check("complete")
    berau = record_transfer(
        grant=Grant.objects.filter(group__regency_id="64.03").first(),
        by=staff,
        transferred_on=datetime.date(2026, 6, 1),
        reference="TRF-10",
    )
    check("transfer in Berau")
    services.grant_cancel(grant=berau, by=staff, reason="Bubar")
    check("cancel a transferred grant")

    paser = RegencySummary.objects.get(program=program, regency_id="64.01")
    assert (paser.grants_awarded, paser.amount_withdrawn) == (1, 20_000_000)
    assert ReportSummary.objects.get(regency_id="64.01", year=2026, term=1).accepted == 1
    assert ReportSummary.objects.get(regency_id="64.01", year=2026, term=2).accepted == 1
    # Paser's group owes catur wulan I to III 2026 (transferred in March, completed today),
    # in the programme's rows, its fiscal year's and all programmes'; the cancelled Berau
    # grant owes nothing
    first, last = CW1.index, CW3.index
    assert stored()["spans"] == {
        (program.pk, 2026, "64.01", first, last): 1,
        (None, 2026, "64.01", first, last): 1,
        (None, None, "64.01", first, last): 1,
    }


@pytest.mark.django_db
def test_a_group_with_grants_in_two_programmes_owes_each_period_once(kaltim, province_staff):
    """Programme 2025 transferred in June 2025 and completed in March 2026; programme 2026
    transferred in February 2026: the group owes 2025 II to 2026 III, 2026 I only once."""
    older = Program.objects.create(
        name="Bantuan Modal Usaha 2025",
        fiscal_year=2025,
        total_budget=100_000_000,
        default_amount=20_000_000,
        status="open",
    )
    ProgramQuota.objects.create(program=older, regency_id="64.01", group_count=5)
    newer = open_program()
    group = eligible_group()
    first = services.grant_award(program=older, group=group, by=province_staff)
    first = record_transfer(
        grant=first, by=province_staff, transferred_on=datetime.date(2025, 6, 2), reference="A"
    )
    # completed in March 2026 without the tranches grant_complete asks for; the transfer
    # below rebuilds the regency's spans from the rows as they are
    Grant.objects.filter(pk=first.pk).update(
        status="completed", completed_on=datetime.date(2026, 3, 20)
    )
    second = services.grant_award(program=newer, group=group, by=province_staff)
    record_transfer(
        grant=second, by=province_staff, transferred_on=datetime.date(2026, 2, 9), reference="B"
    )
    check("two programmes")

    periods = periods_between(Period(2025, 2), CW2)
    expected = {"64.01": dict.fromkeys(periods, 1)}
    assert owing_on_dashboard(province_staff, periods) == expected
    assert owing_counted_from_grants(periods) == expected
    assert owing_on_dashboard(province_staff, periods, year=2025) == {
        "64.01": {p: int(p <= CW1) for p in periods}
    }
    assert owing_on_dashboard(province_staff, periods, program_id=newer.pk) == {
        "64.01": {p: int(p >= CW1) for p in periods}
    }
    for filters in ({"year": 2025}, {"year": 2026}, {"program_id": older.pk}):
        counted = owing_counted_from_grants(periods, **filters)
        assert owing_on_dashboard(province_staff, periods, **filters) == counted, filters
    # a programme of another fiscal year than the one asked for owes nothing
    assert owing_on_dashboard(province_staff, periods, program_id=older.pk, year=2026) == {}


@pytest.mark.django_db
def test_the_command_rebuilds_every_summary(kaltim, province_staff, paser_officer):
    program = open_program()
    grant = transferred_grant(program, province_staff)
    services.tranche_request(grant=grant, amount=5_000_000, purpose="A", by=paser_officer)
    report = write_report(grant, CW1, officer=paser_officer)
    report_services.report_submit(report=report, by=paser_officer)
    expected = stored()
    assert expected["reports"] and expected["spans"]
    assert expected["owed"]
    RegencySummary.objects.update(amount_awarded=1, tranches_waiting=9)
    ReportSummary.objects.update(submitted=7)
    OwingSpan.objects.update(groups=40)
    OwedReport.objects.update(group_name="?")
    OwedCount.objects.update(reports=99)
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


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_and_transfers_in_one_regency_leave_the_summaries_right(
    postgres, kaltim, province_staff, paser_officer
):
    """Six catur wulan I reports accepted (three with their group's catur wulan II report
    accepted at the same moment), two grants transferred (in two programmes) and a grant
    awarded, all at once in Paser: no deadlock, every count ends up in the summaries and
    each pair of neighbouring reports gets its revenue change."""
    program = open_program()
    other = open_program(name="Bantuan Lanjutan")
    reported = [transferred_grant(program, province_staff) for _ in range(6)]
    reports = [
        report_services.report_submit(
            report=write_report(grant, period, officer=paser_officer), by=paser_officer
        )
        for i, grant in enumerate(reported)
        for period in ([CW1, CW2] if i < 3 else [CW1])
    ]
    waiting = [
        services.grant_award(program=p, group=eligible_group(), by=province_staff)
        for p in (program, other)
    ]
    newcomer = eligible_group()

    def act(item):
        if isinstance(item, Grant):
            return record_transfer(
                grant=item, by=province_staff, transferred_on=TODAY, reference="TRF-X"
            )
        if isinstance(item, ProgressReport):
            return report_services.report_accept(report=item, by=province_staff)
        return services.grant_award(program=program, group=item, by=province_staff)

    results = run_concurrently(act, [*reports, *waiting, newcomer])
    assert all(isinstance(r, ProgressReport | Grant) for r in results), results
    assert stored() == recomputed()
    row = ReportSummary.objects.get(program=program, regency_id="64.01", year=2026, term=1)
    assert (row.accepted, row.submitted, row.stable) == (6, 0, 6)
    assert RevenueChange.objects.filter(year=2026, term=2).count() == 3
    board = dashboard(user=province_staff, today=datetime.date(2027, 1, 20))
    assert board.periods[-1] == CW3
    assert board.total.last_compliance.owing == 8


@pytest.mark.django_db
def test_the_summaries_are_read_only_in_the_admin(client, superuser, kaltim, province_staff):
    program = open_program()
    grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    record_transfer(
        grant=grant, by=province_staff, transferred_on=datetime.date(2026, 3, 2), reference="T"
    )
    client.force_login(superuser)
    for model in ("regencysummary", "reportsummary", "owingspan", "revenuechange"):
        page = client.get(reverse(f"admin:reports_{model}_changelist"))
        assert page.status_code == 200, model
        assert client.get(reverse(f"admin:reports_{model}_add")).status_code == 403, model
    spans = client.get(reverse("admin:reports_owingspan_changelist")).content.decode()
    assert "catur wulan I 2026" in spans  # the first period, by name


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_while_reports_are_reviewed_keeps_every_review(
    postgres, kaltim, province_staff, paser_officer
):
    """refresh_summaries running while five reports are accepted: the rebuild waits for the
    reviews or they wait for it; either way the summaries end equal to the raw rows."""
    program = open_program()
    reports = [
        report_services.report_submit(
            report=write_report(
                transferred_grant(program, province_staff), CW1, officer=paser_officer
            ),
            by=paser_officer,
        )
        for _ in range(5)
    ]

    def act(item):
        if item is None:
            return call_command("refresh_summaries", stdout=io.StringIO())
        return report_services.report_accept(report=item, by=province_staff)

    results = run_concurrently(act, [None, *reports, None])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert stored() == recomputed()
    row = ReportSummary.objects.get(program=program, regency_id="64.01", year=2026, term=1)
    assert (row.accepted, row.submitted) == (5, 0)


@pytest.mark.django_db
def test_owed_reports_follow_a_new_period_and_the_group(
    kaltim, province_staff, paser_officer, time_machine
):
    """A new catur wulan: its rows appear for every owing group at the first read; a
    renamed group's rows carry the new name."""
    program = open_program()
    grant = transferred_grant(program, province_staff)
    report_services.report_submit(
        report=write_report(grant, CW1, officer=paser_officer), by=paser_officer
    )
    check("before")
    assert {period for _group, period in stored()["owed"]} == {CW2.index, CW3.index}
    time_machine.move_to(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=datetime.UTC), tick=False)
    extend_owed_reports(today=datetime.date(2027, 1, 5))
    assert stored_horizon() == Period(2027, 1).index
    check("a new period")
    group = grant.group
    group.name = "KUBE Baru"
    group.save()
    assert set(OwedReport.objects.values_list("group_name", flat=True)) == {"KUBE Baru"}
    check("renamed")
    group.regency_id, group.district_id = "64.03", "64.03.01"
    group.village = Village.objects.filter(district_id="64.03.01").first()
    group.save()
    assert set(OwedReport.objects.values_list("regency_id", flat=True)) == {"64.03"}
    # (the services refuse to move a group that has grants; saved directly, only the owed
    # reports follow, and their counts in both regencies)
    owed = ("owed", "owed_counts")
    assert {k: stored()[k] for k in owed} == {k: recomputed()[k] for k in owed}
