"""The programme setting `transfer_needs_training`: a grant is recorded as transferred only
once at least one member of the group was present at a training (that had begun by the
transfer date). Off by default."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.errors import DomainError
from grants import services
from grants.models import GrantStatus
from tests.factories import TrainingSessionFactory
from tests.grants.money import eligible_group, open_program, ready_for_aid, record_transfer
from training import services as training_services

pytestmark = pytest.mark.django_db

TRANSFER_DAY = datetime.date(2026, 3, 2)
MESSAGE = "at least one member of the group must have attended a training"


@pytest.fixture(autouse=True)
def english():
    """The message is checked in English (its msgid), whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def program(kaltim):
    return open_program(transfer_needs_training=True)


@pytest.fixture
def grant(program, province_staff):
    grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    return ready_for_aid(grant, province_staff)


def transfer(grant, by, day=TRANSFER_DAY):
    return record_transfer(
        grant=grant, by=by, transferred_on=day, reference="SP2D-LS/0001/BPKAD/2026"
    )


def train(grant, by, *, present, day=datetime.date(2026, 2, 20)):
    """A session on `day` with the group invited; its chair's attendance as given."""
    session = TrainingSessionFactory(
        program=grant.program, start_date=day, end_date=day, groups=[grant.group]
    )
    chair = grant.group.members.get(role="ketua")
    training_services.attendance_record(session=session, marks={chair.pk: present}, by=by)
    return session


def test_an_untrained_group_is_refused_with_a_clear_message(grant, province_staff):
    with pytest.raises(DomainError, match=MESSAGE):
        transfer(grant, province_staff)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.AWARDED and grant.transferred_on is None


def test_invited_but_absent_is_not_trained(grant, province_staff):
    train(grant, province_staff, present=False)
    with pytest.raises(DomainError, match=MESSAGE):
        transfer(grant, province_staff)


def test_one_member_present_is_enough(grant, province_staff):
    train(grant, province_staff, present=True)
    grant = transfer(grant, province_staff)
    assert grant.status == GrantStatus.TRANSFERRED


def test_a_training_after_the_transfer_date_does_not_count(grant, province_staff):
    train(grant, province_staff, present=True, day=datetime.date(2026, 3, 10))
    with pytest.raises(DomainError, match=MESSAGE):
        transfer(grant, province_staff)
    assert transfer(grant, province_staff, day=datetime.date(2026, 3, 10)).transferred_on


def test_another_groups_training_does_not_count(grant, program, province_staff):
    other = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    train(other, province_staff, present=True)
    with pytest.raises(DomainError, match=MESSAGE):
        transfer(grant, province_staff)


def test_off_by_default(kaltim, province_staff):
    program = open_program()
    assert program.transfer_needs_training is False
    grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    assert transfer(grant, province_staff).status == GrantStatus.TRANSFERRED


def test_the_transfer_page_shows_the_refusal(client, grant, province_staff):
    client.force_login(province_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("grants:grant_transfer", args=[grant.pk]),
        {"transferred_on": "2026-03-02", "reference": "SP2D-1"},
        follow=True,
    )
    errors = [str(m) for m in response.context["messages"]]
    assert len(errors) == 1 and MESSAGE in errors[0]
    grant.refresh_from_db()
    assert grant.status == GrantStatus.AWARDED
