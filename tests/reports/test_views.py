import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError
from reports import services
from reports.models import ProgressReport, ReportStatus
from reports.periods import Period
from tests.factories import GrantFactory, UserFactory
from tests.grants.money import open_program, transferred_grant

CW1, CW2 = Period(2026, 1), Period(2026, 2)
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
# What a phone sends: dots as thousands separators, as people write Rupiah.
POSTED = {
    "revenue": "12.500.000",
    "costs": "Rp 14.000.000",
    "profit": "-1.500.000",
    "capital_used": "10000000",
    "asset_value": "9.000.000",
    "cash_balance": "0",
    "active_members": "5",
    "jobs_created": "1",
    "condition": "menurun",
    "problems": "Harga bahan baku naik.",
    "narrative": "Penjualan turun saat musim hujan.",
}


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    """Every test here runs on 26 November 2026: the reports of catur wulan I 2026 (due
    15 May) and II 2026 (due 15 September) are due for a grant transferred on 2 March."""
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def program(kaltim):
    return open_program()


@pytest.fixture
def grant(program, province_staff):
    """A Paser group's grant, transferred on 2 March 2026; the group has 5 members."""
    return transferred_grant(program, province_staff)


@pytest.fixture
def head(paser):
    """Yusuf, head of the Paser regency office: reviews Paser's reports."""
    return UserFactory(username="yusuf", first_name="Yusuf", role=Role.REGENCY_HEAD, regency=paser)


def create_url(grant, period=CW2):
    return (
        reverse("reports:report_create")
        + f"?grant={grant.pk}&year={period.year}&term={period.term}"
    )


def write(grant, officer, period=CW2, **figures):
    return services.report_create(
        grant=grant, period=period, data={**FIGURES, **figures}, by=officer
    )


def submitted(grant, officer, period=CW2):
    return services.report_submit(report=write(grant, officer, period), by=officer)


REPORT_PAGES = ["reports:report_detail", "reports:report_update"]
POST_ACTIONS = ["reports:report_submit", "reports:report_accept", "reports:report_return"]


@pytest.mark.django_db
class TestScope:
    """The Berau officer never sees a Paser report: 404 everywhere, absent from lists."""

    @pytest.mark.parametrize("name", REPORT_PAGES + POST_ACTIONS)
    def test_a_paser_report_is_404(self, client, berau_officer, grant, paser_officer, name):
        report = write(grant, paser_officer)
        client.force_login(berau_officer)
        url = reverse(name, args=[report.pk])
        response = client.post(url, {"reason": "x"}) if name in POST_ACTIONS else client.get(url)
        assert response.status_code == 404
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT

    def test_writing_for_a_paser_grant_is_404(self, client, berau_officer, grant):
        client.force_login(berau_officer)
        assert client.get(create_url(grant)).status_code == 404
        assert client.post(create_url(grant), POSTED).status_code == 404
        assert not ProgressReport.objects.exists()

    def test_a_paser_groups_reports_are_404(self, client, berau_officer, grant):
        client.force_login(berau_officer)
        url = reverse("reports:group_reports", args=[grant.group_id])
        assert client.get(url).status_code == 404

    def test_a_berau_head_may_not_review_paser(self, client, grant, paser_officer, kaltim):
        report = submitted(grant, paser_officer)
        berau_head = UserFactory(
            username="kepala.berau", role=Role.REGENCY_HEAD, regency_id="64.03"
        )
        client.force_login(berau_head)
        url = reverse("reports:report_accept", args=[report.pk])
        assert client.post(url).status_code == 404
        content = client.get(reverse("reports:review_queue")).content.decode()
        assert grant.group.name not in content

    @pytest.mark.parametrize("bad", ["", "?grant=abc", "?grant=999999"])
    def test_a_missing_or_unknown_grant_is_404(self, client, paser_officer, kaltim, bad):
        client.force_login(paser_officer)
        assert client.get(reverse("reports:report_create") + bad).status_code == 404

    @pytest.mark.parametrize("period", ["&year=2026&term=4", "&year=abc&term=1", "&term=2"])
    def test_an_impossible_period_is_404(self, client, paser_officer, grant, period):
        client.force_login(paser_officer)
        url = reverse("reports:report_create") + f"?grant={grant.pk}{period}"
        assert client.get(url).status_code == 404


