"""Groups per regency and status (GroupCount), kept by triggers on the groups table: every
way of writing groups leaves the counts equal to a recount, on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from groups import services
from groups.models import BusinessGroup, GroupCount, GroupStatus, recount_groups
from tests.conftest import run_concurrently
from tests.factories import BusinessGroupFactory, first_village, group_with_members
from tests.groups.helpers import new_group, new_members, workbook_bytes
from tests.groups.test_import_checked import confirm, preview


def kept():
    return {
        (row.regency_id, row.status): row.groups for row in GroupCount.objects.exclude(groups=0)
    }


@pytest.mark.django_db
class TestKeptByEveryPath:
    def test_a_registration_counts_a_proposed_group(self, kaltim):
        BusinessGroupFactory(regency_id="64.01", district_id="64.01.01")
        BusinessGroupFactory(regency_id="64.01", district_id="64.01.02")
        BusinessGroupFactory(regency_id="64.03", district_id="64.03.01")
        assert kept() == {("64.01", "proposed"): 2, ("64.03", "proposed"): 1}
        assert GroupCount.drifted() == {}

    def test_the_status_services_move_the_count(self, kaltim, province_staff):
        group = group_with_members(5)
        services.group_verify(group=group, by=province_staff)
        assert kept() == {(group.regency_id, "verified"): 1}
        services.group_reject(group=group, by=province_staff, reason="Usaha tidak berjalan")
        assert kept() == {(group.regency_id, "rejected"): 1}
        assert GroupCount.drifted() == {}

    def test_bulk_writes_and_deletes_are_counted(self, kaltim):
        groups = [
            BusinessGroupFactory(regency_id="64.01", district_id="64.01.01") for _ in range(4)
        ]
        BusinessGroup.objects.filter(pk__in=[g.pk for g in groups[:3]]).update(
            status=GroupStatus.INACTIVE, status_reason="Bubar"
        )
        BusinessGroup.objects.filter(pk=groups[0].pk).delete()
        assert kept() == {("64.01", "inactive"): 2, ("64.01", "proposed"): 1}

    def test_a_group_moved_to_another_regency_is_counted_there(self, kaltim):
        group = BusinessGroupFactory(regency_id="64.01", district_id="64.01.01")
        BusinessGroup.objects.filter(pk=group.pk).update(
            regency_id="64.03", district_id="64.03.01", village_id=first_village("64.03.01")
        )
        assert kept() == {("64.03", "proposed"): 1}

    def test_an_import_confirmed_through_the_web_is_counted(self, client, kaltim, province_staff):
        client.force_login(province_staff)
        token = preview(
            client,
            workbook_bytes(
                [new_group("KUBE Satu"), new_group("KUBE Dua", account_number="0011000098")],
                new_members("KUBE Satu", 6) + new_members("KUBE Dua", 6, first_serial=50),
            ),
        )
        assert confirm(client, token).status_code == 302
        assert kept() == {("64.01", "proposed"): 2}

    def test_a_saved_name_does_not_touch_the_counts(self, kaltim):
        group = BusinessGroupFactory()
        group.name = "KUBE Baru"
        group.save(update_fields=["name"])
        assert kept() == {(group.regency_id, "proposed"): 1}

    def test_recount_rebuilds_what_drifted(self, kaltim):
        BusinessGroupFactory(regency_id="64.01", district_id="64.01.01")
        GroupCount.objects.update(groups=7)
        assert GroupCount.drifted() == {("64.01", "proposed"): (7, 1)}
        recount_groups()
        assert GroupCount.drifted() == {}
        assert kept() == {("64.01", "proposed"): 1}


@pytest.mark.django_db
def test_the_counting_triggers_exist(kaltim):
    """A migration that rebuilds the groups table on SQLite drops its triggers: this names
    the ones that must be there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'groups_businessgroup'::regclass"
                " AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'groups_businessgroup'"
            )
        names = {row[0] for row in cursor.fetchall()}
    assert {"groups_count_insert", "groups_count_delete", "groups_count_move"} <= names


@pytest.mark.django_db(transaction=True)
def test_groups_registered_and_moved_at_once_are_all_counted(postgres, kaltim, province_staff):
    """Eight groups of one regency created in parallel, then half of them verified in
    parallel: the counting rows are locked, not overwritten."""
    groups = run_concurrently(
        lambda i: BusinessGroupFactory(
            regency_id="64.01", district_id="64.01.01", created_by=province_staff
        ),
        range(8),
    )
    assert all(isinstance(g, BusinessGroup) for g in groups), groups
    moved = run_concurrently(
        lambda g: BusinessGroup.objects.filter(pk=g.pk).update(status=GroupStatus.VERIFIED),
        groups[:4],
    )
    assert moved == [1, 1, 1, 1]
    assert kept() == {("64.01", "proposed"): 4, ("64.01", "verified"): 4}
