"""Button shown ⇔ service accepts, for every group transition, every role and every status
(tests/rules_harness.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from groups import imports, services
from groups.models import BusinessGroup, GroupStatus
from tests.factories import BusinessGroupFactory, MemberFactory, UserFactory, group_with_members
from tests.groups.helpers import new_group, new_members, workbook_bytes
from tests.rules_harness import Case, mismatches

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["province_staff", "approver", "paser_officer", "berau_officer", "regency_head"]
# A group (in Paser) in each status; "incomplete" is a proposed group with too few members.
STATES = ["proposed", "incomplete", "verified", "eligible", "rejected", "inactive"]


@pytest.fixture
def people(personas, paser):
    head = UserFactory(username="kepala.paser", role=Role.REGENCY_HEAD, regency=paser)
    return {**personas, "regency_head": head}


def paser_group(state) -> BusinessGroup:
    if state == "incomplete":
        group = BusinessGroupFactory(name="KUBE Belum Lengkap")
        MemberFactory(group=group, role="ketua")
        return group
    status = {"proposed": GroupStatus.PROPOSED}.get(state, state)
    reason = "Alasan uji" if state in ("rejected", "inactive") else ""
    group = group_with_members(5, name=f"KUBE {state}", status=status, status_reason=reason)
    if state in ("rejected", "inactive"):
        for member in group.members.all():  # a rejected or inactive group frees its members
            member.active = False
            member.save()
    return group


@pytest.fixture
def groups(kaltim):
    return {state: paser_group(state) for state in STATES}


def fresh(group):
    return BusinessGroup.objects.get(pk=group.pk)


# transition -> (URL name of the button, the service call for (group, user))
TRANSITIONS = {
    "edit": (
        "groups:group_update",
        lambda group, user: services.group_update(group=fresh(group), members=[], by=user),
    ),
    "add_document": (
        "groups:document_upload",
        lambda group, user: services.document_add(
            group=fresh(group),
            kind="proposal",
            upload=SimpleUploadedFile("proposal.pdf", PDF),
            by=user,
        ),
    ),
    "verify": (
        "groups:group_verify",
        lambda group, user: services.group_verify(group=fresh(group), by=user),
    ),
    "declare_eligible": (
        "groups:group_mark_eligible",
        lambda group, user: services.group_mark_eligible(group=fresh(group), by=user),
    ),
    "reject": (
        "groups:group_reject",
        lambda group, user: services.group_reject(
            group=fresh(group), by=user, reason="Tidak memenuhi syarat"
        ),
    ),
    "deactivate": (
        "groups:group_deactivate",
        lambda group, user: services.group_deactivate(
            group=fresh(group), by=user, reason="Usaha berhenti"
        ),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_the_group_page_offers_exactly_what_the_service_accepts(
    client, people, groups, settings, tmp_path, transition
):
    settings.MEDIA_ROOT = tmp_path
    url_name, call = TRANSITIONS[transition]
    cases = [
        Case(
            label=f"{transition} by {role} on a {state} group",
            user=people[role],
            page=group.get_absolute_url(),
            button=reverse(url_name, args=[group.pk]),
            call=lambda group=group, user=people[role]: call(group, user),
        )
        for role in ROLES
        for state, group in groups.items()
    ]
    assert mismatches(client, cases) == []


def register_in_own_regency(user):
    regency = user.regency_id or "64.01"
    group = BusinessGroupFactory.build(regency_id=regency, district_id=f"{regency}.01")
    members = [MemberFactory.build(group=group, role="ketua")]
    return services.group_register(group=group, members=members, by=user)


def import_a_workbook(user):
    data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5))
    result = imports.groups_import(file=data, by=user, dry_run=True)
    assert result.ok, [str(issue) for issue in result.errors]


LIST_ACTIONS = {
    "register": ("groups:group_create", register_in_own_regency),
    "import": ("groups:group_import", import_a_workbook),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", LIST_ACTIONS)
def test_the_group_list_offers_exactly_what_the_service_accepts(client, people, action):
    url_name, call = LIST_ACTIONS[action]
    cases = [
        Case(
            label=f"{action} by {role}",
            user=user,
            page=reverse("groups:group_list"),
            button=reverse(url_name),
            call=lambda user=user: call(user),
        )
        for role, user in people.items()
    ]
    assert mismatches(client, cases) == []
