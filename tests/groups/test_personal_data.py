"""Personal data (UU PDP 27/2022): NIK and No. KK masked for every role on every page and
workbook; the full numbers only after a deliberate, logged "Tampilkan", and only for
province staff and the officer of the group's own regency; a NIK active in another
regency's group does not reveal that group."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import RULES, Action, Role
from audit.events import Event
from audit.models import AuditEntry
from core.personal_data import PERSONAL_DATA_NOTICE, mask
from groups import imports, services
from groups.admin import MemberAdminForm
from groups.models import BusinessGroup, Member
from tests.contract import assert_contract
from tests.factories import BusinessGroupFactory, MemberFactory, group_with_members, synthetic_nik
from tests.groups.helpers import group_post_data, new_group, new_members, workbook_bytes

SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# Who may press "Tampilkan" on a Paser group's member; the others never see a full number.
MAY_SHOW = {"province_staff": True, "paser_officer": True, "approver": False, "paser_head": False}
# The NIK the Berau group's member holds; the Paser forms and files below type it again.
TAKEN_NIK = "6401045203880001"


@pytest.fixture
def users(personas, paser_head):
    return {**personas, "paser_head": paser_head}


@pytest.fixture
def paser_group(kaltim):
    return group_with_members(5, name="KUBE Mekar Sari")


@pytest.fixture
def berau_group(kaltim):
    """A Berau group whose member holds TAKEN_NIK (issued in Paser: only a warning)."""
    group = BusinessGroupFactory(
        name="KUBE Rahasia Berau",
        registration_number="64.03-2026-0099",
        regency_id="64.03",
        district_id="64.03.05",
        village_id="64.03.05.1004",
    )
    MemberFactory(
        group=group, role="ketua", nik=TAKEN_NIK, sex="P", birth_date=datetime.date(1988, 3, 12)
    )
    return group


def numbers_of(group):
    members = list(group.members.filter(active=True))
    return [m.nik for m in members] + [m.kk_number for m in members]


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def every_cell(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    yield sheet.title, str(value)


# --- Masked on every page, to every role -----------------------------------------------------


@pytest.mark.django_db
class TestMaskedPages:
    @pytest.mark.parametrize("persona", list(MAY_SHOW))
    def test_the_group_page_masks_every_number(self, client, users, paser_group, persona):
        client.force_login(users[persona])
        content = client.get(paser_group.get_absolute_url()).content.decode()
        for number in numbers_of(paser_group):
            assert number not in content
            assert mask(number) in content
        show = reverse("groups:member_identity", args=[paser_group.members.first().pk])
        assert (show in content) is MAY_SHOW[persona]

    @pytest.mark.parametrize("persona", list(MAY_SHOW))
    def test_the_member_history_masks_the_nik_before_and_after(
        self, client, users, paser_group, persona
    ):
        member = paser_group.members.filter(role="anggota").first()
        old_nik, old_kk = member.nik, member.kk_number
        member.nik = synthetic_nik(
            district_code="64.01.01", birth_date=member.birth_date, sex=member.sex, serial=777
        )
        member.kk_number = old_kk[:-4] + "9999"
        member.save()
        client.force_login(users[persona])
        content = client.get(paser_group.get_absolute_url()).content.decode()
        for number in (old_nik, member.nik, old_kk, member.kk_number):
            assert number not in content
            assert mask(number) in content  # the history's before → after

    @pytest.mark.parametrize("persona", list(MAY_SHOW))
    def test_a_search_by_full_nik_finds_the_group_and_shows_the_nik_masked(
        self, client, users, paser_group, persona
    ):
        other = group_with_members(5, name="KUBE Lain")
        nik = paser_group.members.first().nik
        client.force_login(users[persona])
        content = client.get(reverse("groups:group_list"), {"q": nik}).content.decode()
        assert "KUBE Mekar Sari" in content and other.name not in content
        assert f"Pencarian NIK {mask(nik)}" in content
        # The full number only where the user typed it: the search field and the query
        # string of the page's own links.
        rest = content.replace(f'value="{nik}"', "").replace(f"q={nik}", "")
        assert nik not in rest

    def test_the_member_list_of_the_admin_and_the_access_log_mask_the_nik(
        self, client, superuser, paser_group
    ):
        member = paser_group.members.first()
        assert str(member) == f"{member.full_name} ({mask(member.nik)})"
        client.force_login(superuser)
        content = client.get(reverse("admin:groups_member_changelist")).content.decode()
        assert mask(member.nik) in content and member.nik not in content


# --- "Tampilkan": the full numbers, logged ---------------------------------------------------


@pytest.mark.django_db
class TestShowFullNumbers:
    @pytest.mark.parametrize("persona", ["province_staff", "paser_officer"])
    def test_show_gives_the_full_numbers_and_logs_who_when_and_which_member(
        self, client, users, paser_group, persona
    ):
        member = paser_group.members.get(role="ketua")
        user = users[persona]
        client.force_login(user)
        before = timezone.now()
        response = client.post(reverse("groups:member_identity", args=[member.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert member.nik in content and member.kk_number in content
        (entry,) = AuditEntry.objects.filter(event=Event.NIK_VIEWED)
        assert (entry.user_id, entry.username) == (user.pk, user.username)
        assert (entry.object_type, entry.object_id) == ("groups.member", str(member.pk))
        assert member.nik not in entry.object_repr and mask(member.nik) in entry.object_repr
        assert before <= entry.at <= timezone.now()
        assert entry.address == "127.0.0.1"

    def test_each_show_is_logged_again(self, client, province_staff, paser_group):
        member = paser_group.members.first()
        client.force_login(province_staff)
        for _ in range(2):
            client.post(reverse("groups:member_identity", args=[member.pk]))
        assert AuditEntry.objects.filter(event=Event.NIK_VIEWED).count() == 2

    @pytest.mark.parametrize("persona", ["approver", "paser_head"])
    def test_the_approver_and_the_regency_head_are_refused(
        self, client, users, paser_group, persona
    ):
        member = paser_group.members.first()
        client.force_login(users[persona])
        response = client.post(reverse("groups:member_identity", args=[member.pk]))
        assert response.status_code == 403
        assert member.nik.encode() not in response.content
        assert not AuditEntry.objects.filter(event=Event.NIK_VIEWED).exists()
        assert AuditEntry.objects.filter(event=Event.PERMISSION_DENIED).exists()

    def test_another_regency_gets_404_and_nothing_is_logged(
        self, client, berau_officer, paser_group
    ):
        client.force_login(berau_officer)
        url = reverse("groups:member_identity", args=[paser_group.members.first().pk])
        assert client.post(url).status_code == 404
        assert not AuditEntry.objects.filter(event=Event.NIK_VIEWED).exists()

    def test_a_get_shows_nothing(self, client, province_staff, paser_group):
        client.force_login(province_staff)
        url = reverse("groups:member_identity", args=[paser_group.members.first().pk])
        assert client.get(url).status_code == 405
        assert not AuditEntry.objects.filter(event=Event.NIK_VIEWED).exists()


# --- Exports ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestExports:
    @pytest.mark.parametrize("persona", ["approver", "paser_head", "paser_officer"])
    def test_no_full_number_in_any_cell_and_the_file_is_marked(
        self, client, users, paser_group, persona
    ):
        user = users[persona]
        client.force_login(user)
        workbook = workbook_of(client.get(reverse("groups:group_export")))
        found = [
            (sheet, value) for sheet, value in every_cell(workbook) if SIXTEEN_DIGITS.search(value)
        ]
        assert found == []
        members = list(workbook["Anggota"].iter_rows(min_row=2, values_only=True))
        assert sorted(row[2] for row in members) == sorted(
            mask(m.nik) for m in paser_group.members.all()
        )
        marking = dict(workbook["Data Pribadi"].iter_rows(values_only=True))
        assert workbook.sheetnames[0] == "Data Pribadi"
        assert marking["Perhatian"] == PERSONAL_DATA_NOTICE
        assert f"({user.username})" in marking["Diekspor oleh"]
        today = timezone.localdate()
        assert marking["Waktu ekspor"].startswith(f"{today.day} ")  # 27 November 2026 pukul 23.18
        assert " pukul " in marking["Waktu ekspor"] and marking["Waktu ekspor"].endswith(" WITA")
        assert marking["NIK dan No. KK"] == "disamarkan"
        assert PERSONAL_DATA_NOTICE in workbook["Anggota"].oddHeader.center.text
        entry = AuditEntry.objects.get(event=Event.EXPORT)
        assert entry.user_id == user.pk
        assert "kelompok-usaha" in entry.detail and "disamarkan" in entry.detail

    def test_province_staff_get_the_full_numbers_to_import_back_marked_and_logged(
        self, client, province_staff, paser_group
    ):
        client.force_login(province_staff)
        response = client.get(reverse("groups:group_export"))
        data = b"".join(response.streaming_content)
        workbook = load_workbook(io.BytesIO(data))
        assert dict(workbook["Data Pribadi"].iter_rows(values_only=True))["NIK dan No. KK"] == (
            "lengkap (untuk impor kembali)"
        )
        cells = {value for _sheet, value in every_cell(workbook)}
        assert set(numbers_of(paser_group)) <= cells
        assert "lengkap" in AuditEntry.objects.get(event=Event.EXPORT).detail
        # What the full numbers are for: the file imports back unchanged.
        result = imports.groups_import(file=io.BytesIO(data), by=province_staff)
        assert result.ok and result.groups_unchanged == 1, [str(e) for e in result.errors]


# --- A NIK already active in another regency --------------------------------------------------


def _conflicts(messages):
    return [m for m in messages if mask(TAKEN_NIK) in m]


@pytest.mark.django_db
class TestConflictAcrossRegencies:
    GENERIC = (
        f"NIK {mask(TAKEN_NIK)} sudah menjadi anggota aktif sebuah kelompok di kabupaten/kota lain."
    )

    def test_the_form_names_no_other_group_to_another_regency(
        self, client, paser_officer, berau_group
    ):
        client.force_login(paser_officer)
        response = client.post(reverse("groups:group_create"), group_post_data())
        assert response.status_code == 200
        content = response.content.decode()
        assert self.GENERIC in content
        assert berau_group.name not in content and "Berau" not in content
        assert not BusinessGroup.objects.filter(name="KUBE Lestari").exists()

    def test_province_staff_read_which_group(self, client, province_staff, berau_group):
        client.force_login(province_staff)
        content = client.post(reverse("groups:group_create"), group_post_data()).content.decode()
        assert f"{berau_group.name} (Kabupaten Berau)" in content
        assert self.GENERIC not in content

    def test_the_import_names_no_other_group_to_another_regency(
        self, paser_officer, berau_group, monkeypatch
    ):
        # The import is province staff's; opened to regency officers here to show that its
        # message follows the same rule as the form's.
        monkeypatch.setitem(
            RULES, Action.GROUP_IMPORT, frozenset({Role.PROVINCE_STAFF, Role.REGENCY_OFFICER})
        )
        members = new_members("KUBE Maju Jaya", 5)
        members[1]["nik"] = TAKEN_NIK
        result = imports.groups_import(
            file=workbook_bytes([new_group()], members), by=paser_officer, dry_run=True
        )
        messages = [issue.message for issue in result.errors]
        assert _conflicts(messages) == [self.GENERIC]
        assert not any(berau_group.name in str(e) or "Berau" in str(e) for e in result.errors)

    def test_the_import_tells_province_staff_which_group(self, province_staff, berau_group):
        members = new_members("KUBE Maju Jaya", 5)
        members[1]["nik"] = TAKEN_NIK
        result = imports.groups_import(
            file=workbook_bytes([new_group()], members), by=province_staff, dry_run=True
        )
        (message,) = _conflicts([issue.message for issue in result.errors])
        assert berau_group.name in message

    def test_the_admin_says_the_same(self, paser_group, paser_officer, superuser, berau_group):
        chair = paser_group.members.get(role="ketua")
        data = {
            "group": paser_group.pk,
            "nik": TAKEN_NIK,
            "kk_number": chair.kk_number,
            "full_name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1988-03-12",
            "phone": "",
            "role": "anggota",
            "decile": 2,
            "active": True,
        }
        for user, generic in ((paser_officer, True), (superuser, False)):
            form = MemberAdminForm(data=data)
            form.user = user
            assert not form.is_valid()
            (message,) = form.errors["nik"]
            assert (message == self.GENERIC) is generic
            assert (berau_group.name in message) is not generic
        assert not Member.objects.filter(group=paser_group, nik=TAKEN_NIK).exists()


@pytest.mark.django_db
class TestEditForm:
    def test_opening_the_edit_form_is_logged_as_a_view_of_every_number(
        self, client, paser_officer, paser_group
    ):
        client.force_login(paser_officer)
        content = client.get(reverse("groups:group_update", args=[paser_group.pk])).content
        assert paser_group.members.first().nik.encode() in content  # to correct it
        (entry,) = AuditEntry.objects.filter(event=Event.NIK_VIEWED)
        assert (entry.user_id, entry.object_type) == (paser_officer.pk, "groups.businessgroup")
        assert entry.object_id == str(paser_group.pk)

    def test_the_approver_opens_no_edit_form_and_nothing_is_logged(
        self, client, approver, paser_group
    ):
        client.force_login(approver)
        assert client.get(reverse("groups:group_update", args=[paser_group.pk])).status_code == 403
        assert not AuditEntry.objects.filter(event=Event.NIK_VIEWED).exists()


@pytest.mark.django_db
def test_the_show_button_is_offered_exactly_when_the_service_accepts(client, everyone, paser_group):
    """tests/contract.py for every persona, the Berau officer (404) included."""
    chair = paser_group.members.get(role="ketua")
    accepted = {
        name: assert_contract(
            client,
            user,
            page_url=paser_group.get_absolute_url(),
            action_url=reverse("groups:member_identity", args=[chair.pk]),
            attempt=lambda user=user: services.member_identity_shown(member=chair, by=user),
        )
        for name, user in everyone.items()
    }
    assert accepted == {**MAY_SHOW, "berau_officer": False}


@pytest.mark.django_db
def test_the_access_log_keeps_a_searched_nik_masked(client, approver, paser_group):
    nik = paser_group.members.first().nik
    client.force_login(approver)
    response = client.get(reverse("groups:group_export"), {"q": nik})
    groups = workbook_of(response)["Kelompok"].iter_rows(min_row=2, values_only=True)
    assert [row[1] for row in groups] == [paser_group.name]
    entry = AuditEntry.objects.get(event=Event.EXPORT)
    assert entry.path == f"{reverse('groups:group_export')}?q={mask(nik)}"
