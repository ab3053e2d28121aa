"""`manage.py seed_demo`, training part: the Paser training of 29 July 2026 with its
attendance, the Berau bimtek still to record, and visits across the regencies; a second run
changes nothing. Seeding takes several seconds, so one test seeds and reruns."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from groups.models import BusinessGroup, GroupStatus, Member
from training.models import (
    Attendance,
    MentoringVisit,
    TrainingInvitation,
    TrainingSession,
    VisitPhoto,
)

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "sessions": list(TrainingSession.objects.order_by("pk").values()),
        "invitations": TrainingInvitation.objects.count(),
        "attendance": list(Attendance.objects.order_by("pk").values()),
        "visits": list(MentoringVisit.objects.order_by("pk").values()),
        "photos": VisitPhoto.objects.count(),
        "history": [
            model.history.count()
            for model in (TrainingSession, TrainingInvitation, Attendance, MentoringVisit)
        ],
    }


def test_seed_demo_adds_the_paser_training_and_visits_once():
    output = seed_demo()

    paser = TrainingSession.objects.get(start_date=datetime.date(2026, 7, 29))
    assert paser.regency_id == "64.01"
    assert paser.venue == "Gedung Perempuan Berjaya, Paser"
    assert paser.created_by.username == "staf.provinsi"
    eligible = set(
        BusinessGroup.objects.filter(regency_id="64.01", status=GroupStatus.ELIGIBLE).values_list(
            "pk", flat=True
        )
    )
    assert set(paser.invited_groups.values_list("pk", flat=True)) == eligible
    sheet = list(Attendance.objects.filter(session=paser).select_related("member"))
    members = set(
        Member.objects.filter(group__in=paser.invited_groups.all(), active=True).values_list(
            "pk", flat=True
        )
    )
    assert {a.member_id for a in sheet} == members  # the whole sheet was recorded
    present = sum(a.present for a in sheet)
    assert 0.7 * len(sheet) < present < len(sheet)
    assert {timezone.localdate(a.created_at) for a in sheet} == {datetime.date(2026, 7, 29)}
    assert {a.recorded_by.username for a in sheet} == {"staf.provinsi"}

    berau = TrainingSession.objects.get(regency_id="64.03")
    assert berau.created_by.username == "petugas.berau"
    assert not berau.attendances.exists()  # still to record

    visits = list(MentoringVisit.objects.select_related("group", "officer"))
    per_regency = Counter(v.group.regency_id for v in visits)
    assert len(per_regency) == 10
    assert all(v.officer.regency_id == v.group.regency_id for v in visits)
    assert all(v.visited_on <= datetime.date(2026, 11, 24) for v in visits)
    assert {v.kind for v in visits} == {"visit", "phone", "meeting"}
    assert VisitPhoto.objects.exists()
    first_records = {r.id: r.history_date for r in MentoringVisit.history.filter(history_type="+")}
    assert all(timezone.localdate(first_records[v.pk]) == v.visited_on for v in visits)

    assert "Demo training sessions: 2 created" in output
    assert output.index("Demo grants") < output.index("Demo training") < output.index("Demo users")
    assert "not done" not in output

    before = snapshot()

    output = seed_demo()

    assert snapshot() == before
    assert "Demo training sessions: 0 created, 2 already present" in output
    assert f"Demo mentoring visits: {len(visits)} already present" in output
