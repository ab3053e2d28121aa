"""The timeline on the group's page: trainings attended, grants, tranches, mentoring visits
and progress reports, oldest first, in a fixed number of queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from reports.models import ProgressReport
from tests.factories import (
    GrantFactory,
    MentoringVisitFactory,
    ProgramFactory,
    TrainingSessionFactory,
    TrancheFactory,
    UserFactory,
    group_with_members,
)
from tests.training.pages import page_timeline
from training import services

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=WITA)


def report(grant, officer, reviewer, *, year, term, status="accepted"):
    submitted = at(datetime.date(year, 4 * term, 20))
    return ProgressReport.objects.create(
        group=grant.group,
        grant=grant,
        year=year,
        term=term,
        revenue=12_000_000,
        costs=8_000_000,
        profit=4_000_000,
        capital_used=10_000_000,
        asset_value=9_000_000,
        cash_balance=3_000_000,
        active_members=5,
        condition="stabil",
        status=status,
        created_by=officer,
        submitted_by=officer,
        submitted_at=submitted,
        reviewed_by=reviewer if status == "accepted" else None,
        reviewed_at=submitted + datetime.timedelta(days=3) if status == "accepted" else None,
    )


def story(group, *, events, staff, officer, reviewer):
    """`events` of each kind for the group: trainings attended, tranches (approved and
    withdrawn), visits and accepted reports, around one transferred grant."""
    program = ProgramFactory()
    grant = GrantFactory(
        program=program,
        group=group,
        status="active",
        awarded_on=datetime.date(2026, 1, 12),
        transferred_on=datetime.date(2026, 2, 10),
        transfer_reference="SP2D-LS/0001",
    )
    chair = group.members.get(role="ketua")
    for n in range(events):
        day = datetime.date(2026, 1, 5) + datetime.timedelta(days=n)
        session = TrainingSessionFactory(
            program=program, title=f"Pelatihan {n + 1}", start_date=day, groups=[group]
        )
        services.attendance_record(session=session, marks={chair.pk: True}, by=staff)
        TrancheFactory(
            grant=grant,
            sequence=n + 1,
            amount=100_000,
            status="withdrawn",
            requested_by=officer,
            requested_at=at(datetime.date(2026, 3, 1) + datetime.timedelta(days=n)),
            decided_by=reviewer,
            decided_at=at(datetime.date(2026, 3, 2) + datetime.timedelta(days=n)),
            withdrawn_on=datetime.date(2026, 3, 3) + datetime.timedelta(days=n),
        )
        MentoringVisitFactory(
            group=group,
            officer=officer,
            visited_on=datetime.date(2026, 4, 1) + datetime.timedelta(days=n),
        )
        report(grant, officer, reviewer, year=2020 + n // 3, term=n % 3 + 1)
    return grant


def test_the_timeline_tells_the_groups_story_oldest_first(
    client, kaltim, province_staff, paser_officer, approver
):
    group = group_with_members(5, name="KUBE Mekar Sari", status="eligible")
    reviewer = UserFactory(username="kepala", role="regency_head", regency_id="64.01")
    grant = story(group, events=1, staff=province_staff, officer=paser_officer, reviewer=reviewer)
    client.force_login(paser_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("groups:group_detail", args=[group.pk]))
    labels = [(event.kind, event.label) for event in page_timeline(response)]
    assert labels == [
        ("report", "Progress report for catur wulan I 2020 submitted"),
        ("report", "Progress report for catur wulan I 2020 accepted"),
        ("training", "Training: Pelatihan 1"),
        ("grant", "Grant awarded"),
        ("grant", "Grant transferred to the group's account"),
        ("tranche", "Tranche 1 requested"),
        ("tranche", "Tranche 1 approved"),
        ("tranche", "Tranche 1 withdrawn"),
        ("visit", "Field visit"),
    ]
    content = response.content.decode()
    assert 'id="timeline"' in content
    assert grant.get_absolute_url() in content
    assert "1 member(s) present · Gedung Perempuan Berjaya, Paser" in content


def test_absent_members_do_not_make_a_training_attended(client, kaltim, province_staff):
    group = group_with_members(5, status="eligible")
    session = TrainingSessionFactory(program=ProgramFactory(), groups=[group])
    marks = {m.pk: False for m in group.members.all()}
    services.attendance_record(session=session, marks=marks, by=province_staff)
    client.force_login(province_staff)
    response = client.get(reverse("groups:group_detail", args=[group.pk]))
    assert page_timeline(response) == []


@pytest.mark.parametrize("events", [1, 12])
def test_group_timeline_queries_do_not_grow_with_events(
    client, kaltim, province_staff, paser_officer, events, django_assert_num_queries
):
    group = group_with_members(5, status="eligible")
    reviewer = UserFactory(username="kepala", role="regency_head", regency_id="64.01")
    story(group, events=events, staff=province_staff, officer=paser_officer, reviewer=reviewer)
    client.force_login(province_staff)
    # session, user, the group, its members, group history, member history, the timeline
    # (trainings attended with their count of members present; grants with programme and
    # awarded by; tranches with requested and decided by; visits with officer and photo
    # count; reports with submitted and reviewed by), documents, the open programmes' quotas
    # of its regency (the award buttons), and the idle-timeout session refresh (savepoint,
    # update, release); an eligible group has no verification check
    with django_assert_num_queries(16):
        response = client.get(reverse("groups:group_detail", args=[group.pk]))
    assert (
        len(page_timeline(response)) == 2 + 7 * events
    )  # the award and the transfer, and seven per round
