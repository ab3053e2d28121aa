"""What every list gives a phone (the layout itself is checked in a browser,
tests/browser/test_phone_layout.py): each cell named by its column, and no column or filter
with a single possible value for the user (the regency of whoever works in one)."""

import re

import pytest
from django.urls import reverse

from tests.factories import BusinessGroupFactory

REGENCY_FILTER = 'name="regency"'


@pytest.fixture
def groups(kaltim):
    BusinessGroupFactory(name="KUBE Paser", regency_id="64.01")
    BusinessGroupFactory(name="KUBE Berau", regency_id="64.03", district_id="64.03.01")


@pytest.mark.django_db
def test_each_cell_carries_its_column_name(client, groups, province_staff):
    client.force_login(province_staff)
    content = client.get(reverse("groups:group_list")).content.decode()
    row = re.search(r"<tr [^>]*>(.*?)</tr>", content.split("<tbody")[1], re.S).group(1)
    labels = re.findall(r'data-label="([^"]*)"', row)
    assert labels[:3] == ["No. registrasi", "Nama kelompok", "Kabupaten/kota"]
    assert 'class="sort-caption d-md-none" scope="col">Urutkan menurut<' in content


@pytest.mark.django_db
def test_the_province_sees_the_regency_column_and_filter(client, groups, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("groups:group_list"))
    assert "regency" in [c.name for c in response.context["table"].columns]
    assert REGENCY_FILTER in response.content.decode()


@pytest.mark.django_db
def test_a_regency_officer_is_not_offered_their_one_regency(client, groups, paser_officer):
    client.force_login(paser_officer)
    for name in ("groups:group_list", "grants:grant_list", "reports:overdue"):
        response = client.get(reverse(name))
        content = response.content.decode()
        assert REGENCY_FILTER not in content, name
        assert 'data-label="Kabupaten/kota"' not in content, name
    # the overdue list's only filter was the regency: no filter form at all
    assert 'id="list-filters"' not in content
    content = client.get(reverse("groups:group_list")).content.decode()
    assert 'id="list-filters"' in content  # the other filters stay, folded on a phone
    assert 'data-bs-target="#list-filters"' in content
