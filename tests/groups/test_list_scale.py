"""The group list's search and deep pages: what they find, and on PostgreSQL that the
queries they run are the ones the indexes serve (flat in data size)."""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from groups import selectors
from groups.filters import GroupFilter
from tests.factories import BusinessGroupFactory, MemberFactory, group_with_members

LIST = reverse("groups:group_list")


def shown_names(response) -> list[str]:
    return re.findall(r">(KUBE [^<]+)</a>", response.content.decode())


@pytest.mark.django_db
class TestSearch:
    def test_a_nik_finds_its_active_members_group_only(self, client, province_staff, kaltim):
        holder = group_with_members(5, name="KUBE Pemilik")
        BusinessGroupFactory(name="KUBE Lain")
        nik = holder.members.first().nik
        client.force_login(province_staff)
        assert shown_names(client.get(LIST, {"q": nik})) == ["KUBE Pemilik"]
        spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
        assert shown_names(client.get(LIST, {"q": spaced})) == ["KUBE Pemilik"]

    def test_a_former_members_nik_finds_nothing(self, client, province_staff, kaltim):
        group = group_with_members(5, name="KUBE Pernah")
        member = group.members.first()
        member.active = False
        member.save()
        client.force_login(province_staff)
        assert shown_names(client.get(LIST, {"q": member.nik})) == []

    def test_part_of_a_name_or_registration_number_in_any_case(
        self, client, province_staff, kaltim
    ):
        BusinessGroupFactory(name="KUBE Mekar Sari", registration_number="64.01-2026-0777")
        BusinessGroupFactory(name="KUBE Tunas Harapan", registration_number="64.01-2026-0888")
        client.force_login(province_staff)
        assert shown_names(client.get(LIST, {"q": "mekar"})) == ["KUBE Mekar Sari"]
        assert shown_names(client.get(LIST, {"q": "2026-08"})) == ["KUBE Tunas Harapan"]
        assert shown_names(client.get(LIST, {"q": "Tidak Ada"})) == []


@pytest.mark.django_db
class TestDeepPages:
    def test_member_counts_on_a_later_page_and_sorted_by_count(
        self, client, province_staff, kaltim
    ):
        for n in range(30):
            group = BusinessGroupFactory(name=f"KUBE {n:02d}")
            MemberFactory.create_batch(1 + n % 4, group=group)
        client.force_login(province_staff)
        page = client.get(LIST, {"sort": "name", "page": 2}).content.decode()
        rows = re.findall(r">(KUBE \d\d)</a>.*?<td class=\"text-end\"[^>]*>(\d+)</td>", page, re.S)
        assert rows == [(f"KUBE {n:02d}", str(1 + n % 4)) for n in range(25, 30)]
        by_count = client.get(LIST, {"sort": "-member_count"}).content.decode()
        counts = [int(c) for c in re.findall(r"<td class=\"text-end\"[^>]*>(\d+)</td>", by_count)]
        assert counts == sorted(counts, reverse=True) and counts[0] == 4 and len(counts) == 25


def _plan(queryset) -> dict:
    plan = queryset.explain(format="json", analyze=True)
    return json.loads(plan)[0]["Plan"] if isinstance(plan, str) else plan[0]["Plan"]


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.django_db
class TestPlansOnPostgres:
    """The indexes serve the queries the page runs. The test tables are small, so the
    planner is told to avoid sequential scans: a query no index can serve still gets one."""

    PLANS = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")

    @pytest.fixture(autouse=True)
    def no_seqscan(self, postgres):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            for setting in self.PLANS:
                cursor.execute(f"RESET {setting}")

    def search(self, user, value):
        queryset = selectors.group_list(user=user)
        return GroupFilter({"q": value}, queryset=queryset, user=user).qs

    def test_name_search_uses_the_trigram_indexes(self, province_staff, kaltim):
        BusinessGroupFactory.create_batch(3)
        BusinessGroupFactory(name="KUBE Mekar Sari")
        with connection.cursor() as cursor:  # left: a bitmap scan, which a GIN index serves
            cursor.execute("SET enable_indexscan = off")
            cursor.execute("SET enable_indexonlyscan = off")
        plan = _plan(self.search(province_staff, "mekar").order_by())
        indexes = {node.get("Index Name") for node in _nodes(plan)}
        assert {"group_name_trgm", "group_registration_number_trgm"} <= indexes
        assert not [n for n in _nodes(plan) if n["Node Type"] == "Seq Scan"]
        assert plan["Actual Rows"] == 1

    def test_nik_search_is_an_index_lookup(self, province_staff, kaltim):
        group = group_with_members(5)
        nik = group.members.first().nik
        plan = _plan(self.search(province_staff, nik))
        scans = [n for n in _nodes(plan) if "Scan" in n["Node Type"]]
        assert not [n for n in scans if n["Node Type"] == "Seq Scan"]
        member_scans = [n for n in scans if n.get("Relation Name") == "groups_member"]
        assert member_scans and all("nik" in n.get("Index Cond", "") for n in member_scans)

    def test_a_deep_page_counts_members_of_its_rows_only(self, province_staff, kaltim):
        for n in range(30):
            MemberFactory.create_batch(2, group=BusinessGroupFactory(name=f"KUBE {n:02d}"))
        rows = selectors.group_list_rows(selectors.group_list(user=province_staff))
        page = rows.data.order_by("name")
        rows.data = page
        plan = _plan(rows[25:30])
        subplans = [n for n in _nodes(plan) if n.get("Subplan Name", "").startswith("SubPlan")]
        counted = [n for n in subplans if "member" in json.dumps(n)]
        assert counted and all(n["Actual Loops"] == 5 for n in counted)
