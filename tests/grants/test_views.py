"""The grant pages: scope (404), roles (403), POST-only actions (405), each role's happy
path, and the query counts of the lists and the grant page."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.contrib.messages import ERROR, SUCCESS
from django.urls import reverse
from django.utils import timezone

from grants import services
from grants.models import Grant, GrantStatus, Program, ProgramQuota, Tranche, TrancheStatus
from groups.models import GroupStatus
from reports.models import OwingSpan, RegencySummary
from tests.factories import (
    BusinessGroupFactory,
    GrantFactory,
    ProgramFactory,
    ProgramQuotaFactory,
    TrancheFactory,
)
from tests.grants.money import ready_for_aid, record_transfer

RP20JT = 20_000_000
TRANSFERRED = {"status": "transferred", "transferred_on": datetime.date(2026, 2, 9)}


@pytest.fixture
def program(kaltim):
    program = ProgramFactory(name="Bantuan Modal Usaha KUBE 2026")
    ProgramQuotaFactory(program=program, regency_id="64.01", group_count=35)
    ProgramQuotaFactory(program=program, regency_id="64.03", group_count=16)
    return program


@pytest.fixture
def paser_grant(program):
    """A transferred grant of a Paser group, with nothing requested yet."""
    return GrantFactory(program=program, group__name="KUBE Mekar Sari", **TRANSFERRED)


def eligible(regency="64.01", **fields):
    return BusinessGroupFactory(
        regency_id=regency, status=GroupStatus.ELIGIBLE, account_holder="x", **fields
    )


def request_tranche(grant, officer, amount=5_000_000):
    """A waiting tranche made by the service, so the grant's committed total is right."""
    return services.tranche_request(grant=grant, amount=amount, purpose="Bahan baku", by=officer)


def messages_of(response, level):
    return [str(m) for m in response.context["messages"] if m.level == level]


def refreshed(obj):
    obj.refresh_from_db()
    return obj


GRANT_PAGES = ["grants:grant_detail", "grants:tranche_request"]
GRANT_ACTIONS = [
    "grants:grant_transfer",
    "grants:grant_cancel",
    "grants:grant_complete",
    "grants:tranche_request",
]
TRANCHE_ACTIONS = [
    "grants:tranche_cancel",
    "grants:tranche_withdrawn",
    "grants:tranche_approve",
    "grants:tranche_reject",
]
PROGRAM_ACTIONS = ["grants:grant_award", "grants:grant_award_bulk"]


@pytest.mark.django_db
class TestScope:
    """The Berau officer never sees a Paser grant or tranche: 404 everywhere, absent from
    lists, filter choices and the programme page."""

    @pytest.mark.parametrize("name", GRANT_PAGES)
    def test_grant_pages_out_of_scope_are_404(self, client, berau_officer, paser_grant, name):
        client.force_login(berau_officer)
        assert client.get(reverse(name, args=[paser_grant.pk])).status_code == 404

    @pytest.mark.parametrize("name", GRANT_ACTIONS)
    def test_grant_actions_out_of_scope_are_404(self, client, berau_officer, paser_grant, name):
        client.force_login(berau_officer)
        data = {"amount": "1.000.000", "purpose": "x", "reason": "x", "reference": "x"}
        assert client.post(reverse(name, args=[paser_grant.pk]), data).status_code == 404

    @pytest.mark.parametrize("name", TRANCHE_ACTIONS)
    def test_tranche_actions_out_of_scope_are_404(
        self, client, berau_officer, paser_officer, paser_grant, name
    ):
        tranche = request_tranche(paser_grant, paser_officer)
        client.force_login(berau_officer)
        data = {"reason": "x", "withdrawn_on": "2026-03-01", "reference": "x"}
        assert client.post(reverse(name, args=[tranche.pk]), data).status_code == 404
        assert refreshed(tranche).status == TrancheStatus.REQUESTED

    def test_lists_and_filter_choices_hide_other_regencies(
        self, client, berau_officer, paser_grant, program
    ):
        GrantFactory(program=program, group=eligible("64.03", name="KUBE Berau Jaya"))
        client.force_login(berau_officer)
        for params in ["", "?regency=64.01", "?status=transferred"]:
            content = client.get(reverse("grants:grant_list") + params).content.decode()
            assert "KUBE Mekar Sari" not in content, params
        content = client.get(reverse("grants:grant_list")).content.decode()
        assert "KUBE Berau Jaya" in content
        assert "Kabupaten Paser" not in content  # not even as a filter choice

    def test_programme_page_shows_only_the_officers_regency(
        self, client, berau_officer, paser_grant, program
    ):
        GrantFactory(program=program, group=eligible("64.03", name="KUBE Berau Jaya"))
        client.force_login(berau_officer)
        url = reverse("grants:program_detail", args=[program.pk])
        for params in ["", "?regency=64.01"]:
            response = client.get(url + params)
            content = response.content.decode()
            assert [q.regency_id for q in response.context["quotas"]] == ["64.03"]
            assert "Kabupaten Paser" not in content, params
            assert "KUBE Mekar Sari" not in content, params
        assert "KUBE Berau Jaya" in client.get(url).content.decode()


