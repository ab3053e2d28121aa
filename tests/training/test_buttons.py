"""Every training and mentoring action is offered on its page exactly when the service would
accept it, for every role (tests/contract.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.contract import assert_contract
from tests.factories import (
    MentoringVisitFactory,
    ProgramFactory,
    TrainingSessionFactory,
    group_with_members,
)
from tests.grants.test_buttons import contract
from training import rules, services


@pytest.fixture
def sessions(kaltim):
    program = ProgramFactory()
    group = group_with_members(5, status="eligible")
    today = timezone.localdate()
    return {
        "Paser, begun": TrainingSessionFactory(program=program, groups=[group]),
        "Paser, next week": TrainingSessionFactory(
            program=program,
            start_date=today + datetime.timedelta(days=7),
            groups=[group],
        ),
        "province-wide, begun": TrainingSessionFactory(
            program=program, regency_id=None, groups=[group]
        ),
    }


def test_attendance(client, everyone, sessions):
    def record(session, user):
        marks = dict.fromkeys(services.sheet_members(session).values_list("pk", flat=True), True)
        return services.attendance_record(session=session, marks=marks, by=user)

    accepted = contract(
        client, everyone, sessions, url_name="training:attendance_record", attempt=record
    )
    assert accepted == {
        ("province_staff", "Paser, begun"),
        ("province_staff", "province-wide, begun"),
        ("paser_officer", "Paser, begun"),
    }


def test_session_edit(client, everyone, sessions):
    def edit(session, user):
        session.title = "Pelatihan (diubah)"
        return services.session_update(session=session, by=user)

    accepted = contract(
        client, everyone, sessions, url_name="training:session_update", attempt=edit
    )
    expected_sessions = set(sessions)
    assert accepted == {("province_staff", label) for label in expected_sessions} | {
        ("paser_officer", "Paser, begun"),
        ("paser_officer", "Paser, next week"),
    }


def test_log_a_visit_from_the_group_page(client, everyone, kaltim):
    group = group_with_members(5, status="eligible")
    accepted = set()
    for persona, user in everyone.items():
        if assert_contract(
            client,
            user,
            page_url=group.get_absolute_url(),
            action_url=reverse("training:visit_create", args=[group.pk]),
            attempt=lambda user=user: services.visit_log(
                group=group,
                by=user,
                visited_on=timezone.localdate(),
                kind="visit",
                findings="Usaha berjalan.",
            ),
        ):
            accepted.add(persona)
    assert accepted == {"paser_officer"}


@pytest.mark.parametrize("url_name", ["training:visit_update", "training:visit_photos_add"])
def test_visit_corrections(client, everyone, kaltim, url_name):
    visits = {"Paser visit": MentoringVisitFactory()}

    def correct(visit, user):
        visit.findings = "Usaha berjalan; kas tercatat."
        return services.visit_update(visit=visit, by=user)

    accepted = contract(client, everyone, visits, url_name=url_name, attempt=correct)
    assert accepted == {("paser_officer", "Paser visit")}


def test_the_sessions_to_record_are_those_the_rule_allows(everyone, sessions):
    for user in everyone.values():
        for session in sessions.values():
            assert bool(rules.session_manage(session=session, user=user)) == (
                rules.sessions_managed_by(user).filter(pk=session.pk).exists()
            )
