"""Every grant, tranche and programme action is offered on its page exactly when the
service would accept it, for every role (tests/contract.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from grants import rules, services
from grants.models import Program, ProgramQuota
from tests.contract import assert_contract
from tests.grants.money import (
    RP20JT,
    eligible_group,
    open_program,
    ready_for_aid,
    transferred_grant,
)


def request(grant, officer, amount):
    return services.tranche_request(grant=grant, amount=amount, purpose="Bahan baku", by=officer)


def approve(tranche, approver):
    return services.tranche_approve(tranche=tranche, by=approver)


def withdraw(tranche, by):
    return services.tranche_mark_withdrawn(
        tranche=tranche, by=by, withdrawn_on=timezone.localdate(), reference="TRK"
    )


@pytest.fixture
def grants(kaltim, province_staff, paser_officer, approver):
    """Paser grants in every state that matters to an action."""
    program = open_program(max_tranches=3)
    awarded = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    ready_for_aid(awarded, province_staff)
    transferred = transferred_grant(program, province_staff)
    waiting = transferred_grant(program, province_staff)
    requested = request(waiting, paser_officer, 5_000_000)
    approved_grant = transferred_grant(program, province_staff)
    approved = approve(request(approved_grant, paser_officer, 5_000_000), approver)
    drawn = transferred_grant(program, province_staff)
    for amount in (10_000_000, 10_000_000):
        tranche = services.tranche_approve(
            tranche=request(drawn, paser_officer, amount), by=approver
        )
        withdraw(tranche, paser_officer)
    partly = transferred_grant(program, province_staff)
    withdraw(
        services.tranche_approve(tranche=request(partly, paser_officer, RP20JT // 2), by=approver),
        paser_officer,
    )
    cancelled = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    services.grant_cancel(grant=cancelled, by=province_staff, reason="Kelompok bubar")
    completed = transferred_grant(program, province_staff)
    for amount in (10_000_000, 10_000_000):
        tranche = services.tranche_approve(
            tranche=request(completed, paser_officer, amount), by=approver
        )
        withdraw(tranche, paser_officer)
    services.grant_complete(grant=completed, by=province_staff)
    return {
        "grants": {
            "awarded": awarded,
            "transferred": transferred,
            "with a waiting tranche": waiting,
            "with an approved tranche": approved_grant,
            "fully withdrawn": drawn,
            "partly withdrawn": partly,
            "cancelled": cancelled,
            "completed": completed,
        },
        "tranches": {"requested": requested, "approved": approved},
    }


def contract(client, everyone, objects, *, url_name, attempt, page=None) -> set:
    """Check the contract for every persona and object; the (persona, label) accepted."""
    accepted = set()
    for persona, user in everyone.items():
        for label, obj in objects.items():
            if assert_contract(
                client,
                user,
                page_url=page or obj.get_absolute_url(),
                action_url=reverse(url_name, args=[obj.pk]),
                attempt=lambda obj=obj, user=user: attempt(obj, user),
            ):
                accepted.add((persona, label))
    return accepted


def test_transfer(client, everyone, grants):
    accepted = contract(
        client,
        everyone,
        grants["grants"],
        url_name="grants:grant_transfer",
        attempt=lambda grant, user: services.grant_record_transfer(
            grant=grant, by=user, transferred_on=timezone.localdate(), reference="TRF-9"
        ),
    )
    assert accepted == {("province_staff", "awarded")}


def test_transfer_waiting_for_a_training(client, province_staff, kaltim):
    program = open_program(transfer_needs_training=True)
    grant = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    ready_for_aid(grant, province_staff)
    assert not assert_contract(
        client,
        province_staff,
        page_url=grant.get_absolute_url(),
        action_url=reverse("grants:grant_transfer", args=[grant.pk]),
        attempt=lambda: services.grant_record_transfer(
            grant=grant, by=province_staff, transferred_on=timezone.localdate(), reference="T"
        ),
    )


def test_cancel(client, everyone, grants):
    accepted = contract(
        client,
        everyone,
        grants["grants"],
        url_name="grants:grant_cancel",
        attempt=lambda grant, user: services.grant_cancel(grant=grant, by=user, reason="Salah"),
    )
    assert accepted == {("province_staff", "awarded"), ("province_staff", "transferred")}


def test_complete(client, everyone, grants):
    accepted = contract(
        client,
        everyone,
        grants["grants"],
        url_name="grants:grant_complete",
        attempt=lambda grant, user: services.grant_complete(grant=grant, by=user),
    )
    assert accepted == {("province_staff", "fully withdrawn")}


def test_tranche_request(client, everyone, grants):
    accepted = contract(
        client,
        everyone,
        grants["grants"],
        url_name="grants:tranche_request",
        attempt=lambda grant, user: request(grant, user, 1_000_000),
    )
    assert accepted == {
        ("paser_officer", "transferred"),
        ("paser_officer", "with an approved tranche"),
        ("paser_officer", "partly withdrawn"),
    }


def test_tranche_request_held_back_by_the_programme(client, paser_officer, grants, approver):
    """The third tranche of a programme that allows two is not offered."""
    grant = grants["grants"]["partly withdrawn"]
    Program.objects.filter(pk=grant.program_id).update(max_tranches=1)
    assert not assert_contract(
        client,
        paser_officer,
        page_url=grant.get_absolute_url(),
        action_url=reverse("grants:tranche_request", args=[grant.pk]),
        attempt=lambda: request(grant, paser_officer, 1_000_000),
    )


def _tranche_contract(client, everyone, grants, *, url_name, attempt, page=None):
    tranches = grants["tranches"]
    for tranche in tranches.values():
        tranche.get_absolute_url = tranche.grant.get_absolute_url  # the grant's page
    return contract(client, everyone, tranches, url_name=url_name, attempt=attempt, page=page)


def test_tranche_cancel(client, everyone, grants):
    accepted = _tranche_contract(
        client,
        everyone,
        grants,
        url_name="grants:tranche_cancel",
        attempt=lambda t, u: services.tranche_cancel(tranche=t, by=u),
    )
    assert accepted == {("paser_officer", "requested")}


def test_tranche_withdrawal(client, everyone, grants):
    accepted = _tranche_contract(
        client,
        everyone,
        grants,
        url_name="grants:tranche_withdrawn",
        attempt=lambda t, u: withdraw(t, u),
    )
    assert accepted == {("paser_officer", "approved"), ("province_staff", "approved")}


@pytest.mark.parametrize("url_name", ["grants:tranche_approve", "grants:tranche_reject"])
def test_tranche_decisions_from_the_queue(client, everyone, grants, url_name):
    def decide(tranche, user):
        if url_name.endswith("approve"):
            return services.tranche_approve(tranche=tranche, by=user)
        return services.tranche_reject(tranche=tranche, by=user, reason="Tidak sesuai")

    accepted = _tranche_contract(
        client,
        everyone,
        grants,
        url_name=url_name,
        attempt=decide,
        page=reverse("grants:tranche_queue"),
    )
    assert accepted == {("approver", "requested")}


def test_no_decision_on_ones_own_request(client, approver, grants):
    """Four eyes: a tranche the approver asked for (a user with both duties) is not theirs."""
    tranche = grants["tranches"]["requested"]
    type(tranche).objects.filter(pk=tranche.pk).update(requested_by=approver)
    tranche.refresh_from_db()
    assert not assert_contract(
        client,
        approver,
        page_url=reverse("grants:tranche_queue"),
        action_url=reverse("grants:tranche_approve", args=[tranche.pk]),
        attempt=lambda: services.tranche_approve(tranche=tranche, by=approver),
    )


@pytest.fixture
def programmes(kaltim):
    def programme(name, status, *, quota=True):
        program = Program.objects.create(
            name=name,
            fiscal_year=2026,
            total_budget=10 * RP20JT,
            default_amount=RP20JT,
            status=status,
        )
        if quota:
            ProgramQuota.objects.create(program=program, regency_id="64.01", group_count=5)
        return program

    return {
        "draft": programme("Draf", "draft"),
        "draft without quotas": programme("Draf kosong", "draft", quota=False),
        "open": programme("Terbuka", "open"),
        "closed": programme("Tertutup", "closed"),
    }


@pytest.mark.parametrize(
    ("url_name", "service", "expected"),
    [
        ("grants:program_open", services.program_open, {("province_staff", "draft")}),
        ("grants:program_close", services.program_close, {("province_staff", "open")}),
    ],
)
def test_programme_status(client, everyone, programmes, url_name, service, expected):
    accepted = contract(
        client,
        everyone,
        programmes,
        url_name=url_name,
        attempt=lambda program, user: service(program=program, by=user),
    )
    assert accepted == expected


def test_the_contract_catches_a_button_the_service_refuses(client, province_staff, grants):
    """The harness fails when a page and its service disagree."""
    grant = grants["grants"]["completed"]
    with pytest.raises(AssertionError, match="hidden, service accepts"):
        assert_contract(
            client,
            province_staff,
            page_url=grant.get_absolute_url(),
            action_url=reverse("grants:grant_transfer", args=[grant.pk]),
            attempt=lambda: None,  # a service that accepts anything
        )


def test_the_home_page_counts_what_the_rules_allow(everyone, grants):
    """The queryset forms beside the predicates ("Menunggu Anda") agree with them."""
    for obj in [*grants["tranches"].values(), *grants["grants"].values()]:
        obj.refresh_from_db()
    for user in everyone.values():
        for tranche in grants["tranches"].values():
            assert bool(rules.tranche_approve(tranche=tranche, user=user)) == (
                rules.tranches_to_decide(user).filter(pk=tranche.pk).exists()
            )
            assert bool(rules.tranche_mark_withdrawn(tranche=tranche, user=user)) == (
                rules.tranches_to_record_withdrawn(user).filter(pk=tranche.pk).exists()
            )
        for grant in grants["grants"].values():
            assert bool(rules.transfer(grant=grant, user=user)) == (
                rules.grants_to_transfer(user).filter(pk=grant.pk).exists()
            )


def test_award_from_the_group_page(client, everyone, kaltim, province_staff):
    """The group's page offers "award a grant" for the open programme exactly when the
    award would be accepted (eligible, no grant yet, a quota in its regency)."""
    from urllib.parse import urlencode

    program = open_program()
    groups = {
        "eligible": eligible_group(),
        "eligible with a grant": eligible_group(),
        "verified": eligible_group(),
    }
    services.grant_award(program=program, group=groups["eligible with a grant"], by=province_staff)
    type(groups["verified"]).objects.filter(pk=groups["verified"].pk).update(status="verified")
    groups["verified"].refresh_from_db()
    accepted = set()
    for persona, user in everyone.items():
        for label, group in groups.items():
            query = urlencode({"regency": group.regency_id, "group": group.pk})
            if assert_contract(
                client,
                user,
                page_url=group.get_absolute_url(),
                action_url=f"{program.get_absolute_url()}?{query}#award-one",
                attempt=lambda group=group, user=user: services.grant_award(
                    program=program, group=group, by=user
                ),
            ):
                accepted.add((persona, label))
    assert accepted == {("province_staff", "eligible")}


def test_the_award_page_opens_with_the_group_chosen(client, province_staff, kaltim):
    program = open_program()
    group = eligible_group()
    client.force_login(province_staff)
    response = client.get(program.get_absolute_url(), {"regency": "64.01", "group": group.pk})
    assert response.context["award_form"]["group"].value() == group.pk
    assert '<details class="card mt-3" open id="award-one">' in response.content.decode()


def test_programme_setup(client, everyone, programmes):
    accepted = contract(
        client,
        everyone,
        programmes,
        url_name="grants:program_update",
        attempt=lambda program, user: services.program_save(
            program=program, changed={"name"}, by=user
        ),
    )
    assert accepted == {
        ("province_staff", "draft"),
        ("province_staff", "draft without quotas"),
        ("province_staff", "open"),
    }
