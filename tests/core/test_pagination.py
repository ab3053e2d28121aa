"""Long lists: counted up to a cap, at most MAX_PAGES pages (no deep OFFSET), a page past
the last shown as the last; the admin's regency filters offer the province's regencies."""

import pytest
from django.urls import reverse

from core.pagination import CappedPaginator, estimated_count
from groups.models import BusinessGroup
from regions.models import Province, Regency
from tests.factories import BusinessGroupFactory


@pytest.mark.django_db
def test_counted_exactly_up_to_the_cap_then_estimated_and_pages_capped(kaltim):
    BusinessGroupFactory.create_batch(7)
    groups = BusinessGroup.objects.order_by("pk")

    class Small(CappedPaginator):
        max_pages = 3

    within = Small(groups, per_page=3)  # 7 rows, 3 pages of 3: under the cap of 9
    assert (within.count, within.num_pages, within.exact) == (7, 3, True)
    over = Small(groups, per_page=2)  # 7 rows, a cap of 6: estimated, three pages offered
    assert over.count == estimated_count(groups) >= 7
    assert (over.num_pages, over.exact) == (3, False)
    assert [g.pk for g in over.page(3).object_list] == [g.pk for g in groups[4:6]]


@pytest.mark.django_db
def test_a_page_past_the_last_shows_the_last(client, kaltim, province_staff, monkeypatch):
    BusinessGroupFactory.create_batch(4)
    monkeypatch.setattr(CappedPaginator, "max_pages", 2)
    client.force_login(province_staff)
    response = client.get(reverse("groups:group_list") + "?page=5000&per_page=1")
    assert response.status_code == 200
    page = response.context["table"].page
    assert page.number == page.paginator.num_pages <= 2


@pytest.mark.django_db
def test_admin_regency_filters_offer_only_the_province(client, kaltim, superuser):
    aceh = Province.objects.create(code="11", name="Aceh")
    Regency.objects.create(code="11.01", province=aceh, name="Kabupaten Luar")
    client.force_login(superuser)
    content = client.get(reverse("admin:groups_businessgroup_changelist")).content.decode()
    assert "Kabupaten Paser" in content
    assert "Kabupaten Luar" not in content
