"""Numbers and dates a person types are bounded by what the domain allows, on the model or
the field, so that every path (the page's form, the admin, the services) refuses the same
value with a message that names the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.errors import DomainError
from grants import services as grant_services
from grants.forms import HandoverItemForm, ProgramForm, SpendingLineForm
from grants.models import HandoverItem, Program, ProgramQuota
from reports.forms import ReportForm
from tests.factories import MentoringVisitFactory
from tests.grants.money import eligible_group, open_program, ready_for_aid, transferred_grant
from training import services as training_services

pytestmark = pytest.mark.django_db

PROGRAM = {
    "name": "Bantuan Modal Usaha KUBE 2027",
    "fiscal_year": "2027",
    "aid_form": "cash",
    "total_budget": "3.500.000.000",
    "default_amount": "20.000.000",
    "min_members": "5",
    "max_members": "20",
    "min_households": "5",
    "max_decile": "4",
    "first_tranche_max_percent": "50",
    "max_tranches": "3",
    "spending_share_percent": "100",
}


def test_a_sane_programme_is_accepted():
    form = ProgramForm(PROGRAM)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fiscal_year", "1"),  # its dates would start in year 0
        ("fiscal_year", "9999"),
        ("max_members", "500"),  # a group's member sheet holds 30
        ("min_households", "31"),
        ("min_households", "0"),
        ("max_tranches", "13"),
        ("first_tranche_max_percent", "101"),
        ("spending_share_percent", "101"),
        ("max_decile", "11"),
        ("total_budget", "9" * 5000),
    ],
)
def test_a_programme_out_of_bounds_is_refused_beside_its_field(field, value):
    form = ProgramForm({**PROGRAM, field: value})
    assert not form.is_valid()
    assert form.errors[field]


def test_the_admin_and_the_services_refuse_the_same_bounds(kaltim):
    program = Program(**{**ProgramForm(PROGRAM).data, "fiscal_year": 1, "max_tranches": 100})
    with pytest.raises(ValidationError) as refused:
        program.full_clean()
    assert {"fiscal_year", "max_tranches"} <= set(refused.value.message_dict)
    quota = ProgramQuota(program=open_program(), regency_id="64.02", group_count=10**6)
    with pytest.raises(ValidationError) as refused:
        quota.full_clean()
    assert set(refused.value.message_dict) == {"group_count"}
    with pytest.raises(ValidationError) as refused:
        HandoverItem(
            quantity=10**7, position=1, name="Mesin", unit="unit", unit_value=1
        ).full_clean(exclude=["handover"])
    assert set(refused.value.message_dict) == {"quantity"}


@pytest.mark.parametrize("form_class", [HandoverItemForm, SpendingLineForm])
def test_a_quantity_is_bounded(form_class):
    form = form_class({"quantity": "10000001"})
    assert not form.is_valid()
    with translation.override("id"):
        assert "1000000" in str(form.errors["quantity"]).replace(".", "")


def test_report_counts_are_bounded():
    data = {
        "revenue": "1",
        "costs": "1",
        "capital_used": "1",
        "asset_value": "1",
        "cash_balance": "1",
        "condition": "stabil",
    }
    form = ReportForm({**data, "active_members": "31", "jobs_created": "1001"})
    assert not form.is_valid()
    assert set(form.errors) == {"active_members", "jobs_created"}
    form = ReportForm({**data, "active_members": "30", "jobs_created": "1000"})
    assert form.is_valid(), form.errors


def test_a_5000_digit_amount_is_a_message_naming_its_field(
    client, kaltim, province_staff, paser_officer
):
    grant = transferred_grant(open_program(), province_staff)
    client.force_login(paser_officer)
    url = reverse("reports:report_create") + f"?grant={grant.pk}&year=2026&term=1"
    data = {
        "revenue": "9" * 5000,
        "costs": "1",
        "capital_used": "1",
        "asset_value": "1",
        "cash_balance": "1",
        "active_members": "5",
        "jobs_created": "0",
        "condition": "stabil",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    with translation.override("id"):
        label = str(ReportForm.base_fields["revenue"].label)
    assert f"{label}: Nilai terlalu besar." in response.content.decode()
    assert not grant.progress_reports.exists()


class TestDates:
    def test_a_handover_is_not_planned_for_a_year_no_programme_runs_in(
        self, kaltim, province_staff
    ):
        program = open_program(aid_form="in_kind")
        grant = ready_for_aid(
            grant_services.grant_award(
                program=program, group=eligible_group(), by=province_staff, amount=1_000_000
            ),
            province_staff,
        )
        items = [{"name": "Mesin jahit", "quantity": 1, "unit": "unit", "unit_value": 1_000_000}]

        def issue(day):
            return grant_services.handover_issue(
                grant=grant, items=items, official=province_staff, by=province_staff,
                handed_over_on=day, place="Tanah Grogot",
            )  # fmt: skip

        for day in (datetime.date(9999, 12, 31), datetime.date(2028, 1, 1)):
            with pytest.raises(DomainError, match="2027"):
                issue(day)
        assert not grant.handovers.exists()
        handover = issue(datetime.date(2027, 12, 31))  # planned ahead, within the next year
        handover.handed_over_on = datetime.date(9999, 12, 31)
        with pytest.raises(ValidationError) as refused:
            handover.full_clean()
        assert set(refused.value.message_dict) == {"handed_over_on"}

    def test_a_follow_up_is_due_within_a_year_of_the_visit(self, kaltim, paser_officer):
        visit = MentoringVisitFactory(officer=paser_officer)
        visit.follow_up_due = visit.visited_on + datetime.timedelta(days=367)
        with pytest.raises(DomainError, match=r"(?i)follow-up|tindak lanjut"):
            training_services.visit_update(visit=visit, by=paser_officer)
        visit.refresh_from_db()
        assert visit.follow_up_due is None
        visit.follow_up_due = datetime.date(9999, 12, 31)
        with pytest.raises(ValidationError):
            visit.full_clean()
        visit.follow_up_due = visit.visited_on + datetime.timedelta(days=366)
        training_services.visit_update(visit=visit, by=paser_officer)


@pytest.mark.parametrize(("asked", "rows"), [("-999999999999", 1), ("0", 1), ("9" * 5000, 25)])
def test_the_rows_of_a_list_page_are_bounded(client, kaltim, province_staff, asked, rows):
    """?per_page= is read by the tables; a negative number was a server error."""
    from tests.factories import BusinessGroupFactory

    BusinessGroupFactory.create_batch(30)
    client.force_login(province_staff)
    response = client.get(reverse("groups:group_list"), {"per_page": asked})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == rows


def test_a_list_page_shows_at_most_100_rows(client, kaltim, province_staff):
    from tests.factories import BusinessGroupFactory

    BusinessGroupFactory.create_batch(101)
    client.force_login(province_staff)
    response = client.get(reverse("groups:group_list"), {"per_page": str(10**9)})
    assert len(response.context["table"].page.object_list) == 100
