"""The dashboard: every figure against a hand-computed small data set (province and a
regency officer's view), scope, roles, and the query count at 10 and 1,000 groups."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.numbers import percent
from grants.models import Grant, Tranche
from groups.models import BusinessGroup
from reports.dashboard import dashboard, last_due_period
from reports.models import ProgressReport
from reports.periods import Period
from reports.summaries import refresh_all_summaries
from tests.factories import UserFactory, first_village
from tests.grants.money import RP20JT, open_program, transferred_grant
from tests.reports.conftest import figures

TODAY = datetime.date(2026, 11, 26)
CW1, CW2 = Period(2026, 1), Period(2026, 2)


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    """Catur wulan II 2026 (due 15 September) is the last due period."""
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def head(paser):
    return UserFactory(username="yusuf", role=Role.REGENCY_HEAD, regency=paser)


def test_percent_is_integer_arithmetic_rounded_half_up():
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 0) is None


def test_last_due_period():
    assert last_due_period(TODAY) == CW2
    assert last_due_period(datetime.date(2026, 9, 14)) == CW1
    assert last_due_period(datetime.date(2026, 1, 15)) == Period(2025, 3)


@pytest.mark.django_db
class TestFigures:
    def test_province_staff_sees_every_regency_and_the_totals(self, dashboard_data, province_staff):
        d = dashboard(user=province_staff, today=TODAY)
        assert d.period == CW2
        assert list(d.periods) == [Period(2025, 2), Period(2025, 3), CW1, CW2]
        assert len(d.rows) == 10
        rows = {row.code: row for row in d.rows}
        paser, berau, t = rows["64.01"], rows["64.03"], d.total

        assert paser.groups["eligible"] == 3 and paser.groups["proposed"] == 1
        assert paser.groups_total == 4
        money = paser.money
        assert (money.grants_awarded, money.grants_transferred) == (3, 2)
        assert money.amount_awarded == 3 * RP20JT
        assert money.amount_transferred == 2 * RP20JT
        assert money.amount_withdrawn == 10_000_000
        assert paser.amount_remaining == 50_000_000
        assert paser.transferred_percent == Decimal("66.7")
        assert paser.withdrawn_percent == Decimal("16.7")
        assert paser.remaining_percent == Decimal("83.3")
        assert (money.tranches_waiting, paser.oldest_waiting_days) == (0, None)
        last = paser.last_compliance
        assert (last.owing, last.accepted, last.submitted, last.missing) == (2, 2, 0, 0)
        assert [(c.owing, c.accepted) for c in paser.compliance] == [(0, 0), (0, 0), (2, 2), (2, 2)]
        assert paser.conditions == {"berkembang": 1, "stabil": 0, "menurun": 1, "berhenti": 0}
        # +2.500.000 and -1.000.000: the median is their mean
        assert paser.revenue_change_median == 750_000
        assert paser.revenue_change_groups == 2

        assert berau.groups == {
            "proposed": 0,
            "verified": 0,
            "eligible": 1,
            "rejected": 0,
            "inactive": 0,
        }
        assert (berau.money.grants_awarded, berau.money.amount_transferred) == (1, RP20JT)
        assert berau.money.amount_withdrawn == 0
        assert berau.withdrawn_percent == Decimal("0")
        assert (berau.money.tranches_waiting, berau.oldest_waiting_days) == (1, 0)
        last = berau.last_compliance
        assert (last.owing, last.accepted, last.submitted, last.missing) == (1, 0, 1, 0)
        assert berau.conditions_total == 0
        assert berau.revenue_change_median is None

        assert rows["64.72"].groups_total == 0 and rows["64.72"].withdrawn_percent is None

        assert t.groups_total == 5
        assert t.money.amount_awarded == 4 * RP20JT
        assert t.money.amount_transferred == 3 * RP20JT
        assert t.money.amount_withdrawn == 10_000_000
        assert t.withdrawn_percent == Decimal("12.5")
        assert t.money.tranches_waiting == 1
        last = t.last_compliance
        assert (last.owing, last.accepted, last.submitted) == (3, 2, 1)
        assert t.last_compliance.reported_percent == Decimal("100")
        assert t.revenue_change_median == 750_000

    def test_berau_officer_sees_only_berau(self, dashboard_data, berau_officer):
        d = dashboard(user=berau_officer, today=TODAY)
        assert [row.code for row in d.rows] == ["64.03"]
        t = d.total
        assert t.groups_total == 1
        assert t.money.amount_awarded == RP20JT
        assert t.money.amount_withdrawn == 0
        assert t.money.tranches_waiting == 1
        assert t.last_compliance.owing == 1
        assert t.conditions_total == 0
        assert t.revenue_change_median is None

    def test_paser_head_sees_only_paser(self, dashboard_data, head):
        d = dashboard(user=head, today=TODAY)
        assert [row.code for row in d.rows] == ["64.01"]
        assert d.total.money.amount_awarded == 3 * RP20JT
        assert d.total.revenue_change_median == 750_000

    def test_programme_and_year_filters(self, dashboard_data, province_staff):
        other = open_program(name="Program Lain")
        other.fiscal_year = 2025
        other.save()
        transferred_grant(other, province_staff, amount=5_000_000)
        d = dashboard(user=province_staff, today=TODAY)
        assert d.total.money.amount_awarded == 4 * RP20JT + 5_000_000
        d = dashboard(user=province_staff, program_id=dashboard_data["program"].pk, today=TODAY)
        assert d.total.money.amount_awarded == 4 * RP20JT
        assert d.total.last_compliance.owing == 3
        d = dashboard(user=province_staff, year=2025, today=TODAY)
        assert d.total.money.amount_awarded == 5_000_000
        assert d.total.last_compliance.owing == 1
        assert d.total.last_compliance.accepted == 0


@pytest.mark.django_db
class TestPage:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("reports:dashboard"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_user_without_role_is_forbidden(self, client, db):
        client.force_login(UserFactory(username="tanpa", role=""))
        assert client.get(reverse("reports:dashboard")).status_code == 403

    def test_post_is_not_allowed(self, client, province_staff):
        client.force_login(province_staff)
        assert client.post(reverse("reports:dashboard")).status_code == 405

    @pytest.mark.parametrize("persona", ["province_staff", "approver"])
    def test_province_roles_see_every_regency(self, client, dashboard_data, personas, persona):
        client.force_login(personas[persona])
        response = client.get(reverse("reports:dashboard"))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Kabupaten Paser" in content and "Kabupaten Berau" in content
        assert "Rp80.000.000" in content  # awarded in the province
        assert "<svg" in content and "style=" not in content and "<script>" not in content

    def test_berau_officer_sees_no_paser_figure(self, client, dashboard_data, berau_officer):
        client.force_login(berau_officer)
        content = client.get(reverse("reports:dashboard")).content.decode()
        assert "Kabupaten Berau" in content
        assert "Kabupaten Paser" not in content
        assert "Rp80.000.000" not in content and "Rp60.000.000" not in content
        assert "Rp20.000.000" in content

    def test_a_chosen_programme_links_its_documents(self, client, dashboard_data, province_staff):
        client.force_login(province_staff)
        pk = dashboard_data["program"].pk
        content = client.get(reverse("reports:dashboard"), {"program": pk}).content.decode()
        for name in ["program_rekap_xlsx", "program_recap_pdf"]:
            assert reverse(f"reports:{name}", args=[pk]) in content
        # The recipients' lists are the decrees' attachments.
        assert f"{reverse('grants:decree_list')}?program={pk}" in content

    def test_filter_values_are_not_localized(self, client, dashboard_data, province_staff):
        client.force_login(province_staff)
        response = client.get(reverse("reports:dashboard"), {"year": 2026})
        content = response.content.decode()
        assert '<option value="2026" selected>' in content  # never "2.026"
        assert response.context["d"].year == 2026

    def test_nav_has_the_dashboard(self, client, province_staff):
        client.force_login(province_staff)
        content = client.get(reverse("core:home")).content.decode()
        assert reverse("reports:dashboard") in content


def bulk_data(count, *, program, staff, officer):
    """`count` groups over Paser and Berau, each with a transferred grant, a waiting
    tranche, and accepted reports for catur wulan I and II 2026 (bulk_create: fast)."""
    now = timezone.now()
    groups = BusinessGroup.objects.bulk_create(
        BusinessGroup(
            registration_number=f"BULK-{i:05d}",
            name=f"KUBE Massal {i}",
            sector="food",
            regency_id=regency,
            district_id=f"{regency}.01",
            village_id=first_village(f"{regency}.01"),
            address="Jl. Contoh",
            date_formed=datetime.date(2024, 1, 1),
            status="eligible",
            created_by=staff,
        )
        for i in range(count)
        for regency in ["64.01" if i % 2 else "64.03"]
    )
    grants = Grant.objects.bulk_create(
        Grant(
            program=program,
            group=group,
            regency_id=group.regency_id,  # bulk_create does not run save()
            amount=RP20JT,
            awarded_on=datetime.date(2026, 2, 2),
            awarded_by=staff,
            status="transferred",
            transferred_on=datetime.date(2026, 3, 2),
            committed_amount=5_000_000,
        )
        for group in groups
    )
    Tranche.objects.bulk_create(
        Tranche(
            grant=grant,
            sequence=1,
            amount=5_000_000,
            purpose="Bahan",
            request_token=uuid.uuid4(),
            requested_by=officer,
            requested_at=now,
        )
        for grant in grants
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            group=grant.group,
            grant=grant,
            year=period.year,
            term=period.term,
            status="accepted",
            created_by=officer,
            **figures(1_000_000 * (i % 7 + period.term), ["stabil", "berkembang"][i % 2]),
        )
        for i, grant in enumerate(grants)
        for period in (CW1, CW2)
    )
    refresh_all_summaries()


@pytest.mark.django_db
class TestQueryCount:
    @pytest.mark.parametrize("count", [10, 1000])
    def test_queries_do_not_grow_with_groups(
        self, client, kaltim, province_staff, paser_officer, count, django_assert_num_queries
    ):
        program = open_program()
        bulk_data(count, program=program, staff=province_staff, officer=paser_officer)
        client.force_login(province_staff)
        # session, user, the programmes (filter choices), the regencies, groups by
        # regency and status, the grant/tranche summaries, the owing spans, the report
        # summaries (per period and status, and conditions), the middle revenue changes
        # per regency and overall (one query), the LPJ owing spans and the LPJ summaries,
        # and the idle-timeout session refresh (savepoint, update, release)
        with django_assert_num_queries(14):
            response = client.get(reverse("reports:dashboard"))
        total = response.context["d"].total
        assert total.groups_total == count
        assert total.money.tranches_waiting == count
        assert total.last_compliance.accepted == count
        assert total.revenue_change_groups == count


@pytest.mark.django_db
def test_groups_outside_the_province_count_nowhere(dashboard_data, province_staff):
    """The dashboard is the province's: a group registered in another province (possible
    in a national database) changes no figure, the overall median included."""
    from grants.models import ProgramQuota
    from regions.services import regions_load
    from tests.reports.conftest import report

    before = dashboard(user=province_staff, today=TODAY)
    regions_load(province_code="63")  # Kalimantan Selatan
    program = dashboard_data["program"]
    ProgramQuota.objects.create(program=program, regency_id="63.01", group_count=5)
    outside = transferred_grant(program, province_staff, regency="63.01")
    officer = UserFactory(username="kalsel", role=Role.REGENCY_OFFICER, regency_id="63.01")
    report(outside, CW1, 1_000_000, officer=officer, reviewer=province_staff)
    report(outside, CW2, 90_000_000, officer=officer, reviewer=province_staff)
    BusinessGroup.objects.create(
        **{
            f.name: getattr(outside.group, f.name)
            for f in BusinessGroup._meta.concrete_fields
            if f.name not in ("id", "registration_number", "name", "account_number")
        },
        registration_number="63.01-2026-0099",
        name="KUBE Kalsel",
        account_number="9999",
    )
    after = dashboard(user=province_staff, today=TODAY)
    assert after.total.revenue_change_median == before.total.revenue_change_median
    assert after.total.revenue_change_groups == before.total.revenue_change_groups
    assert after.total.money == before.total.money
    assert after.total.group_counts == before.total.group_counts
    assert [c.owing for c in after.total.compliance] == [c.owing for c in before.total.compliance]
    assert after.total.condition_counts == before.total.condition_counts
    assert [row.code for row in after.rows] == [row.code for row in before.rows]


@pytest.mark.django_db
def test_medians_per_regency_and_overall_are_each_their_own_middle(
    kaltim, province_staff, paser_officer, berau_officer
):
    """Paser's revenue changes +1, +2 and +9 million (median +2), Berau's -4 and -2
    (median -3), all five together: -4, -2, +1, +2, +9 (median +1, a row that is not
    Paser's middle)."""
    from tests.reports.conftest import report

    program = open_program()
    changes = {"64.01": [1, 2, 9], "64.03": [-4, -2]}
    officers = {"64.01": paser_officer, "64.03": berau_officer}
    for regency, millions in changes.items():
        for change in millions:
            grant = transferred_grant(program, province_staff, regency=regency)
            people = {"officer": officers[regency], "reviewer": province_staff}
            report(grant, CW1, 10_000_000, **people)
            report(grant, CW2, 10_000_000 + change * 1_000_000, **people)
    d = dashboard(user=province_staff, today=TODAY)
    by_code = {row.code: row for row in d.rows}
    assert (by_code["64.01"].revenue_change_median, by_code["64.01"].revenue_change_groups) == (
        2_000_000,
        3,
    )
    assert (by_code["64.03"].revenue_change_median, by_code["64.03"].revenue_change_groups) == (
        -3_000_000,
        2,
    )
    assert (d.total.revenue_change_median, d.total.revenue_change_groups) == (1_000_000, 5)


def test_the_headline_counts_accepted_reports_like_the_table(
    client, dashboard_data, province_staff
):
    """One definition: the card and the period table both count accepted reports."""
    client.force_login(province_staff)
    response = client.get(reverse("reports:dashboard"))
    c = response.context["t"].last_compliance
    content = response.content.decode()
    assert f'id="headline-accepted">{c.accepted} / {c.owing}<' in content
    assert f"{c.submitted} menunggu pemeriksaan" in content


@pytest.mark.django_db
def test_both_middles_come_from_one_percentile_disc(postgres):
    """The dashboard asks percentile_disc for MIDDLES in one sort: for every count of
    values, the two fractions give the lower and the upper middle of the sorted values."""
    from django.db import connection

    from reports.dashboard import MIDDLES

    with connection.cursor() as cursor:
        for n in [*range(1, 60), 999, 1000, 30_001, 30_002]:
            values = [(i * 7919) % 1_000_003 - 500_000 for i in range(n)]
            cursor.execute(
                "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY v) "
                "FROM unnest(%s::bigint[]) AS v",
                [list(MIDDLES), values],
            )
            ordered = sorted(values)
            assert cursor.fetchone()[0] == [ordered[(n - 1) // 2], ordered[n // 2]], n
