"""A grant's regency is its group's: filled in when the grant is saved, kept equal by the
database (PostgreSQL: a foreign key on (group, regency); SQLite: triggers), and what the
grant lists filter and scope by."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from grants.models import Grant
from groups.models import BusinessGroup
from tests.factories import GrantFactory, first_village
from tests.grants.money import open_program, transferred_grant

pytestmark = pytest.mark.django_db


def test_an_awarded_grant_is_in_its_groups_regency(kaltim, province_staff):
    grant = transferred_grant(open_program(), province_staff, regency="64.03")
    grant.refresh_from_db()
    assert grant.regency_id == "64.03" == grant.group.regency_id


def test_a_grant_in_another_regency_than_its_group_is_refused(kaltim):
    grant = GrantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=grant.pk).update(regency_id="64.03")
        connection.check_constraints()  # PostgreSQL checks the foreign key at commit
    grant.refresh_from_db()
    assert grant.regency_id == "64.01"


def test_a_grant_follows_its_group_to_another_regency(kaltim):
    """Only a group whose grants are all cancelled may move (the grants app's rule); the
    cancelled grant then counts where its group is, as before it had a regency of its own."""
    grant = GrantFactory(status="cancelled", status_reason="Dibatalkan")
    BusinessGroup.objects.filter(pk=grant.group_id).update(
        regency_id="64.03", district_id="64.03.01", village_id=first_village("64.03.01")
    )
    connection.check_constraints()
    grant.refresh_from_db()
    assert grant.regency_id == "64.03"


def test_the_database_keeps_the_regency_equal(kaltim):
    """A migration that rebuilds the grants or groups table on SQLite drops the triggers:
    this names what must be there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'grants_grant'::regclass"
            )
            assert "grant_regency_is_group_regency" in {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert {
                "grant_regency_insert",
                "grant_regency_update",
                "grant_regency_follows_group",
            } <= {row[0] for row in cursor.fetchall()}


def test_the_list_filters_by_the_grants_regency(client, kaltim, province_staff):
    program = open_program()
    paser = transferred_grant(program, province_staff, regency="64.01")
    kukar = transferred_grant(program, province_staff, regency="64.03")
    client.force_login(province_staff)
    response = client.get(reverse("grants:grant_list"), {"regency": "64.03"})
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    assert shown == {kukar.pk}
    assert paser.pk not in shown