@pytest.mark.django_db
class TestRolesAndMethods:
    @pytest.mark.parametrize("name", POST_ACTIONS)
    def test_get_on_a_post_only_action_is_405(self, client, head, grant, paser_officer, name):
        report = submitted(grant, paser_officer)
        client.force_login(head)
        assert client.get(reverse(name, args=[report.pk])).status_code == 405

    def test_get_on_the_export_only(self, client, paser_officer, kaltim):
        client.force_login(paser_officer)
        assert client.post(reverse("reports:overdue_export")).status_code == 405

    @pytest.mark.parametrize("persona", ["approver", "province_staff"])
    def test_only_regency_officers_write(self, client, personas, grant, paser_officer, persona):
        report = write(grant, paser_officer)
        client.force_login(personas[persona])
        assert client.get(create_url(grant, CW1)).status_code == 403
        assert client.post(create_url(grant, CW1), POSTED).status_code == 403
        assert client.get(reverse("reports:report_update", args=[report.pk])).status_code == 403
        assert client.post(reverse("reports:report_submit", args=[report.pk])).status_code == 403
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT

    def test_head_may_not_write(self, client, head, grant):
        client.force_login(head)
        assert client.get(create_url(grant)).status_code == 403

    @pytest.mark.parametrize("name", ["reports:report_accept", "reports:report_return"])
    @pytest.mark.parametrize("persona", ["paser_officer", "approver"])
    def test_officers_and_approvers_may_not_review(
        self, client, personas, grant, paser_officer, name, persona
    ):
        report = submitted(grant, paser_officer)
        client.force_login(personas[persona])
        response = client.post(reverse(name, args=[report.pk]), {"reason": "Salah"})
        assert response.status_code == 403
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

    @pytest.mark.parametrize("persona", ["paser_officer", "approver"])
    def test_review_queue_is_for_reviewers(self, client, personas, kaltim, persona):
        client.force_login(personas[persona])
        assert client.get(reverse("reports:review_queue")).status_code == 403

    @pytest.mark.parametrize("persona", ["paser_officer", "approver", "province_staff"])
    def test_every_role_reads_the_overdue_list(self, client, personas, kaltim, persona):
        client.force_login(personas[persona])
        assert client.get(reverse("reports:overdue")).status_code == 200

    @pytest.mark.parametrize(
        "url",
        [
            reverse("reports:overdue"),
            reverse("reports:overdue_export"),
            reverse("reports:review_queue"),
            reverse("reports:report_create"),
            reverse("reports:report_detail", args=[1]),
            reverse("reports:group_reports", args=[1]),
        ],
    )
    def test_anonymous_goes_to_login(self, client, db, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
class TestWriting:
    def test_officer_writes_and_submits_from_a_phone(self, client, paser_officer, grant):
        client.force_login(paser_officer)
        page = client.get(create_url(grant)).content.decode()
        assert 'inputmode="numeric"' in page
        assert "catur wulan II 2026" in page
        response = client.post(create_url(grant), {**POSTED, "submit": "1"}, follow=True)
        report = ProgressReport.objects.get()
        assert response.redirect_chain[-1][0] == report.get_absolute_url()
        assert (report.year, report.term, report.status) == (2026, 2, ReportStatus.SUBMITTED)
        assert (report.revenue, report.costs, report.profit) == (12_500_000, 14_000_000, -1_500_000)
        assert (report.capital_used, report.cash_balance) == (10_000_000, 0)
        assert report.submitted_by == paser_officer and report.created_by == paser_officer
        content = response.content.decode()
        assert "-Rp1.500.000" in content

    def test_save_draft_then_the_create_link_leads_to_the_draft(self, client, paser_officer, grant):
        client.force_login(paser_officer)
        client.post(create_url(grant), {**POSTED, "save": "1"})
        report = ProgressReport.objects.get()
        assert report.status == ReportStatus.DRAFT and report.submitted_at is None
        response = client.get(create_url(grant))
        assert response.status_code == 302
        assert response.url == reverse("reports:report_update", args=[report.pk])

    def test_without_a_period_the_oldest_missing_one_is_offered(self, client, paser_officer, grant):
        write(grant, paser_officer, CW1)
        client.force_login(paser_officer)
        response = client.get(reverse("reports:report_create") + f"?grant={grant.pk}")
        assert response.context["period"] == CW2

    def test_empty_profit_is_revenue_minus_costs(self, client, paser_officer, grant):
        client.force_login(paser_officer)
        client.post(create_url(grant), {**POSTED, "profit": ""})
        assert ProgressReport.objects.get().profit == 12_500_000 - 14_000_000

    @pytest.mark.parametrize(
        ("field", "value"),
        [("revenue", "12,5 juta"), ("revenue", "12.50.000"), ("costs", "-1.000"), ("revenue", "")],
    )
    def test_bad_amounts_are_refused_and_nothing_is_saved(
        self, client, paser_officer, grant, field, value
    ):
        client.force_login(paser_officer)
        response = client.post(create_url(grant), {**POSTED, field: value, "submit": "1"})
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert not ProgressReport.objects.exists()

    def test_more_capital_used_than_the_grant_is_refused_beside_the_field(
        self, client, paser_officer, grant
    ):
        client.force_login(paser_officer)
        too_much = f"{grant.amount + 1}"
        response = client.post(create_url(grant), {**POSTED, "capital_used": too_much})
        assert response.status_code == 200
        errors = response.context["form"].errors["capital_used"]
        assert errors == [
            "Modal yang sudah dipakai tidak boleh lebih dari nilai hibah (Rp20.000.000)."
        ]
        assert not ProgressReport.objects.exists()
        # the same rule on every path: the service refuses it too, and an edit
        report = write(grant, paser_officer, CW1)
        with pytest.raises(DomainError):
            services.report_update(
                report=report, data={"capital_used": grant.amount + 1}, by=paser_officer
            )
        response = client.post(
            reverse("reports:report_update", args=[report.pk]), {**POSTED, "capital_used": too_much}
        )
        assert response.context["form"].errors["capital_used"]
        report.refresh_from_db()
        assert report.capital_used <= grant.amount

    def test_implausible_figures_warn_but_do_not_block(self, client, paser_officer, grant):
        client.force_login(paser_officer)
        response = client.post(
            create_url(grant),
            {**POSTED, "profit": "20.000.000", "active_members": "9", "submit": "1"},
            follow=True,
        )
        assert ProgressReport.objects.get().status == ReportStatus.SUBMITTED
        warnings = [m for m in response.context["messages"] if m.level_tag == "warning"]
        assert len(warnings) == 2
        assert "5" in str(warnings[1])  # the registered members

    def test_a_future_period_is_refused_with_the_services_message(
        self, client, paser_officer, grant
    ):
        client.force_login(paser_officer)
        response = client.post(create_url(grant, Period(2027, 1)), POSTED)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert not ProgressReport.objects.exists()

    def test_a_grant_not_yet_transferred_cannot_be_reported(
        self, client, paser_officer, program, kaltim
    ):
        awarded = GrantFactory(program=program)
        client.force_login(paser_officer)
        response = client.get(create_url(awarded))
        assert response.status_code == 302
        assert response.url == reverse("reports:group_reports", args=[awarded.group_id])

    def test_a_submitted_report_cannot_be_edited(self, client, paser_officer, grant):
        report = submitted(grant, paser_officer)
        client.force_login(paser_officer)
        url = reverse("reports:report_update", args=[report.pk])
        response = client.post(url, {**POSTED, "save": "1"})
        assert response.status_code == 302 and response.url == report.get_absolute_url()
        report.refresh_from_db()
        assert report.revenue == FIGURES["revenue"]


@pytest.mark.django_db
class TestReview:
    def test_return_fix_resubmit_accept(self, client, paser_officer, head, grant):
        report = submitted(grant, paser_officer)

        client.force_login(head)
        response = client.post(
            reverse("reports:report_return", args=[report.pk]),
            {"reason": "Omzet tidak sesuai buku kas."},
            follow=True,
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.RETURNED
        assert "Omzet tidak sesuai buku kas." in response.content.decode()

        client.force_login(paser_officer)
        update = reverse("reports:report_update", args=[report.pk])
        page = client.get(update).content.decode()
        assert "Omzet tidak sesuai buku kas." in page and 'value="12.500.000"' in page
        response = client.post(update, {**POSTED, "revenue": "13.000.000", "submit": "1"})
        report.refresh_from_db()
        assert (report.status, report.revenue) == (ReportStatus.SUBMITTED, 13_000_000)

        client.force_login(head)
        client.post(reverse("reports:report_accept", args=[report.pk]))
        report.refresh_from_db()
        assert (report.status, report.reviewed_by) == (ReportStatus.ACCEPTED, head)
        content = client.get(report.get_absolute_url()).content.decode()
        assert "Rp12.500.000 → Rp13.000.000" in content  # the history of the figures
        actions = [
            str(entry.action) for entry in client.get(report.get_absolute_url()).context["history"]
        ]
        assert len(actions) == 6  # drafted, submitted, returned, edited, submitted, accepted
        assert content.count('id="history"') == 1

    def test_return_without_a_reason_changes_nothing(self, client, head, grant, paser_officer):
        report = submitted(grant, paser_officer)
        client.force_login(head)
        client.post(reverse("reports:report_return", args=[report.pk]), {"reason": "  "})
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

    def test_officer_submits_a_draft_from_its_page(self, client, paser_officer, grant):
        report = write(grant, paser_officer)
        client.force_login(paser_officer)
        client.post(reverse("reports:report_submit", args=[report.pk]))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

    def test_queue_is_oldest_first_and_accepting_returns_to_it(
        self, client, province_staff, grant, program, paser_officer, time_machine
    ):
        newer_grant = transferred_grant(program, province_staff)
        older = submitted(grant, paser_officer)
        time_machine.shift(datetime.timedelta(hours=1))
        newer = submitted(newer_grant, paser_officer)
        client.force_login(province_staff)
        queue = reverse("reports:review_queue")
        response = client.get(queue)
        assert [r.pk for r in response.context["table"].data] == [older.pk, newer.pk]
        assert "<details" in response.content.decode()
        response = client.post(
            reverse("reports:report_accept", args=[older.pk]), {"next": queue + "?regency=64.01"}
        )
        assert response.url == queue + "?regency=64.01"
        response = client.post(
            reverse("reports:report_return", args=[newer.pk]),
            {"reason": "Foto kurang", "next": "https://evil.example/"},
        )
        assert response.url == newer.get_absolute_url()  # never off-site

    def test_the_heads_home_page_lists_reports_to_review(self, client, head, grant, paser_officer):
        submitted(grant, paser_officer)
        client.force_login(head)
        content = client.get(reverse("core:home")).content.decode()
        assert reverse("reports:review_queue") in content


@pytest.mark.django_db
class TestGroupReports:
    def test_side_by_side_with_changes_and_missing_periods(
        self, client, paser_officer, head, program, province_staff
    ):
        grant = transferred_grant(program, province_staff)
        grant.transferred_on = datetime.date(2025, 10, 1)  # owes CW III 2025 to CW II 2026
        grant.save()
        write(grant, paser_officer, Period(2025, 3), revenue=10_000_000, profit=-500_000)
        write(grant, paser_officer, CW1, revenue=12_500_000, profit=1_000_000, active_members=4)
        client.force_login(paser_officer)
        response = client.get(reverse("reports:group_reports", args=[grant.group_id]))
        data = response.context["data"]
        assert [c.period for c in data.columns] == [Period(2025, 3), CW1, CW2]
        assert [c.period for c in data.missing] == [CW2]
        revenue = next(r for r in data.rows if r.name == "revenue")
        assert revenue.cells[1].change.delta == 2_500_000
        assert revenue.cells[1].change.percent == 25.0
        profit = next(r for r in data.rows if r.name == "profit")
        assert profit.cells[1].change.delta == 1_500_000
        assert profit.cells[1].change.percent == 300.0  # of the loss's size
        members = next(r for r in data.rows if r.name == "active_members")
        assert (members.cells[1].change.delta, members.cells[1].change.percent) == (-1, -20.0)
        content = response.content.decode()
        assert "+Rp2.500.000 (+25,0 %)" in content
        assert create_url(grant, CW2).replace("&", "&amp;") in content

    def test_no_write_link_for_those_who_do_not_write(self, client, head, grant):
        client.force_login(head)
        content = client.get(reverse("reports:group_reports", args=[grant.group_id])).content
        assert reverse("reports:report_create").encode() not in content

    @pytest.mark.parametrize(
        ("transferred_on", "periods"),
        [(datetime.date(2026, 6, 1), 1), (datetime.date(2024, 10, 1), 6)],
    )
    def test_queries_do_not_grow_with_periods(
        self,
        client,
        paser_officer,
        program,
        transferred_on,
        periods,
        django_assert_num_queries,
    ):
        grant = GrantFactory(
            program=program, status="active", transferred_on=transferred_on, transfer_reference="T"
        )
        period = Period.of(transferred_on)
        for _ in range(periods):
            ProgressReport.objects.create(
                group=grant.group,
                grant=grant,
                year=period.year,
                term=period.term,
                created_by=paser_officer,
                status="accepted",
                **FIGURES,
            )
            period = period.next()
        client.force_login(paser_officer)
        # session, user, the group (regency), its grants (programme), its reports, its
        # LPJs, the officer's regency (navbar), and the idle-timeout session refresh
        # (savepoint, update, release)
        with django_assert_num_queries(10):
            response = client.get(reverse("reports:group_reports", args=[grant.group_id]))
        assert len(response.context["data"].columns) == periods

    def test_detail_queries(self, client, head, grant, paser_officer, django_assert_num_queries):
        report = submitted(grant, paser_officer)
        client.force_login(head)
        # session, user, the report (group, regency, grant, programme, writer, submitter,
        # reviewer), the group's member count, the report's history, the head's regency
        # (navbar), and the idle-timeout session refresh (savepoint, update, release)
        with django_assert_num_queries(9):
            response = client.get(report.get_absolute_url())
        assert response.status_code == 200


@pytest.mark.django_db
class TestQueueQueries:
    @pytest.mark.parametrize("reports", [1, 50])
    def test_queue_queries_do_not_grow_with_reports(
        self, client, province_staff, paser_officer, program, reports, django_assert_num_queries
    ):
        for _ in range(reports):
            grant = GrantFactory(
                program=program, status="transferred", transferred_on=datetime.date(2026, 3, 2)
            )
            ProgressReport.objects.create(
                group=grant.group,
                grant=grant,
                year=2026,
                term=2,
                created_by=paser_officer,
                submitted_by=paser_officer,
                submitted_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
                status="submitted",
                **FIGURES,
            )
        client.force_login(province_staff)
        # session, user, COUNT for the paginator, the regency filter choices, the page of
        # reports (group, regency, submitted by), and the idle-timeout session refresh
        # (savepoint, update, release)
        with django_assert_num_queries(8):
            response = client.get(reverse("reports:review_queue"))
        assert len(response.context["table"].page.object_list) == min(reports, 25)


@pytest.mark.django_db
class TestAdmin:
    def test_reports_and_reminders_in_the_admin(
        self, client, superuser, grant, paser_officer, head
    ):
        report = submitted(grant, paser_officer)
        client.force_login(superuser)
        for url in [
            reverse("admin:reports_progressreport_changelist") + "?status=submitted",
            reverse("admin:reports_progressreport_change", args=[report.pk]),
            reverse("admin:reports_progressreport_history", args=[report.pk]),
            reverse("admin:reports_reminderlog_changelist"),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
        assert (
            grant.group.name
            in client.get(
                reverse("admin:reports_progressreport_changelist") + "?q=Sejahtera"
            ).content.decode()
        )
