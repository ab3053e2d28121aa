"""`manage.py seed_demo`: the Kaltim story of 175 funded business groups, 35 in Paser.

Seeding takes a few seconds, so the story is checked from one run and the rerun in a
second test; no other test here seeds.
"""

import io
import logging
from collections import Counter

import pytest
from django.core.management import call_command

from audit.events import Event
from audit.models import AuditEntry
from core.indonesia import check_nik
from groups.models import BusinessGroup, GroupStatus, Member, MemberRole, RegistrationCounter
from groups.rules import nik_warnings, verification_problems

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything a rerun must leave as it was."""
    return {
        "groups": sorted(
            BusinessGroup.objects.values_list("registration_number", "regency_id", "name", "status")
        ),
        "members": Member.objects.count(),
        "active_members": Member.objects.filter(active=True).count(),
        "group_history": BusinessGroup.history.count(),
        "member_history": Member.history.count(),
        "counters": sorted(RegistrationCounter.objects.values_list("regency_id", "last_number")),
    }


def test_seed_demo_tells_the_kaltim_story():
    output = seed_demo()

    groups = list(BusinessGroup.objects.select_related("created_by", "status_changed_by"))
    assert len(groups) == 175
    per_regency = Counter(g.regency_id for g in groups)
    assert per_regency["64.01"] == 35
    assert set(per_regency) == {
        "64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72", "64.74"
    }  # fmt: skip
    for regency in per_regency:
        names = [g.name for g in groups if g.regency_id == regency]
        assert len(names) == len(set(names)), f"duplicate group names in {regency}"

    # A realistic spread of statuses, moved through the services.
    statuses = Counter(g.status for g in groups)
    assert statuses[GroupStatus.ELIGIBLE] >= 140
    assert statuses[GroupStatus.VERIFIED] >= 5
    assert statuses[GroupStatus.PROPOSED] >= 5
    assert 2 <= statuses[GroupStatus.REJECTED] <= 3
    assert 1 <= statuses[GroupStatus.INACTIVE] <= 2
    for group in groups:
        assert group.registration_number.startswith(f"{group.regency_id}-")
        assert group.district_id.startswith(f"{group.regency_id}.")
        assert group.village.district_id == group.district_id
        assert group.account_holder == group.name
        if group.status in (GroupStatus.REJECTED, GroupStatus.INACTIVE):
            assert group.status_reason
        if group.status != GroupStatus.PROPOSED:
            assert group.status_changed_by.username == "staf.provinsi"
    # Queues: Paser's officer registered Paser's groups and has proposed ones waiting.
    paser = [g for g in groups if g.regency_id == "64.01"]
    assert {g.created_by.username for g in paser} == {"petugas.paser"}
    assert sum(g.status == GroupStatus.PROPOSED for g in paser) >= 3
    eligible = next(g for g in groups if g.status == GroupStatus.ELIGIBLE)
    assert eligible.history.count() == 3  # registered, verified, declared eligible

    # Members: 5 to 20 per group, one ketua, NIKs that encode the group's district.
    members = list(Member.objects.select_related("group"))
    by_group = Counter(m.group_id for m in members)
    assert all(5 <= count <= 20 for count in by_group.values()) and len(by_group) == 175
    active = Counter(m.group_id for m in members if m.active)
    chairs = Counter(m.group_id for m in members if m.role == MemberRole.CHAIR)
    assert all(chairs[g.pk] == 1 for g in groups)
    for group in groups:
        if group.status in (GroupStatus.REJECTED, GroupStatus.INACTIVE):
            assert active[group.pk] == 0  # the services freed the members
        else:
            assert 5 <= active[group.pk] <= 20
    assert len({m.nik for m in members}) == len(members)
    for member in members:
        assert check_nik(member.nik).valid, member.nik
        assert nik_warnings(member, regency_code=member.group.regency_id) == [], member.nik
        assert member.nik.startswith(member.group.district_id.replace(".", ""))
        assert len(member.kk_number) == 16 and member.kk_number.isdigit()
        assert 1960 <= member.birth_date.year <= 2000
        assert 1 <= member.decile <= 10
    assert {m.sex for m in members} == {"L", "P"}
    assert sum(m.decile <= 4 for m in members) > 0.8 * len(members)

    # Two proposed Paser groups cannot be verified: the register says otherwise.
    problems = [
        problem
        for group in BusinessGroup.objects.filter(regency_id="64.01", status="proposed")
        for problem in verification_problems(group)
    ]
    assert any("di atas desil DTSEN 4 (tertinggi: 7)" in p for p in problems), problems
    assert any("dari 1 rumah tangga (No. KK)" in p for p in problems), problems

    # The summary comes before the logins, which stay last.
    assert "Demo business groups: 175 (175 created, 0 already present)" in output
    assert output.index("Demo business groups") < output.index("Demo users")
    assert output.rstrip().splitlines()[-1].split()[0] == "petugas.berau"


def test_seed_demo_says_what_it_is_doing_before_each_step(caplog):
    """A first run takes a minute or more on a small machine: each step is announced before
    it runs, so the terminal never sits silent, and the story's hundreds of decisions go to
    the access log without burying those lines."""
    caplog.set_level(logging.INFO)
    lines = seed_demo().splitlines()
    assert AuditEntry.objects.filter(event=Event.TRANCHE_APPROVED).exists()
    assert not [r for r in caplog.records if r.name == "audit"]
    steps = [line for line in lines if line.startswith("[")]
    assert steps[0] == "[1/7] business groups and members ..."
    assert steps[-1] == "[7/7] dashboard summaries ..."
    assert lines.index(steps[0]) < next(
        n for n, line in enumerate(lines) if line.startswith("Demo business groups:")
    )
    ready = next(n for n, line in enumerate(lines) if line.startswith("Demo ready in "))
    assert (
        lines.index(steps[-1])
        < ready
        < lines.index(next(line for line in lines if line.startswith("Demo users")))
    )


def test_seed_demo_runs_again_without_changing_anything():
    seed_demo()
    before = snapshot()

    output = seed_demo()

    assert snapshot() == before
    assert "Demo business groups: 175 (0 created, 175 already present)" in output
