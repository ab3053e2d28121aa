"""Province staff set up a programme on its own pages: budget, rules, quotas, status."""

import pytest
from django.urls import reverse

from grants.models import Program, ProgramQuota
from tests.grants.money import RP20JT, open_program, transferred_grant

SETUP = {
    "name": "Bantuan Modal Usaha KUBE 2027",
    "fiscal_year": "2027",
    "aid_form": "cash",
    "total_budget": "Rp 700.000.000",
    "default_amount": "20.000.000",
    "min_members": "5",
    "max_members": "20",
    "first_tranche_max_percent": "50",
    "max_tranches": "3",
    "tranche_needs_report": "on",
    "spending_share_percent": "100",
    "min_households": "5",
    "max_decile": "4",
}


def quota_rows(rows, *, initial=0):
    data = {
        "quotas-TOTAL_FORMS": str(len(rows)),
        "quotas-INITIAL_FORMS": str(initial),
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"quotas-{index}-{key}": value for key, value in row.items()})
    return data


def test_staff_create_a_draft_with_quotas(client, kaltim, province_staff):
    client.force_login(province_staff)
    page = client.get(reverse("grants:program_create"))
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 10  # a row per regency of the province
    rows = [{"regency": "64.01", "group_count": "35"}, {"regency": "64.02", "group_count": ""}]
    response = client.post(reverse("grants:program_create"), {**SETUP, **quota_rows(rows)})
    program = Program.objects.get(name=SETUP["name"])
    assert response.status_code == 302 and response.url == program.get_absolute_url()
    assert (program.status, program.total_budget, program.fiscal_year) == (
        "draft",
        700_000_000,
        2027,
    )
    assert list(program.quotas.values_list("regency_id", "group_count")) == [("64.01", 35)]


def test_a_bad_setup_says_what_to_fix_and_saves_nothing(client, kaltim, province_staff):
    client.force_login(province_staff)
    data = {**SETUP, "default_amount": "800.000.000", **quota_rows([])}
    response = client.post(reverse("grants:program_create"), data)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not Program.objects.exists()


def test_a_quota_cannot_fall_below_the_groups_awarded(client, kaltim, province_staff):
    program = open_program()
    transferred_grant(program, province_staff)
    quota = program.quotas.get(regency_id="64.01")
    client.force_login(province_staff)
    rows = [{"id": quota.pk, "regency": "64.01", "group_count": "0"}]
    data = {
        **SETUP,
        "fiscal_year": "2026",
        "total_budget": str(program.total_budget),
        **quota_rows(rows, initial=1),
    }
    response = client.post(reverse("grants:program_update", args=[program.pk]), data)
    assert response.status_code == 200
    assert "sudah memiliki 1 kelompok penerima hibah" in response.content.decode()
    assert ProgramQuota.objects.get(pk=quota.pk).group_count == 35


def test_a_quota_with_grants_cannot_be_removed(client, kaltim, province_staff):
    program = open_program()
    transferred_grant(program, province_staff)
    quota = program.quotas.get(regency_id="64.01")
    client.force_login(province_staff)
    rows = [{"id": quota.pk, "regency": "64.01", "group_count": "35", "DELETE": "on"}]
    data = {**SETUP, "fiscal_year": "2026", "total_budget": str(175 * RP20JT)}
    response = client.post(
        reverse("grants:program_update", args=[program.pk]), {**data, **quota_rows(rows, initial=1)}
    )
    assert response.status_code == 200
    assert ProgramQuota.objects.filter(pk=quota.pk).exists()


@pytest.mark.parametrize("persona", ["approver", "paser_officer", "paser_head"])
def test_only_province_staff_set_up_programmes(client, everyone, kaltim, persona):
    client.force_login(everyone[persona])
    assert client.get(reverse("grants:program_create")).status_code == 403
    program = open_program()
    assert client.get(reverse("grants:program_update", args=[program.pk])).status_code == 403


def test_a_closed_programme_is_not_changed(client, kaltim, province_staff):
    program = open_program()
    Program.objects.filter(pk=program.pk).update(status="closed")
    client.force_login(province_staff)
    page = client.get(program.get_absolute_url()).content.decode()
    assert reverse("grants:program_update", args=[program.pk]) not in page
    response = client.post(
        reverse("grants:program_update", args=[program.pk]), {**SETUP, **quota_rows([])}
    )
    assert response.status_code == 200
    assert Program.objects.get(pk=program.pk).name != SETUP["name"]
