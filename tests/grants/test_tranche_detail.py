"""The tranche page (grants:tranche_detail): the queue opens a request where it can be
decided, beside the grant's figures and its earlier tranches."""

import pytest
from django.urls import reverse

from grants import services
from grants.models import TrancheStatus
from tests.contract import assert_contract
from tests.grants.money import open_program, transferred_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def tranches(kaltim, province_staff, paser_officer, approver):
    """A Paser grant with an approved first tranche and a second waiting for a decision."""
    grant = transferred_grant(open_program(), province_staff)
    first = services.tranche_approve(
        tranche=services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Bahan baku", by=paser_officer
        ),
        by=approver,
    )
    waiting = services.tranche_request(
        grant=grant, amount=3_000_000, purpose="Etalase kaca", by=paser_officer
    )
    return first, waiting


def url(tranche):
    return reverse("grants:tranche_detail", args=[tranche.pk])


def test_anonymous_goes_to_the_login(client, tranches):
    response = client.get(url(tranches[1]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_regency_gets_404(client, tranches, berau_officer):
    client.force_login(berau_officer)
    assert client.get(url(tranches[1])).status_code == 404


def test_the_queue_opens_the_request(client, tranches, approver):
    client.force_login(approver)
    content = client.get(reverse("grants:tranche_queue")).content.decode()
    assert f'href="{url(tranches[1])}"' in content


def test_the_approver_decides_beside_the_grants_figures(client, tranches, approver):
    first, waiting = tranches
    client.force_login(approver)
    response = client.get(url(waiting))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Etalase kaca" in content and "Rp3.000.000" in content
    # the grant: 20 = 0 withdrawn + 8 requested or approved + 12 left to request
    assert response.context["parts"] == [
        ("Sudah dicairkan", 0),
        ("Diajukan, belum dicairkan", 8_000_000),
        ("Sisa yang dapat diajukan", 12_000_000),
    ]
    assert [t.pk for t in response.context["earlier"]] == [first.pk]
    assert f'action="{reverse("grants:tranche_approve", args=[waiting.pk])}"' in content
    assert f'action="{reverse("grants:tranche_reject", args=[waiting.pk])}"' in content
    # a decision from the page comes back to it
    response = client.post(
        reverse("grants:tranche_approve", args=[waiting.pk]), {"next": url(waiting), "note": ""}
    )
    assert response["Location"] == url(waiting)
    waiting.refresh_from_db()
    assert waiting.status == TrancheStatus.APPROVED
    content = client.get(url(waiting)).content.decode()
    assert "Surat persetujuan (PDF)" in content
    assert 'id="decide"' not in content


def test_a_rejection_without_reason_changes_nothing_and_says_why(client, tranches, approver):
    waiting = tranches[1]
    client.force_login(approver)
    response = client.post(
        reverse("grants:tranche_reject", args=[waiting.pk]),
        {"next": url(waiting), "reason": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url(waiting)
    assert "Alasan:" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == TrancheStatus.REQUESTED


def test_the_requester_may_cancel_but_not_decide(client, tranches, paser_officer):
    waiting = tranches[1]
    client.force_login(paser_officer)
    content = client.get(url(waiting)).content.decode()
    assert 'id="decide"' not in content
    assert f'action="{reverse("grants:tranche_cancel", args=[waiting.pk])}"' in content


def test_approve_button_shown_exactly_when_the_service_accepts(client, tranches, everyone):
    waiting = tranches[1]
    accepted = set()
    for persona, user in everyone.items():
        if assert_contract(
            client,
            user,
            page_url=url(waiting),
            action_url=reverse("grants:tranche_approve", args=[waiting.pk]),
            attempt=lambda user=user: services.tranche_approve(tranche=waiting, by=user),
        ):
            accepted.add(persona)
    assert accepted == {"approver"}


def test_reject_button_shown_exactly_when_the_service_accepts(client, tranches, everyone):
    waiting = tranches[1]
    accepted = set()
    for persona, user in everyone.items():
        if assert_contract(
            client,
            user,
            page_url=url(waiting),
            action_url=reverse("grants:tranche_reject", args=[waiting.pk]),
            attempt=lambda user=user: services.tranche_reject(
                tranche=waiting, by=user, reason="Nota belum lengkap"
            ),
        ):
            accepted.add(persona)
    assert accepted == {"approver"}


def test_the_page_runs_a_fixed_number_of_queries(
    client, tranches, approver, django_assert_num_queries
):
    client.force_login(approver)
    # session, user, the tranche with its grant, group, regency, programme and people, the
    # grant's tranches, and the session saved (savepoint, update, release)
    with django_assert_num_queries(7):
        client.get(url(tranches[1]))
