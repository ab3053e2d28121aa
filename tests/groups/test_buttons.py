"""Every group action is offered on its page exactly when the service would accept it, for
every role and every status (tests/contract.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups import imports, services
from groups.models import BusinessGroup, GroupStatus
from tests.contract import assert_contract
from tests.factories import BusinessGroupFactory, MemberFactory, group_with_members
from tests.grants.test_buttons import contract
from tests.groups.helpers import new_group, new_members, workbook_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A group (in Paser) in each status; "incomplete" is a proposed group with too few members.
STATES = ["proposed", "incomplete", "verified", "eligible", "rejected", "inactive"]


def paser_group(state) -> BusinessGroup:
    if state == "incomplete":
        group = BusinessGroupFactory(name="KUBE Belum Lengkap")
        MemberFactory(group=group, role="ketua")
        return group
    reason = "Alasan uji" if state in (GroupStatus.REJECTED, GroupStatus.INACTIVE) else ""
    group = group_with_members(5, name=f"KUBE {state}", status=state, status_reason=reason)
    if reason:
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
        lambda group, user: services.group_update(group=group, members=[], by=user),
    ),
    "add_document": (
        "groups:document_upload",
        lambda group, user: services.document_add(
            group=group,
            kind="proposal",
            upload=SimpleUploadedFile("proposal.pdf", PDF),
            by=user,
        ),
    ),
    "verify": (
        "groups:group_verify",
        lambda group, user: services.group_verify(group=group, by=user),
    ),
    "declare_eligible": (
        "groups:group_mark_eligible",
        lambda group, user: services.group_mark_eligible(group=group, by=user),
    ),
    "reject": (
        "groups:group_reject",
        lambda group, user: services.group_reject(
            group=group, by=user, reason="Tidak memenuhi syarat"
        ),
    ),
    "deactivate": (
        "groups:group_deactivate",
        lambda group, user: services.group_deactivate(
            group=group, by=user, reason="Usaha berhenti"
        ),
    ),
}


# Who may do what on which group (persona, state): every other pair is refused and hidden.
EDITORS = {
    ("province_staff", state) for state in ("proposed", "incomplete", "verified", "eligible")
} | {("paser_officer", "proposed"), ("paser_officer", "incomplete")}
ACCEPTED = {
    "edit": EDITORS,
    "add_document": EDITORS,
    "verify": {("province_staff", "proposed")},  # not the incomplete one
    "declare_eligible": {("province_staff", "verified")},
    "reject": {("province_staff", s) for s in ("proposed", "incomplete", "verified")},
    "deactivate": {("province_staff", "eligible")},
}


@pytest.mark.django_db
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_the_group_page_offers_exactly_what_the_service_accepts(
    client, everyone, groups, settings, tmp_path, transition
):
    settings.MEDIA_ROOT = tmp_path
    url_name, attempt = TRANSITIONS[transition]
    accepted = contract(
        client,
        everyone,
        groups,
        url_name=url_name,
        attempt=lambda group, user: attempt(fresh(group), user),
    )
    assert accepted == ACCEPTED[transition]


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
@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("register", {"province_staff", "paser_officer", "berau_officer"}),
        ("import", {"province_staff"}),
    ],
)
def test_the_group_list_offers_exactly_what_the_service_accepts(client, everyone, action, expected):
    url_name, attempt = LIST_ACTIONS[action]
    accepted = {
        persona
        for persona, user in everyone.items()
        if assert_contract(
            client,
            user,
            page_url=reverse("groups:group_list"),
            action_url=reverse(url_name),
            attempt=lambda user=user: attempt(user),
        )
    }
    assert accepted == expected
