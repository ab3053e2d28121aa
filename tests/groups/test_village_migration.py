"""The migration that makes the village a choice keeps what groups had typed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [("groups", "0002_member_and_group_validators")]
AFTER = [("groups", "0003_group_village")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Back to every app's latest migration after the test, whatever it rolled back (the
    later migrations of groups and of the apps that depend on it: tables, columns and
    triggers the next tests need)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_groups_keep_their_village_or_the_text_they_had(kaltim, capsys, latest_schema_after):
    old = migrate(BEFORE)
    try:
        Group = old.get_model("groups", "BusinessGroup")
        History = old.get_model("groups", "HistoricalBusinessGroup")
        user = UserFactory(username="migrasi")  # accounts stays migrated
        typed = {
            "by code": ("Janju", "64.01.04.2002"),
            "by name": ("Kel. Tanah Grogot", ""),
            "close name": ("Tanah Grogott", ""),
            "nothing matches": ("Kampung Entah", "64.03.01.9999"),
            "code and name disagree": ("Janju", "64.01.04.2003"),
        }
        for number, (case, (name, code)) in enumerate(typed.items(), start=1):
            Group.objects.create(
                registration_number=f"64.01-2025-{number:04d}",
                name=case,
                sector="food",
                regency_id="64.01",
                district_id="64.01.04",
                village_name=name,
                village_code=code,
                address="Jl. Mawar No. 1",
                date_formed=datetime.date(2024, 1, 1),
                created_by_id=user.pk,
            )
        History.objects.create(
            id=1,
            registration_number="64.01-2025-0001",
            name="by code",
            sector="food",
            regency_id="64.01",
            district_id="64.01.04",
            village_name="Desa Janju",
            village_code="",
            address="Jl. Mawar No. 1",
            date_formed=datetime.date(2024, 1, 1),
            status="proposed",
            created_by_id=user.pk,
            created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            history_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            history_type="+",
        )
    finally:
        new = migrate(AFTER)

    Group = new.get_model("groups", "BusinessGroup")
    found = {g.name: (g.village_id, g.address) for g in Group.objects.all()}
    plain = "Jl. Mawar No. 1"
    assert found["by code"] == ("64.01.04.2002", plain)
    assert found["by name"] == ("64.01.04.1001", plain)
    village, address = found["close name"]
    assert village == "64.01.04.1001" and "Tanah Grogott" in address and "mohon periksa" in address
    village, address = found["nothing matches"]
    assert village == "64.01.04.1001"  # the district's first village, to be checked
    assert "Kampung Entah (kode 64.03.01.9999)" in address
    village, address = found["code and name disagree"]
    assert village == "64.01.04.2003" and "Janju (kode 64.01.04.2003)" in address
    assert new.get_model("groups", "HistoricalBusinessGroup").objects.get().village_id == (
        "64.01.04.2002"
    )
    printed = capsys.readouterr().out
    assert "3 group(s)" in printed and "64.01-2025-0004" in printed
