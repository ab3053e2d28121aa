"""`manage.py seed_scale`: national-scale demo data written with set-based SQL
(demo/scale.py), on PostgreSQL only, never over real data, checked after it is written."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q, Sum

from accounts.models import User
from demo import scale
from grants.models import Grant, Tranche
from groups.models import BusinessGroup, Member
from groups.validators import nik_problems
from letters.models import Letter
from regions.models import Regency
from reports.models import ProgressReport
from tests.factories import GrantFactory, UserFactory

GROUPS = 60
MEMBERS = 5


def seed_scale(*args):
    out = io.StringIO()
    call_command(
        "seed_scale",
        "--groups",
        str(GROUPS),
        "--spread",
        "province",
        "--members-per-group",
        str(MEMBERS),
        *args,
        stdout=out,
    )
    return out.getvalue()


def fingerprint():
    """What the data say, without their ids (which the sequences move on between runs)."""
    return (
        list(
            Member.objects.order_by("nik").values_list(
                "nik", "kk_number", "sex", "birth_date", "role", "decile", "active", "group__name"
            )
        ),
        list(
            Grant.objects.order_by("group__name").values_list(
                "group__name", "amount", "status", "awarded_on", "transferred_on"
            )
        ),
        list(
            Tranche.objects.order_by("grant__group__name", "sequence").values_list(
                "grant__group__name", "sequence", "amount", "status", "request_token"
            )
        ),
        list(
            ProgressReport.objects.order_by("group__name", "year", "term").values_list(
                "group__name", "year", "term", "status", "revenue", "condition"
            )
        ),
        list(Letter.objects.order_by("kind", "year", "sequence").values_list("number", "subject")),
    )


def test_writes_valid_members_grants_and_reports_and_says_how_fast(postgres, kaltim):
    output = seed_scale("--seed", "3")

    assert "rows/s" in output and "Checks passed" in output
    assert re.search(rf"groups_member +{GROUPS * MEMBERS}\n", output)
    groups = BusinessGroup.objects.all()
    assert groups.count() == GROUPS
    assert set(groups.values_list("regency__province_id", flat=True)) == {"64"}
    assert groups.values("regency").distinct().count() == Regency.objects.in_province().count()

    members = Member.objects.all()
    assert members.count() == GROUPS * MEMBERS
    regencies = set(Regency.objects.values_list("code", flat=True))
    for nik, kk, group_regency in members.values_list("nik", "kk_number", "group__regency_id"):
        assert nik_problems(nik, regency_known=regencies.__contains__) == [], nik
        assert f"{nik[:2]}.{nik[2:4]}" == group_regency
        assert len(kk) == 16 and kk.isdigit()
    assert members.values("kk_number").distinct().count() == members.count()
    assert members.values("nik").distinct().count() == members.count()  # one group per NIK
    # one active group per NIK; the members of rejected and inactive groups have left
    assert not members.filter(active=True).values("nik").annotate(n=Count("id")).filter(n__gt=1)
    left = members.filter(group__status__in=["rejected", "inactive"])
    assert not left.filter(active=True).exists()
    # every group that still has its members has one chair
    assert not (
        groups.exclude(status__in=["rejected", "inactive"])
        .annotate(chairs=Count("members", filter=Q(members__role="ketua", members__active=True)))
        .exclude(chairs=1)
        .exists()
    )

    grants = Grant.objects.annotate(
        held=Sum(
            "tranches__amount",
            filter=Q(tranches__status__in=["requested", "approved", "withdrawn"]),
        )
    )
    assert grants.count() > GROUPS * 0.8
    assert Tranche.objects.count() > grants.count() * 2
    for grant in grants:
        assert (grant.held or 0) <= grant.amount
        assert (grant.held or 0) == grant.committed_amount
    reports = ProgressReport.objects.all()
    assert reports.exists()
    assert not reports.values("group", "year", "term").annotate(n=Count("id")).filter(n__gt=1)
    assert Letter.objects.filter(kind="tranche_letter").exists()


def test_the_same_seed_writes_the_same_data_and_another_seed_other_data(postgres, kaltim):
    seed_scale("--seed", "7")
    first = fingerprint()
    seed_scale("--seed", "7")  # replaces the earlier build
    assert BusinessGroup.objects.count() == GROUPS
    assert fingerprint() == first
    seed_scale("--seed", "8")
    other = fingerprint()
    assert other[0] != first[0] and other[1] != first[1]


def test_refused_on_a_database_with_real_data(kaltim):
    UserFactory(username="kadis", email="kadis@dinsos.kaltimprov.go.id")
    with pytest.raises(CommandError, match=r"seed_scale refused: .*not made by the demo: kadis"):
        seed_scale()
    assert not BusinessGroup.objects.exists()
    assert list(User.objects.values_list("username", flat=True)) == ["kadis"]


def test_refused_with_production_settings(kaltim, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="never written with"):
        seed_scale()
    assert not BusinessGroup.objects.exists()


def test_refused_on_another_database_than_postgresql(kaltim, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")  # what it is on SQLite already
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        seed_scale()
    assert not BusinessGroup.objects.exists()


def test_fails_when_a_check_fails(postgres, kaltim, monkeypatch):
    monkeypatch.setattr(scale, "summary_figures", dict)  # summaries that lost every row
    with pytest.raises(CommandError, match="inconsistent: the grant summaries"):
        seed_scale()


def test_an_impossible_size_is_refused(postgres, kaltim):
    with pytest.raises(CommandError, match="--members-per-group"):
        seed_scale("--members-per-group", "2")
    assert not BusinessGroup.objects.exists()


def test_the_foreign_keys_checked_set_based_find_orphans(postgres, kaltim):
    """The build turns the row-by-row checks off and asks each key once; a row referring
    to nothing (here a grant whose regency is not its group's: a key of two columns) is
    found, and the rows of the other keys pass."""
    grant = GrantFactory()
    other = Regency.objects.in_province().exclude(pk=grant.group.regency_id).first()
    with connection.cursor() as cursor:
        keys = scale.skip_row_checks(cursor, ["grants_grant"])
        assert {key.name for key in keys} >= {"grant_regency_is_group_regency"}
        scale.check_foreign_keys(cursor, keys)  # nothing wrong yet, the checks back on
        keys = scale.skip_row_checks(cursor, ["grants_grant"])
        cursor.execute("UPDATE grants_grant SET regency_id = %s", [other.pk])
        with pytest.raises(
            scale.Inconsistent,
            match=r"1 rows of grants_grant refer to no groups_businessgroup "
            r"\(grant_regency_is_group_regency\)",
        ):
            scale.check_foreign_keys(cursor, keys)
