"""The button ⇔ service harness itself: it reports a disagreement either way."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from tests.factories import group_with_members
from tests.rules_harness import Case, mismatches


def refuse():
    raise DomainError("Ditolak")


@pytest.mark.django_db
def test_a_button_for_a_refused_action_and_a_missing_button_are_reported(
    client, province_staff, approver, kaltim
):
    group = group_with_members(5)
    verify = reverse("groups:group_verify", args=[group.pk])
    cases = [
        Case("shown, refused", province_staff, group.get_absolute_url(), verify, refuse),
        Case("hidden, accepted", approver, group.get_absolute_url(), verify, lambda: None),
    ]
    assert mismatches(client, cases) == [
        "shown, refused: button shown, service refused (Ditolak)",
        "hidden, accepted: button hidden, service accepted",
    ]


@pytest.mark.django_db
def test_a_matrix_with_one_outcome_proves_nothing(client, approver, kaltim):
    group = group_with_members(5)
    verify = reverse("groups:group_verify", args=[group.pk])
    cases = [Case("hidden, refused", approver, group.get_absolute_url(), verify, refuse)]
    assert mismatches(client, cases) == [
        "every case had the same outcome: the matrix proves nothing"
    ]
    assert mismatches(client, cases, both_outcomes=False) == []