@pytest.mark.django_db
class TestRolesAndMethods:
    @pytest.mark.parametrize("name", [n for n in GRANT_ACTIONS if n != "grants:tranche_request"])
    def test_get_on_a_grant_action_is_405(self, client, province_staff, paser_grant, name):
        client.force_login(province_staff)
        assert client.get(reverse(name, args=[paser_grant.pk])).status_code == 405

    @pytest.mark.parametrize("name", TRANCHE_ACTIONS)
    def test_get_on_a_tranche_action_is_405(
        self, client, approver, paser_officer, paser_grant, name
    ):
        tranche = request_tranche(paser_grant, paser_officer)
        client.force_login(approver)
        assert client.get(reverse(name, args=[tranche.pk])).status_code == 405

    @pytest.mark.parametrize("name", PROGRAM_ACTIONS)
    def test_get_on_an_award_is_405(self, client, province_staff, program, name):
        client.force_login(province_staff)
        assert client.get(reverse(name, args=[program.pk])).status_code == 405

    @pytest.mark.parametrize("persona", ["province_staff", "approver"])
    def test_only_regency_officers_request_tranches(self, client, personas, paser_grant, persona):
        client.force_login(personas[persona])
        url = reverse("grants:tranche_request", args=[paser_grant.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"amount": "1000000", "purpose": "x"}).status_code == 403
        assert not Tranche.objects.exists()

    @pytest.mark.parametrize(
        "name", ["grants:grant_transfer", "grants:grant_cancel", "grants:grant_complete"]
    )
    @pytest.mark.parametrize("persona", ["paser_officer", "approver"])
    def test_only_province_staff_transfer_cancel_complete(
        self, client, personas, paser_grant, name, persona
    ):
        client.force_login(personas[persona])
        data = {"transferred_on": "2026-02-09", "reference": "TRF", "reason": "x"}
        assert client.post(reverse(name, args=[paser_grant.pk]), data).status_code == 403
        assert refreshed(paser_grant).status == GrantStatus.TRANSFERRED

    @pytest.mark.parametrize("name", ["grants:tranche_approve", "grants:tranche_reject"])
    @pytest.mark.parametrize("persona", ["paser_officer", "province_staff"])
    def test_only_approvers_decide(self, client, personas, paser_grant, name, persona):
        tranche = request_tranche(paser_grant, personas["paser_officer"])
        client.force_login(personas[persona])
        assert client.post(reverse(name, args=[tranche.pk]), {"reason": "x"}).status_code == 403
        assert refreshed(tranche).status == TrancheStatus.REQUESTED

    def test_only_the_requester_cancels(self, client, province_staff, paser_officer, paser_grant):
        tranche = request_tranche(paser_grant, paser_officer)
        client.force_login(province_staff)
        assert client.post(reverse("grants:tranche_cancel", args=[tranche.pk])).status_code == 403
        assert refreshed(tranche).status == TrancheStatus.REQUESTED

    def test_approver_does_not_record_withdrawals(self, client, approver, paser_grant):
        tranche = TrancheFactory(grant=paser_grant, status="approved")
        client.force_login(approver)
        url = reverse("grants:tranche_withdrawn", args=[tranche.pk])
        data = {"withdrawn_on": timezone.localdate().isoformat(), "reference": "B-1"}
        assert client.post(url, data).status_code == 403

    def test_officers_do_not_read_the_queue(self, client, paser_officer, kaltim):
        client.force_login(paser_officer)
        assert client.get(reverse("grants:tranche_queue")).status_code == 403

    @pytest.mark.parametrize("name", PROGRAM_ACTIONS)
    @pytest.mark.parametrize("persona", ["paser_officer", "approver"])
    def test_only_province_staff_award(self, client, personas, program, name, persona):
        group = eligible()
        client.force_login(personas[persona])
        data = {"regency": "64.01", "groups": [group.pk], "group": group.pk, "amount": "1000"}
        assert client.post(reverse(name, args=[program.pk]), data).status_code == 403
        assert not Grant.objects.exists()

    @pytest.mark.parametrize("persona", ["province_staff", "approver", "paser_officer"])
    def test_every_role_reads_programmes_and_grants(self, client, personas, paser_grant, persona):
        client.force_login(personas[persona])
        program_url = reverse("grants:program_detail", args=[paser_grant.program_id])
        for url in [reverse("grants:program_list"), program_url]:
            assert client.get(url).status_code == 200, url
        for url in [
            program_url + "?regency=64.01",
            reverse("grants:grant_list"),
            reverse("grants:grant_detail", args=[paser_grant.pk]),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "KUBE Mekar Sari" in response.content.decode(), url


@pytest.mark.django_db
class TestTranches:
    def test_officer_requests_with_dots_and_rp_and_a_double_submit_makes_one(
        self, client, paser_officer, paser_grant
    ):
        client.force_login(paser_officer)
        url = reverse("grants:tranche_request", args=[paser_grant.pk])
        form = client.get(url).context["form"]
        token = form.initial["token"]
        data = {"amount": "Rp 10.000.000", "purpose": "Pembelian bahan baku", "token": token}
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == paser_grant.get_absolute_url()
        assert messages_of(response, SUCCESS)
        client.post(url, data)  # the same form submitted again
        tranche = Tranche.objects.get()
        assert tranche.amount == 10_000_000
        assert tranche.requested_by == paser_officer
        assert refreshed(paser_grant).committed_amount == 10_000_000

    def test_request_page_shows_what_is_available_and_the_first_limit(
        self, client, paser_officer, paser_grant
    ):
        client.force_login(paser_officer)
        response = client.get(reverse("grants:tranche_request", args=[paser_grant.pk]))
        content = response.content.decode()
        assert "Rp20.000.000" in content
        assert "Rp10.000.000" in content  # 50 % of the grant
        assert 'type="hidden" name="token"' in content

    def test_a_refused_request_shows_why_and_creates_nothing(
        self, client, paser_officer, paser_grant
    ):
        client.force_login(paser_officer)
        url = reverse("grants:tranche_request", args=[paser_grant.pk])
        for amount in ["sepuluh juta", "10,5", "1.00.000", "0"]:
            data = {"amount": amount, "purpose": "Bahan baku", "token": str(uuid.uuid4())}
            response = client.post(url, data)
            assert response.status_code == 200
            assert response.context["form"].has_error("amount"), amount
        # more than the first tranche may be: the service's refusal names the limit, beside
        # the amount field (the error summary links to it)
        data = {"amount": "12.000.000", "purpose": "Bahan baku", "token": str(uuid.uuid4())}
        response = client.post(url, data)
        form = response.context["form"]
        assert "Rp10.000.000" in " ".join(form.errors["amount"])
        assert not form.non_field_errors()
        assert not Tranche.objects.exists()

    def test_approver_approves_from_the_queue(self, client, approver, paser_officer, paser_grant):
        tranche = request_tranche(paser_grant, paser_officer)
        client.force_login(approver)
        queue = client.get(reverse("grants:tranche_queue"))
        assert "KUBE Mekar Sari" in queue.content.decode()
        assert reverse("grants:tranche_approve", args=[tranche.pk]) in queue.content.decode()
        response = client.post(
            reverse("grants:tranche_approve", args=[tranche.pk]),
            {"note": "Sesuai proposal", "next": reverse("grants:tranche_queue") + "?regency=64.01"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("grants:tranche_queue") + "?regency=64.01"
        assert messages_of(response, SUCCESS)
        tranche = refreshed(tranche)
        assert tranche.status == TrancheStatus.APPROVED
        assert tranche.decided_by == approver and tranche.decision_note == "Sesuai proposal"

    def test_reject_needs_a_reason(self, client, approver, paser_officer, paser_grant):
        tranche = request_tranche(paser_grant, paser_officer)
        client.force_login(approver)
        url = reverse("grants:tranche_reject", args=[tranche.pk])
        response = client.post(url, {"reason": " "}, follow=True)
        assert messages_of(response, ERROR)
        assert refreshed(tranche).status == TrancheStatus.REQUESTED
        client.post(url, {"reason": "Rincian belanja belum ada"})
        assert refreshed(tranche).status == TrancheStatus.REJECTED
        assert refreshed(paser_grant).committed_amount == 0

    def test_self_approval_is_refused_with_a_message(self, client, approver, paser_grant):
        tranche = TrancheFactory(grant=paser_grant, requested_by=approver)
        client.force_login(approver)
        response = client.post(reverse("grants:tranche_approve", args=[tranche.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("grants:tranche_queue")
        assert messages_of(response, ERROR)
        assert refreshed(tranche).status == TrancheStatus.REQUESTED

    def test_requester_cancels_their_request(self, client, paser_officer, paser_grant):
        tranche = request_tranche(paser_grant, paser_officer)
        client.force_login(paser_officer)
        content = client.get(paser_grant.get_absolute_url()).content.decode()
        assert reverse("grants:tranche_cancel", args=[tranche.pk]) in content
        client.post(reverse("grants:tranche_cancel", args=[tranche.pk]))
        assert refreshed(tranche).status == TrancheStatus.CANCELLED
        assert refreshed(paser_grant).committed_amount == 0

    @pytest.mark.parametrize("persona", ["paser_officer", "province_staff"])
    def test_withdrawal_is_recorded(self, client, personas, approver, paser_grant, persona):
        tranche = request_tranche(paser_grant, personas["paser_officer"])
        services.tranche_approve(tranche=tranche, by=approver)
        client.force_login(personas[persona])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the timeline's labels below
        content = client.get(paser_grant.get_absolute_url()).content.decode()
        url = reverse("grants:tranche_withdrawn", args=[tranche.pk])
        assert url in content
        today = timezone.localdate().isoformat()
        response = client.post(url, {"withdrawn_on": today, "reference": "BK-77"}, follow=True)
        assert response.redirect_chain[-1][0] == paser_grant.get_absolute_url()
        assert refreshed(tranche).status == TrancheStatus.WITHDRAWN
        grant = refreshed(paser_grant)
        assert grant.status == GrantStatus.ACTIVE and grant.withdrawn_amount == 5_000_000
        timeline = [event.label for event in response.context["timeline"]]
        assert timeline == [
            "Grant awarded",
            "Transferred to the group's account",
            "Tranche 1 requested",
            "Tranche 1 approved",
            "Tranche 1 withdrawn",
        ]


@pytest.mark.django_db
class TestGrantActions:
    def test_province_staff_record_the_transfer(self, client, province_staff, program):
        grant = ready_for_aid(GrantFactory(program=program), province_staff)
        client.force_login(province_staff)
        response = client.post(
            reverse("grants:grant_transfer", args=[grant.pk]),
            {"transferred_on": "2026-02-09", "reference": "TRF-0042"},
            follow=True,
        )
        assert messages_of(response, SUCCESS)
        grant = refreshed(grant)
        assert grant.status == GrantStatus.TRANSFERRED
        assert grant.transferred_on == datetime.date(2026, 2, 9)
        assert grant.transfer_reference == "TRF-0042"
        assert "TRF-0042" in response.content.decode()

    def test_a_transfer_without_reference_changes_nothing(self, client, province_staff, program):
        grant = GrantFactory(program=program)
        client.force_login(province_staff)
        response = client.post(
            reverse("grants:grant_transfer", args=[grant.pk]),
            {"transferred_on": "2026-02-09", "reference": ""},
            follow=True,
        )
        assert messages_of(response, ERROR)
        assert refreshed(grant).status == GrantStatus.AWARDED

    def test_cancel_gives_the_budget_back(self, client, province_staff, program):
        grant = services.grant_award(program=program, group=eligible(), by=province_staff)
        client.force_login(province_staff)
        client.post(reverse("grants:grant_cancel", args=[grant.pk]), {"reason": "Bubar"})
        assert refreshed(grant).status == GrantStatus.CANCELLED
        assert refreshed(program).awarded_amount == 0

    def test_complete_a_fully_withdrawn_grant(self, client, province_staff, program):
        grant = GrantFactory(
            program=program,
            status="active",
            transferred_on=datetime.date(2026, 2, 9),
            committed_amount=RP20JT,
            withdrawn_amount=RP20JT,
        )
        client.force_login(province_staff)
        client.post(reverse("grants:grant_complete", args=[grant.pk]))
        assert refreshed(grant).status == GrantStatus.COMPLETED

    def test_detail_shows_balances_and_history(
        self, client, province_staff, paser_officer, program
    ):
        grant = services.grant_award(program=program, group=eligible(), by=province_staff)
        record_transfer(
            grant=grant, by=province_staff, transferred_on=datetime.date(2026, 2, 9), reference="T1"
        )
        request_tranche(grant, paser_officer, amount=4_000_000)
        client.force_login(province_staff)
        response = client.get(grant.get_absolute_url())
        balance = response.context["grant"]
        assert (balance.committed_amount, balance.available_amount) == (4_000_000, 16_000_000)
        content = response.content.decode()
        assert "Rp16.000.000" in content
        # named so that they add up: 20 = 0 withdrawn + 4 requested + 16 left to request
        assert response.context["parts"] == [
            ("Sudah dicairkan", 0),
            ("Diajukan, belum dicairkan", 4_000_000),
            ("Sisa yang dapat diajukan", 16_000_000),
        ]
        assert sum(value for _label, value in response.context["parts"]) == grant.amount
        assert (
            "Nilai hibah = Sudah dicairkan + Diajukan, belum dicairkan + Sisa yang dapat diajukan"
            in content
        )
        history = response.context["history"]
        # awarded, named in a decree, transferred, committed, tranche requested
        assert len(history) == 5
        assert any("Rp0 → Rp4.000.000" in f"{c[1]} → {c[2]}" for e in history for c in e.changes)


@pytest.mark.django_db
class TestAwards:
    def test_bulk_award_to_the_checked_groups(self, client, province_staff, program):
        first, second, _third = eligible(name="KUBE A"), eligible(name="KUBE B"), eligible()
        eligible("64.03", name="KUBE Berau")  # another regency: not a candidate here
        BusinessGroupFactory(name="KUBE Usulan")  # proposed: not a candidate
        client.force_login(province_staff)
        page = client.get(reverse("grants:program_detail", args=[program.pk]) + "?regency=64.01")
        candidates = {g.name for g in page.context["bulk_form"].fields["groups"].queryset}
        assert candidates == {"KUBE A", "KUBE B", _third.name}
        response = client.post(
            reverse("grants:grant_award_bulk", args=[program.pk]),
            {"regency": "64.01", "groups": [first.pk, second.pk]},
            follow=True,
        )
        assert messages_of(response, SUCCESS)
        assert set(Grant.objects.values_list("group__name", flat=True)) == {"KUBE A", "KUBE B"}
        assert refreshed(program).awarded_amount == 2 * RP20JT
        candidates = {g.name for g in response.context["bulk_form"].fields["groups"].queryset}
        assert candidates == {_third.name}  # a group with a live grant is no longer offered

    def test_bulk_award_over_the_quota_awards_nothing_and_says_why(
        self, client, province_staff, program
    ):
        quota = ProgramQuota.objects.get(program=program, regency_id="64.01")
        quota.group_count = 2
        quota.save()
        services.grant_award(program=program, group=eligible(), by=province_staff)
        chosen = [eligible(), eligible()]
        client.force_login(province_staff)
        response = client.post(
            reverse("grants:grant_award_bulk", args=[program.pk]),
            {"regency": "64.01", "groups": [g.pk for g in chosen]},
        )
        assert response.status_code == 200
        errors = response.context["bulk_form"].non_field_errors()
        assert len(errors) == 2  # "Nothing was awarded:" and the quota, said once
        assert "Kabupaten Paser" in errors[1]
        assert errors[1] in response.content.decode()
        assert Grant.objects.count() == 1
        assert refreshed(quota).awarded_count == 1
        assert refreshed(program).awarded_amount == RP20JT

    def test_award_one_group_another_amount(self, client, province_staff, program):
        group = eligible()
        client.force_login(province_staff)
        response = client.post(
            reverse("grants:grant_award", args=[program.pk]),
            {
                "regency": "64.01",
                "group": group.pk,
                "amount": "Rp15.000.000",
            },
            follow=True,
        )
        grant = Grant.objects.get()
        assert response.redirect_chain[-1][0] == grant.get_absolute_url()
        assert grant.amount == 15_000_000 and grant.agreement is None  # issued later
        assert refreshed(program).awarded_amount == 15_000_000

    def test_closed_programme_offers_no_award(self, client, province_staff, program):
        Program.objects.filter(pk=program.pk).update(status="closed")
        eligible()
        client.force_login(province_staff)
        page = client.get(reverse("grants:program_detail", args=[program.pk]) + "?regency=64.01")
        assert "bulk_form" not in page.context


@pytest.mark.django_db
class TestWaitingLines:
    def test_each_role_sees_its_grant_work(
        self, client, province_staff, approver, paser_officer, berau_officer, program
    ):
        ready_for_aid(GrantFactory(program=program), province_staff)  # awarded: to transfer
        waiting = GrantFactory(program=program, **TRANSFERRED)
        request_tranche(waiting, paser_officer)
        approved = GrantFactory(program=program, **TRANSFERRED)
        services.tranche_approve(tranche=request_tranche(approved, paser_officer), by=approver)
        expected = {
            province_staff: (reverse("grants:grant_list") + "?status=awarded", 1),
            approver: (reverse("grants:tranche_queue"), 1),
            paser_officer: (reverse("grants:grant_list") + "?tranche=approved", 1),
        }
        for user, (url, count) in expected.items():
            client.force_login(user)
            lines = client.get(reverse("core:home")).context["waiting"]
            assert [(line.url, line.count) for line in lines if "/hibah/" in line.url] == [
                (url, count)
            ], user.username
        client.force_login(berau_officer)
        lines = client.get(reverse("core:home")).context["waiting"]
        assert not [line for line in lines if "/hibah/" in line.url]

    def test_the_officers_link_lists_the_grant(self, client, approver, paser_officer, program):
        approved = GrantFactory(program=program, group__name="KUBE Cair", **TRANSFERRED)
        services.tranche_approve(tranche=request_tranche(approved, paser_officer), by=approver)
        GrantFactory(program=program, group__name="KUBE Belum", **TRANSFERRED)
        client.force_login(paser_officer)
        content = client.get(reverse("grants:grant_list") + "?tranche=approved").content.decode()
        assert "KUBE Cair" in content and "KUBE Belum" not in content


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("grants", [1, 50])
    def test_grant_list_queries_do_not_grow_with_grants(
        self, client, province_staff, program, grants, django_assert_num_queries
    ):
        for _ in range(grants):
            GrantFactory(program=program)
        client.force_login(province_staff)
        # session, user, COUNT for the paginator, the programme and regency filter choices,
        # the page of grants (group, regency and programme joined), and the idle-timeout
        # session refresh (savepoint, update, release)
        with django_assert_num_queries(9):
            response = client.get(reverse("grants:grant_list"))
        assert response.status_code == 200

    @pytest.mark.parametrize("tranches", [1, 50])
    def test_grant_detail_queries_do_not_grow_with_tranches(
        self, client, province_staff, approver, paser_grant, tranches, django_assert_num_queries
    ):
        for n in range(1, tranches + 1):
            TrancheFactory(
                grant=paser_grant,
                sequence=n,
                amount=100_000,
                status="approved",
                decided_by=approver,
                decided_at=timezone.now(),
            )
        client.force_login(province_staff)
        # session, user, the grant (programme, group, regency, awarded by, decree), its
        # tranches (requested by, decided by, letter), its agreement and its handover record
        # in force, grant history, tranche history, its cancelled agreements, and the
        # idle-timeout session refresh (savepoint, update, release)
        with django_assert_num_queries(12):
            response = client.get(reverse("grants:grant_detail", args=[paser_grant.pk]))
        assert response.status_code == 200
        assert len(response.context["tranches"]) == tranches

    @pytest.mark.parametrize("tranches", [1, 50])
    def test_queue_queries_do_not_grow_with_tranches(
        self, client, approver, program, tranches, django_assert_num_queries
    ):
        for _ in range(tranches):
            TrancheFactory(grant__program=program)
        client.force_login(approver)
        # session, user, COUNT for the paginator, the regency filter choices, the page of
        # tranches (grant, group, regency, requested by), and the idle-timeout session
        # refresh (savepoint, update, release)
        with django_assert_num_queries(8):
            response = client.get(reverse("grants:tranche_queue"))
        assert response.status_code == 200


def program_admin_form(client, url, program) -> dict:
    """The programme's admin form as the browser would post it back unchanged."""
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields if name != "awarded_amount"}
    data["tranche_needs_report"] = "on" if program.tranche_needs_report else ""
    quotas = list(ProgramQuota.objects.filter(program=program).order_by("pk"))
    data.update(
        {
            "quotas-TOTAL_FORMS": str(len(quotas)),
            "quotas-INITIAL_FORMS": str(len(quotas)),
            "quotas-MIN_NUM_FORMS": "0",
            "quotas-MAX_NUM_FORMS": "1000",
        }
    )
    for i, quota in enumerate(quotas):
        data.update(
            {
                f"quotas-{i}-id": str(quota.pk),
                f"quotas-{i}-program": str(program.pk),
                f"quotas-{i}-regency": quota.regency_id,
                f"quotas-{i}-group_count": str(quota.group_count),
            }
        )
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
class TestAdmin:
    def test_superuser_opens_the_grant_admin(self, client, superuser, paser_grant):
        TrancheFactory(grant=paser_grant)
        client.force_login(superuser)
        for url in [
            reverse("admin:grants_program_changelist"),
            reverse("admin:grants_program_change", args=[paser_grant.program_id]),
            reverse("admin:grants_grant_changelist"),
            reverse("admin:grants_grant_change", args=[paser_grant.pk]),
            reverse("admin:grants_tranche_changelist"),
        ]:
            assert client.get(url).status_code == 200, url

    def test_a_quota_with_grants_cannot_be_removed(
        self, client, superuser, province_staff, program
    ):
        services.grant_award(program=program, group=eligible(), by=province_staff)
        client.force_login(superuser)
        url = reverse("admin:grants_program_change", args=[program.pk])
        data = program_admin_form(client, url, program)
        data["quotas-0-DELETE"] = "on"  # Paser, which has a grant
        response = client.post(url, data)
        assert response.status_code == 200  # the form again, with the error
        assert not response.context["adminform"].form.errors
        (quota_formset,) = [f.formset for f in response.context["inline_admin_formsets"]]
        assert "Kabupaten Paser" in str(quota_formset.non_form_errors())
        assert ProgramQuota.objects.filter(program=program).count() == 2

    def test_a_new_fiscal_year_moves_the_programmes_dashboard_figures(
        self, client, superuser, province_staff, program
    ):
        grant = services.grant_award(program=program, group=eligible(), by=province_staff)
        record_transfer(
            grant=grant, by=province_staff, transferred_on=datetime.date(2026, 3, 2), reference="T"
        )
        client.force_login(superuser)
        url = reverse("admin:grants_program_change", args=[program.pk])
        data = program_admin_form(client, url, program)
        data["fiscal_year"] = "2027"
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert set(RegencySummary.objects.values_list("program_year", flat=True)) == {2027}
        assert set(
            OwingSpan.objects.exclude(program_year=None).values_list("program_year", flat=True)
        ) == {2027}

    def test_a_grants_dates_are_not_edited_in_the_admin(self, client, superuser, paser_grant):
        client.force_login(superuser)
        form = (
            client.get(reverse("admin:grants_grant_change", args=[paser_grant.pk]))
            .context["adminform"]
            .form
        )
        assert not {"transferred_on", "completed_on", "status"} & set(form.fields)
