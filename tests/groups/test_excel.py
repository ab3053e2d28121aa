"""Excel import and export of groups and members (groups/imports.py, groups/exports.py, the
reader in core/xlsx_reader.py, their views and the command)."""

import dataclasses
import datetime
import io
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from accounts.roles import RULES, Action, Role
from core.errors import NotAllowed
from core.xlsx import XLSX_CONTENT_TYPE
from core.xlsx_reader import MB, not_xlsx_message
from groups import exports, imports
from groups import workbook as layout
from groups.models import BusinessGroup, GroupStatus, Member
from groups.services import group_reject
from tests.factories import MemberFactory, group_with_members, synthetic_nik
from tests.groups.helpers import new_group, new_members, workbook_bytes

XLSX = XLSX_CONTENT_TYPE


def import_file(data, by, **kwargs):
    return imports.groups_import(file=data, by=by, **kwargs)


def issues(result):
    return [(issue.sheet, issue.row) for issue in result.errors]


@pytest.fixture
def seeded(kaltim):
    """Paser groups with varied data (registration numbers of an earlier year), one Berau group."""
    mekar = group_with_members(
        5,
        registration_number="64.01-2025-0001",
        name="KUBE Mekar Sari",
        sector="fishery",
        district_id="64.01.04",
        village_id="64.01.04.1001",
        address="Jl. Kenanga No. 3\r\nRT 04",
        phone="",
        account_number="0000123456789012345",
    )
    MemberFactory(group=mekar, role="sekretaris", sex="P", decile=2, phone="081299900011")
    MemberFactory(group=mekar, role="bendahara", sex="P", birth_date=datetime.date(1990, 2, 28))
    group_with_members(
        5, registration_number="64.01-2025-0002", name="=1+1 KUBE Rumus", sector="craft"
    )
    rejected = group_with_members(5, registration_number="64.01-2025-0003", name="KUBE Ditolak")
    group_reject(group=rejected, by=rejected.created_by, reason="Tidak memenuhi syarat")
    group_with_members(
        5,
        registration_number="64.03-2025-0001",
        name="KUBE Berau Jaya",
        regency_id="64.03",
        district_id="64.03.05",
        village_id="64.03.05.1004",  # Tanjung Redeb
    )
    return BusinessGroup.objects.filter(regency_id="64.01")


def snapshot(groups):
    """Every group and active member field the workbook carries, keyed by name and NIK."""
    data = {}
    for group in groups.order_by("name"):
        data[group.name] = {
            "group": {
                f: getattr(group, f) for f in ("regency_id", "status", *imports.GROUP_FIELDS)
            },
            "members": {
                m.nik: {f: getattr(m, f) for f in imports.MEMBER_FIELDS}
                for m in group.members.filter(active=True)
            },
        }
    return data


def normalized(data):
    """Line breaks as a workbook returns them (Excel has no \\r in cells)."""
    for entry in data.values():
        entry["group"]["address"] = entry["group"]["address"].replace("\r\n", "\n")
    return data


def read_back(data):
    return load_workbook(io.BytesIO(data))


# --- Import: saving -------------------------------------------------------------------------


@pytest.mark.django_db
class TestImport:
    def test_new_groups_are_registered_as_proposed_with_members_and_history(
        self, kaltim, province_staff
    ):
        data = workbook_bytes(
            [new_group("KUBE Satu"), new_group("KUBE Dua", sector="Peternakan")],
            new_members("KUBE Satu", 5) + new_members("kube  dua", 4, first_serial=100),
        )
        result = import_file(data, province_staff)
        assert result.ok, [str(e) for e in result.errors]
        assert (result.groups_created, result.members_created) == (2, 9)
        year = timezone.localdate().year
        satu = BusinessGroup.objects.get(name="KUBE Satu")
        assert satu.registration_number == f"64.01-{year}-0001"
        assert satu.status == GroupStatus.PROPOSED
        assert satu.created_by == province_staff
        assert satu.members.filter(active=True).count() == 5
        assert BusinessGroup.objects.get(name="KUBE Dua").sector == "livestock"
        assert satu.history.get().history_user == province_staff
        assert Member.history.filter(group_id=satu.pk, history_type="+").count() == 5

    def test_new_groups_are_numbered_per_regency_in_file_order(self, kaltim, province_staff):
        berau = {"regency": "64.03", "district": "64.03.05", "village_code": "64.03.05.1004"}
        groups = [new_group("KUBE Satu"), new_group("KUBE Dua", **berau), new_group("KUBE Tiga")]
        members = (
            new_members("KUBE Satu", 5)
            + new_members("KUBE Dua", 5, first_serial=20, district="64.03.05")
            + new_members("KUBE Tiga", 5, first_serial=40)
        )
        result = import_file(workbook_bytes(groups, members), province_staff)
        assert result.ok, [str(e) for e in result.errors]
        year = timezone.localdate().year
        assert dict(BusinessGroup.objects.values_list("name", "registration_number")) == {
            "KUBE Satu": f"64.01-{year}-0001",
            "KUBE Dua": f"64.03-{year}-0001",
            "KUBE Tiga": f"64.01-{year}-0002",
        }

    def test_history_names_the_importer_and_the_reason(self, seeded, province_staff):
        mekar = seeded.get(name="KUBE Mekar Sari")
        workbook = read_back(
            exports.export_groups(full_identity=True, queryset=seeded.filter(pk=mekar.pk))
        )
        workbook["Kelompok"]["B2"] = "KUBE Mekar Sari Baru"
        renamed = workbook["Anggota"]["C3"].value  # a NIK
        workbook["Anggota"]["E3"] = "Nama Baru"
        workbook["Kelompok"].append(
            [new_group("KUBE Baru").get(c.key) for c in layout.GROUP_COLUMNS]
        )
        for member in new_members("KUBE Baru", 5, first_serial=500):
            workbook["Anggota"].append([member.get(c.key) for c in layout.MEMBER_COLUMNS])
        result = import_file(_saved(workbook), province_staff)
        assert result.ok, [str(e) for e in result.errors]

        new = BusinessGroup.objects.get(name="KUBE Baru")
        imported_groups = BusinessGroup.history.filter(history_change_reason="imported")
        assert {(h.id, h.history_type, h.name) for h in imported_groups} == {
            (mekar.pk, "~", "KUBE Mekar Sari Baru"),
            (new.pk, "+", "KUBE Baru"),
        }
        imported_members = Member.history.filter(history_change_reason="imported")
        assert {(h.nik, h.history_type) for h in imported_members} == {(renamed, "~")} | {
            (m.nik, "+") for m in new.members.all()
        }
        assert imported_members.get(nik=renamed).full_name == "Nama Baru"
        for record in [*imported_groups, *imported_members]:
            assert record.history_user == province_staff
        for member in new.members.all():
            record = member.history.get()
            assert [getattr(record, f) for f in ("id", "group_id", *imports.MEMBER_FIELDS)] == [
                getattr(member, f) for f in ("id", "group_id", *imports.MEMBER_FIELDS)
            ]

    def test_one_bad_row_among_a_thousand_saves_nothing(self, kaltim, province_staff):
        groups = [new_group(f"KUBE {n:03d}") for n in range(100)]
        members = []
        for n in range(100):
            members += new_members(f"KUBE {n:03d}", 10, first_serial=n * 10 + 1)
        members[537]["nik"] = members[537]["nik"][:6] + "320199" + "0001"  # 32 January
        result = import_file(workbook_bytes(groups, members), province_staff)
        assert issues(result) == [("Anggota", 539)]  # row 1 is the header
        assert "NIK" in str(result.errors[0])
        assert str(result.errors[0]).startswith("Lembar Anggota, baris ")
        assert BusinessGroup.objects.count() == 0
        assert Member.objects.count() == 0

    def test_dry_run_reports_counts_and_saves_nothing(self, kaltim, province_staff):
        data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 6))
        result = import_file(data, province_staff, dry_run=True)
        assert result.ok
        assert (result.groups_created, result.members_created) == (1, 6)
        assert result.preview[0].action == "new"
        assert result.preview[0].regency == "Kabupaten Paser"
        assert not BusinessGroup.objects.exists()

    def test_text_dates_any_column_order_and_labels_are_accepted(self, kaltim, province_staff):
        columns = tuple(reversed([c for c in layout.GROUP_COLUMNS if c.imported]))
        with_labels = new_group(date_formed="17-08-2024", sector="Livestock")
        members = new_members("KUBE Maju Jaya", 5)
        members[1].update(birth_date="01/02/1980", sex="p", role="Sekretaris", decile=None)
        members[1]["nik"] = synthetic_nik(
            district_code="64.01.04", birth_date=datetime.date(1980, 2, 1), sex="P", serial=77
        )
        result = import_file(
            workbook_bytes([with_labels], members, group_columns=columns), province_staff
        )
        assert result.ok, [str(e) for e in result.errors]
        group = BusinessGroup.objects.get()
        assert (group.date_formed, group.sector) == (datetime.date(2024, 8, 17), "livestock")
        secretary = group.members.get(role="sekretaris")
        assert (secretary.birth_date, secretary.sex, secretary.decile) == (
            datetime.date(1980, 2, 1),
            "P",
            None,
        )

    def test_every_problem_is_named_with_its_sheet_and_row(self, kaltim, province_staff):
        groups = [
            new_group("KUBE A", regency="64.99"),  # row 2: unknown regency
            new_group("KUBE B", district="64.03.05"),  # row 3: district of Berau
            new_group("KUBE C", sector="tambang"),  # row 4: unknown sector
            new_group("KUBE D"),  # row 5: two ketua (members below)
            new_group("KUBE E"),  # row 6: no member at all, so no ketua
            new_group("KUBE A"),  # row 7: a second new group with the same name
            new_group("KUBE G", date_formed="31-02-2024"),  # row 8: no such date
        ]
        members = new_members("KUBE A", 2) + new_members("KUBE B", 2, first_serial=10)
        members += new_members("KUBE C", 2, first_serial=20) + new_members(
            "KUBE G", 1, first_serial=90
        )
        members += new_members("KUBE D", 2, first_serial=30)
        members[-1]["role"] = "ketua"  # row 10
        members += [
            {**new_members("KUBE D", 1, first_serial=40)[0], "role": "pembina"},  # row 11
            {**new_members("KUBE D", 1, first_serial=41)[0], "role": "anggota", "sex": "X"},
            {**new_members("KUBE D", 1, first_serial=42)[0], "role": "anggota", "kk_number": "12"},
            {**members[0], "group_key": "KUBE D", "role": "anggota"},  # row 14: same NIK as row 2
            {**new_members("KUBE Z", 1, first_serial=50)[0]},  # row 15: no such group
            {**new_members("KUBE D", 1, first_serial=51)[0], "role": "anggota", "nik": 6.4e15},
        ]
        result = import_file(workbook_bytes(groups, members), province_staff)
        assert set(issues(result)) == {
            ("Kelompok", 2),
            ("Kelompok", 3),
            ("Kelompok", 4),
            ("Kelompok", 5),
            ("Kelompok", 6),
            ("Kelompok", 7),
            ("Kelompok", 8),
            ("Anggota", 11),
            ("Anggota", 12),
            ("Anggota", 13),
            ("Anggota", 14),
            ("Anggota", 15),
            ("Anggota", 16),
        }
        by_row = {(i.sheet, i.row): str(i) for i in result.errors}
        assert "64.99" in by_row[("Kelompok", 2)]
        assert "64.03.05" in by_row[("Kelompok", 3)]
        assert "tambang" in by_row[("Kelompok", 4)]
        assert "2" in by_row[("Kelompok", 5)]  # two chairs
        assert "row 2" in by_row[("Anggota", 14)] or "baris 2" in by_row[("Anggota", 14)]
        assert "15" in by_row[("Anggota", 16)]  # Excel keeps only 15 digits of a number
        assert not BusinessGroup.objects.exists()

    def test_a_nik_active_in_another_group_names_that_group_and_regency(
        self, kaltim, province_staff
    ):
        other = group_with_members(
            5, name="KUBE Lain", registration_number="64.03-2025-0009", regency_id="64.03"
        )
        taken = other.members.first().nik
        members = new_members("KUBE Maju Jaya", 5)
        members[3]["nik"] = taken
        result = import_file(workbook_bytes([new_group()], members), province_staff)
        assert issues(result) == [("Anggota", 5)]
        assert "KUBE Lain" in result.errors[0].message
        assert "Kabupaten Berau" in result.errors[0].message

    def test_only_province_staff_may_import(self, kaltim, approver, paser_officer):
        data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5))
        for user in (approver, paser_officer):
            with pytest.raises(NotAllowed):
                import_file(data, user)

    def test_a_regency_officer_could_only_import_their_regency(
        self, kaltim, paser_officer, monkeypatch
    ):
        """The scope check holds even if the role rule is widened one day."""
        monkeypatch.setitem(
            RULES, Action.GROUP_IMPORT, frozenset({Role.PROVINCE_STAFF, Role.REGENCY_OFFICER})
        )
        berau = new_group(
            "KUBE Berau", regency="64.03", district="64.03.05", village_code="64.03.05.1004"
        )
        data = workbook_bytes(
            [new_group(), berau],
            new_members("KUBE Maju Jaya", 5)
            + new_members("KUBE Berau", 5, first_serial=50, district="64.03.05"),
        )
        result = import_file(data, paser_officer)
        assert issues(result) == [("Kelompok", 3)]
        assert not BusinessGroup.objects.exists()

    def test_an_unknown_or_invisible_registration_number_is_refused(
        self, seeded, province_staff, paser_officer, monkeypatch
    ):
        monkeypatch.setitem(
            RULES, Action.GROUP_IMPORT, frozenset({Role.PROVINCE_STAFF, Role.REGENCY_OFFICER})
        )
        berau_group = BusinessGroup.objects.get(regency_id="64.03")
        unknown = new_group(registration_number="64.01-2025-0999")
        result = import_file(
            workbook_bytes([unknown], new_members("64.01-2025-0999", 5)), province_staff
        )
        assert issues(result) == [("Kelompok", 2)]
        data = exports.export_groups(
            full_identity=True, queryset=BusinessGroup.objects.filter(pk=berau_group.pk)
        )
        workbook = read_back(data)
        workbook["Kelompok"]["D2"] = "64.01"  # pretend it is Paser's
        workbook["Kelompok"]["E2"] = "64.01.04"
        workbook["Kelompok"]["G2"] = None
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = import_file(buffer.getvalue(), paser_officer)
        assert ("Kelompok", 2) in issues(result)
        assert "64.03-2025-0001" in str(result.errors)

    def test_roles_and_members_move_within_and_between_groups(self, seeded, province_staff):
        mekar = BusinessGroup.objects.get(name="KUBE Mekar Sari")
        rumus = BusinessGroup.objects.get(name="=1+1 KUBE Rumus")
        workbook = read_back(
            exports.export_groups(
                full_identity=True, queryset=seeded.filter(pk__in=[mekar.pk, rumus.pk])
            )
        )
        sheet = workbook["Anggota"]
        rows = list(sheet.iter_rows(min_row=2))
        mekar_rows = [r for r in rows if r[0].value == mekar.registration_number]
        old_chair = next(r for r in mekar_rows if r[8].value == "ketua")
        new_chair = next(r for r in mekar_rows if r[8].value == "anggota")
        old_chair[8].value, new_chair[8].value = "anggota", "ketua"
        mover = next(r for r in mekar_rows if r[8].value == "anggota" and r is not old_chair)
        mover[0].value = rumus.registration_number
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = import_file(buffer.getvalue(), province_staff)
        assert result.ok, [str(e) for e in result.errors]
        assert (result.groups_updated, result.members_updated) == (2, 2)
        assert (result.members_created, result.members_removed) == (1, 1)
        assert mekar.members.get(role="ketua", active=True).nik == new_chair[2].value
        assert rumus.members.filter(nik=mover[2].value, active=True).exists()

    def test_a_rejected_group_reimports_unchanged_but_cannot_be_changed(
        self, seeded, province_staff
    ):
        rejected = seeded.filter(status=GroupStatus.REJECTED)
        workbook = read_back(exports.export_groups(full_identity=True, queryset=rejected))
        assert import_file(_saved(workbook), province_staff).groups_unchanged == 1
        workbook["Kelompok"]["B2"] = "KUBE Diganti"
        result = import_file(_saved(workbook), province_staff)
        assert issues(result) == [("Kelompok", 2)]


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Round trip -----------------------------------------------------------------------------


@pytest.mark.django_db
class TestRoundTrip:
    def test_an_export_reimports_unchanged(self, seeded, province_staff):
        before = snapshot(seeded)
        result = import_file(
            exports.export_groups(full_identity=True, queryset=seeded), province_staff
        )
        assert result.ok, [str(e) for e in result.errors]
        assert (result.groups_unchanged, result.groups_updated, result.groups_created) == (3, 0, 0)
        assert snapshot(seeded) == before

    def test_an_export_restores_what_was_changed_since(self, seeded, province_staff):
        before = normalized(snapshot(seeded))
        data = exports.export_groups(full_identity=True, queryset=seeded)
        mekar = seeded.get(name="KUBE Mekar Sari")
        BusinessGroup.objects.filter(pk=mekar.pk).update(name="KUBE Salah", phone="0000")
        chair = mekar.members.get(role="ketua")
        chair.delete()
        MemberFactory(group=mekar, role="ketua")
        mekar.members.filter(role="anggota").update(full_name="Nama Salah", decile=9)

        result = import_file(data, province_staff)
        assert result.ok, [str(e) for e in result.errors]
        assert snapshot(seeded) == before

    def test_an_export_reimports_as_new_groups_with_the_same_data(self, seeded, province_staff):
        paser = seeded.exclude(status=GroupStatus.REJECTED)
        before = normalized(snapshot(paser))
        workbook = read_back(exports.export_groups(full_identity=True, queryset=paser))
        keys = {}
        for row in workbook["Kelompok"].iter_rows(min_row=2):
            keys[row[0].value] = row[1].value  # registration number -> name
            row[0].value = None
        for row in workbook["Anggota"].iter_rows(min_row=2):
            row[0].value = keys[row[0].value]
            row[0].data_type = "s"  # "=1+1 KUBE Rumus" is a name, not a formula
        BusinessGroup.objects.filter(pk__in=paser.values("pk")).delete()

        result = import_file(_saved(workbook), province_staff)
        assert result.ok, [str(e) for e in result.errors]
        assert result.groups_created == len(before)
        after = snapshot(
            BusinessGroup.objects.filter(regency_id="64.01").exclude(status="rejected")
        )
        assert after == before


# --- Export -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestExport:
    def test_two_queries_whatever_the_number_of_groups(self, seeded, django_assert_num_queries):
        with django_assert_num_queries(2):  # the groups; their active members
            exports.export_groups(full_identity=True, queryset=BusinessGroup.objects.all())

    def test_values_and_types_read_back(self, seeded):
        workbook = read_back(exports.export_groups(full_identity=True, queryset=seeded))
        assert workbook.sheetnames == ["Data Pribadi", "Kelompok", "Anggota", "Petunjuk"]
        groups = {row[1].value: row for row in workbook["Kelompok"].iter_rows(min_row=2)}
        mekar = seeded.get(name="KUBE Mekar Sari")
        row = groups["KUBE Mekar Sari"]
        assert [c.value for c in row[:5]] == [
            mekar.registration_number,
            "KUBE Mekar Sari",
            "Perikanan",
            "64.01",
            "64.01.04",
        ]
        assert row[9].is_date and row[9].value.date() == mekar.date_formed
        assert row[11].value == "0000123456789012345"
        assert row[13].value == "Diusulkan"
        assert groups["KUBE Ditolak"][13].value == "Ditolak"
        formula_like = groups["=1+1 KUBE Rumus"][1]
        assert (formula_like.data_type, formula_like.value) == ("s", "=1+1 KUBE Rumus")

        members = [r for r in workbook["Anggota"].iter_rows(min_row=2) if r[1].value == mekar.name]
        assert len(members) == 7
        assert members[0][8].value == "ketua"  # ketua first
        secretary = next(r for r in members if r[8].value == "sekretaris")
        assert secretary[6].is_date and isinstance(secretary[6].value, datetime.datetime)
        assert secretary[9].value == 2 and secretary[9].data_type == "n"
        assert secretary[7].value == "081299900011"
        # Members of the rejected group are no longer active: not exported.
        assert not [
            r for r in workbook["Anggota"].iter_rows(min_row=2) if r[1].value == "KUBE Ditolak"
        ]

    def test_nik_and_kk_are_text_cells(self, seeded):
        sheet = read_back(exports.export_groups(full_identity=True, queryset=seeded))["Anggota"]
        for row in sheet.iter_rows(min_row=2):
            for cell in (row[2], row[3]):
                assert cell.data_type == "s" and cell.number_format == "@"
                assert re.fullmatch(r"[0-9]{16}", cell.value)
        assert sheet.column_dimensions["C"].number_format == "@"

    def test_the_template_has_headers_text_columns_and_instructions(self):
        workbook = read_back(exports.template_workbook())
        assert workbook.sheetnames == ["Kelompok", "Anggota", "Petunjuk"]
        headers = [c.header for c in layout.MEMBER_COLUMNS]
        assert [c.value for c in workbook["Anggota"][1]] == headers
        assert workbook["Anggota"].max_row == 1
        for letter in ("A", "C", "D"):  # Kunci Kelompok, NIK, No. KK
            assert workbook["Anggota"].column_dimensions[letter].number_format == "@"
        assert workbook["Petunjuk"].max_row > 5
        assert workbook.active.title == "Petunjuk"


# --- Reading workbooks ---------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_shared_strings(data: bytes) -> bytes:
    """The workbook as Excel saves it: cell text in a shared string table."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {name: source.read(name) for name in source.namelist()}
    strings = []

    def shared(match):
        strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    inline = re.compile(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>')
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        files[name] = inline.sub(shared, files[name].decode()).encode()
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    files["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN_NS}">{items}</sst>'.encode()
    relation = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" />'
    )
    rels = "xl/_rels/workbook.xml.rels"
    files[rels] = files[rels].replace(b"</Relationships>", relation.encode() + b"</Relationships>")
    return _zip(files)


@pytest.mark.django_db
class TestReading:
    def test_row_numbers_are_excel_s_with_an_empty_first_column_and_empty_rows(
        self, kaltim, province_staff
    ):
        members = new_members("KUBE Maju Jaya", 6)
        members[3]["kk_number"] = "6401"  # row 7: header, two members, two empty rows, one more
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, columns, rows in (
            (layout.GROUP_SHEET, layout.GROUP_COLUMNS, [new_group()]),
            (layout.MEMBER_SHEET, layout.MEMBER_COLUMNS, members),
        ):
            sheet = workbook.create_sheet(title)
            sheet.append([None] + [c.header for c in columns])  # column A stays empty
            for number, row in enumerate(rows):
                if title == layout.MEMBER_SHEET and number == 2:
                    sheet.append([])
                    sheet.append([None, "", "  "])  # blank cells: an empty row too
                sheet.append([None] + [row.get(c.key) for c in columns])
        result = import_file(_saved(workbook), province_staff)
        assert issues(result) == [("Anggota", 7)]
        assert "No. KK" in result.errors[0].message

    def test_rows_and_cells_without_a_reference_are_counted(self, kaltim, province_staff):
        """The r attributes are optional in the format: a row or cell without one follows
        the one before it."""
        members = [
            {**member, "group_name": "KUBE Maju Jaya", "phone": "0812"}  # no empty cell
            for member in new_members("KUBE Maju Jaya", 5)
        ]
        members[3]["kk_number"] = "6401"  # row 5
        data = workbook_bytes([new_group()], members)
        data = _with_sheet_xml(
            data, "xl/worksheets/sheet2.xml", lambda xml: re.sub(r' r="[A-Z]*[0-9]+"', "", xml)
        )
        assert issues(import_file(data, province_staff)) == [("Anggota", 5)]

    def test_a_workbook_as_excel_saves_it_imports_the_same(self, kaltim, province_staff):
        """Shared strings (one with formatted runs and a phonetic guide) and 1904 dates."""
        members = new_members("KUBE Maju Jaya", 5)
        data = workbook_bytes([new_group()], members, epoch=CALENDAR_MAC_1904)
        data = _with_shared_strings(data)

        def formatted(xml):
            plain = "<si><t>KUBE Maju Jaya</t></si>"
            runs = (
                '<si><r><t xml:space="preserve">KUBE </t></r><r><rPr><b /></rPr><t>Maju '
                'Jaya</t></r><rPh sb="0" eb="4"><t>kube</t></rPh></si>'
            )
            return xml.replace(plain, runs, 1)

        data = _with_sheet_xml(data, "xl/sharedStrings.xml", formatted)
        result = import_file(data, province_staff)
        assert result.ok, [str(e) for e in result.errors]
        group = BusinessGroup.objects.get()
        assert (group.name, group.date_formed) == ("KUBE Maju Jaya", datetime.date(2024, 3, 1))
        assert sorted(group.members.values_list("nik", "birth_date", "full_name")) == sorted(
            (m["nik"], m["birth_date"], m["full_name"]) for m in members
        )


# --- Hostile files --------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_sheet_xml(data: bytes, sheet: str, change) -> bytes:
    """The workbook with one sheet's XML changed by `change(xml) -> xml`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {name: source.read(name) for name in source.namelist()}
    files[sheet] = change(files[sheet].decode()).encode()
    return _zip(files)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def hostile_file(kind):
    return hostile_files()[kind]


def hostile_files():
    good = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5))
    laughs = _with_sheet_xml(
        good,
        "xl/worksheets/sheet1.xml",
        lambda xml: BILLION_LAUGHS + xml.replace("KUBE Maju Jaya", "&lol3;", 1),
    )
    return {
        "not a zip": b"MZ\x90\x00 this is not a workbook",
        "a zip that is not xlsx": _zip({"hello.txt": b"hi"}),
        "an xlsx with broken xml": _with_sheet_xml(
            good, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]
        ),
        "entity expansion": laughs,
        "a zip bomb": _zip(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/filler.bin": b"\0" * (imports.LIMITS.total_bytes + 1),  # see small_limits
            }
        ),
        "no Kelompok sheet": _with_sheet_xml(
            good, "xl/workbook.xml", lambda xml: xml.replace('name="Kelompok"', 'name="Data"')
        ),
        "a DOCTYPE without entities": _with_sheet_xml(
            good, "xl/worksheets/sheet2.xml", lambda xml: "<!DOCTYPE worksheet>" + xml
        ),
        "an external entity": _with_sheet_xml(
            good,
            "xl/worksheets/sheet1.xml",
            lambda xml: (
                '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + xml.replace("KUBE Maju Jaya", "&x;", 1)
            ),
        ),
        "a cell past column XFD": _with_sheet_xml(
            good, "xl/worksheets/sheet1.xml", lambda xml: xml.replace('<c r="B2"', '<c r="XFE2"')
        ),
        "a row past row 1048576": _with_sheet_xml(
            good,
            "xl/worksheets/sheet2.xml",
            lambda xml: xml.replace('<row r="3"', '<row r="1048577"'),
        ),
    }


HOSTILE_KINDS = [
    "not a zip",
    "a zip that is not xlsx",
    "an xlsx with broken xml",
    "entity expansion",
    "a zip bomb",
    "no Kelompok sheet",
    "a DOCTYPE without entities",
    "an external entity",
    "a cell past column XFD",
    "a row past row 1048576",
]


@pytest.fixture
def small_limits(monkeypatch):
    """A zip bomb in miniature: the unpacked limit lowered so the test stays small."""
    small = dataclasses.replace(imports.LIMITS, other_part_bytes=2 * MB, total_bytes=2 * MB)
    monkeypatch.setattr(imports, "LIMITS", small)


@pytest.mark.django_db
@pytest.mark.usefixtures("small_limits")
class TestHostileFiles:
    @pytest.mark.parametrize("kind", HOSTILE_KINDS)
    def test_is_refused_with_a_clear_message(self, kaltim, province_staff, kind):
        result = import_file(hostile_file(kind), province_staff)
        assert not result.ok
        assert len(result.errors) == 1
        assert result.errors[0].row is None
        assert not BusinessGroup.objects.exists()

    def test_too_many_shared_strings_are_refused_while_read(
        self, kaltim, province_staff, monkeypatch
    ):
        """The count of texts is bounded too, not only the bytes that hold them."""
        few = dataclasses.replace(imports.LIMITS, shared_strings=10)
        monkeypatch.setattr(imports, "LIMITS", few)
        data = _with_shared_strings(workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5)))
        result = import_file(data, province_staff)
        assert [issue.row for issue in result.errors] == [None]
        assert "10" in result.errors[0].message
        assert not BusinessGroup.objects.exists()

    def test_a_file_over_the_size_limit_is_refused_before_reading(self, province_staff):
        result = import_file(b"PK" + b"\0" * layout.LIMITS.file_bytes, province_staff)
        assert "10 MB" in str(result.errors[0])

    def test_a_doctype_is_refused_before_the_xml_is_parsed(self, kaltim, province_staff):
        """Entities can only be declared in a DOCTYPE; no workbook part has one."""
        for kind in ("entity expansion", "a DOCTYPE without entities", "an external entity"):
            result = import_file(hostile_file(kind), province_staff)
            assert [e.message for e in result.errors] == [not_xlsx_message()]

    def test_the_last_cell_of_the_grid_is_read_without_filling_the_grid(
        self, kaltim, province_staff
    ):
        """A reader that allocates the rectangle from A1 to the last cell would need
        hundreds of GB here (python-calamine aborts the process); this one reads two rows."""
        last = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5))
        data = _with_sheet_xml(
            data,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace("</sheetData>", last + "</sheetData>"),
        )
        result = import_file(data, province_staff)
        assert set(issues(result)) == {("Kelompok", 1048576)}  # a row without its data
        assert not BusinessGroup.objects.exists()

    def test_a_formula_is_never_calculated(self, kaltim, province_staff):
        """Without a saved value the cell reads as empty; openpyxl never computes it."""
        data = workbook_bytes([new_group(name='="KUBE "&"Rumus"')], new_members("KUBE Rumus", 5))
        result = import_file(data, province_staff)
        assert issues(result)[0] == ("Kelompok", 2)
        assert result.errors[0].message.startswith("Nama Kelompok")  # is required
        assert {sheet for sheet, _row in issues(result)[1:]} == {"Anggota"}  # no such group
        assert not BusinessGroup.objects.exists()

    def test_a_formula_gives_the_value_saved_with_the_file(self, kaltim, province_staff):
        def saved_value(xml):
            formula = '<c r="B2"><f>"KUBE "&amp;"Rumus"</f><v /></c>'
            assert formula in xml
            return xml.replace(
                formula, '<c r="B2" t="str"><f>"KUBE "&amp;"Rumus"</f><v>KUBE Tersimpan</v></c>'
            )

        data = workbook_bytes(
            [new_group(name='="KUBE "&"Rumus"')], new_members("KUBE Tersimpan", 5)
        )
        data = _with_sheet_xml(data, "xl/worksheets/sheet1.xml", saved_value)
        result = import_file(data, province_staff)
        assert result.ok, [str(e) for e in result.errors]
        assert BusinessGroup.objects.get().name == "KUBE Tersimpan"


def _with_streamed_part(data: bytes, name: str, chunk: bytes, repeat: int, *, head=b"", tail=b""):
    """The workbook with one more part written chunk by chunk (memory stays small however
    large the part unpacks)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open(name, "w", force_zip64=True) as part:
            part.write(head)
            for _ in range(repeat):
                part.write(chunk)
            part.write(tail)
    return buffer.getvalue()


@pytest.mark.django_db
class TestUnpackedLimits:
    """Parts that unpack to more than the largest real file holds are refused from the zip's
    directory, before any XML is parsed (the real limits, not lowered)."""

    @pytest.fixture
    def no_parsing(self, monkeypatch):
        from core import xlsx_reader

        def refuse(*args, **kwargs):
            raise AssertionError("the XML was parsed")

        monkeypatch.setattr(xlsx_reader, "_xml_elements", refuse)

    def test_a_small_file_with_295_mb_of_shared_strings(self, kaltim, province_staff, no_parsing):
        good = _with_shared_strings(workbook_bytes([new_group()], new_members("KUBE Maju", 5)))
        item = b"<si><t>KUBE Maju Jaya Sejahtera Makmur Abadi Sentosa</t></si>" * 1024
        data = _with_streamed_part(
            good,
            "xl/sharedStrings.xml",
            item,
            repeat=295 * MB // len(item),
            head=f'<sst xmlns="{MAIN_NS}">'.encode(),
            tail=b"</sst>",
        )
        assert len(data) < 2 * MB
        result = import_file(data, province_staff)
        assert [issue.row for issue in result.errors] == [None]
        assert "295 MB" in result.errors[0].message
        assert "24 MB" in result.errors[0].message
        assert not BusinessGroup.objects.exists()

    def test_a_sheet_larger_than_any_real_one(self, kaltim, province_staff, no_parsing):
        good = workbook_bytes([new_group()], new_members("KUBE Maju", 5))
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1024
        data = _with_streamed_part(
            good,
            "xl/worksheets/sheet2.xml",
            row,
            repeat=(layout.LIMITS.sheet_bytes // len(row)) + 1,
            head=f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode(),
            tail=b"</sheetData></worksheet>",
        )
        result = import_file(data, province_staff)
        assert "64 MB" in result.errors[0].message
        assert not BusinessGroup.objects.exists()

    def test_the_largest_real_file_is_within_the_limits(self):
        """50,000 members as Excel saves them: 21 MB of member sheet, 7 MB of strings."""
        limits = layout.LIMITS
        assert limits.sheet_bytes >= 2 * 31 * MB
        assert limits.shared_strings_bytes >= 3 * 7 * MB
        assert limits.shared_strings >= 2 * 170_000


# --- Command ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCommand:
    def test_dry_run_then_import(self, kaltim, province_staff, tmp_path, capsys):
        path = tmp_path / "kelompok.xlsx"
        path.write_bytes(workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5)))
        call_command("import_groups", str(path), "--user", "rina", "--dry-run")
        assert not BusinessGroup.objects.exists()
        call_command("import_groups", str(path), "--user", "rina")
        assert BusinessGroup.objects.get().members.count() == 5

    def test_errors_are_printed_per_row_and_fail(self, kaltim, province_staff, tmp_path, capsys):
        members = new_members("KUBE Maju Jaya", 12)
        members[10]["nik"] = "123"
        path = tmp_path / "kelompok.xlsx"
        path.write_bytes(workbook_bytes([new_group()], members))
        with pytest.raises(CommandError):
            call_command("import_groups", str(path), "--user", "rina")
        assert re.search(r"Lembar Anggota, baris 12, NIK 123: ", capsys.readouterr().err)
        assert not BusinessGroup.objects.exists()

    def test_the_user_must_be_province_staff(self, kaltim, approver, tmp_path):
        path = tmp_path / "kelompok.xlsx"
        path.write_bytes(exports.template_workbook())
        with pytest.raises(CommandError):
            call_command("import_groups", str(path), "--user", "hendra")
        with pytest.raises(CommandError):
            call_command("import_groups", str(path), "--user", "nobody")

    def test_progress_is_printed_for_large_files(self, kaltim, province_staff, tmp_path, capsys):
        groups = [new_group(f"KUBE {n}") for n in range(120)]
        members = []
        for n in range(120):
            members += new_members(f"KUBE {n}", 10, first_serial=n * 10 + 1)
        path = tmp_path / "kelompok.xlsx"
        path.write_bytes(workbook_bytes(groups, members))
        call_command("import_groups", str(path), "--user", "rina", "--dry-run")
        assert "1000" in capsys.readouterr().err


# --- Views ----------------------------------------------------------------------------------


def upload(content, name="kelompok.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.mark.django_db
class TestViewAccess:
    @pytest.mark.parametrize(
        "name", ["groups:group_import", "groups:group_import_template", "groups:group_export"]
    )
    def test_anonymous_is_sent_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("persona", ["paser_officer", "berau_officer", "approver"])
    def test_only_province_staff_reach_the_import(self, client, personas, persona):
        client.force_login(personas[persona])
        assert client.get(reverse("groups:group_import")).status_code == 403
        data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5))
        response = client.post(reverse("groups:group_import"), {"file": upload(data)})
        assert response.status_code == 403
        assert not BusinessGroup.objects.exists()

    def test_export_and_template_are_get_only(self, client, province_staff):
        client.force_login(province_staff)
        assert client.post(reverse("groups:group_export")).status_code == 405
        assert client.post(reverse("groups:group_import_template")).status_code == 405
        assert client.put(reverse("groups:group_import")).status_code == 405


@pytest.mark.django_db
class TestImportViews:
    def test_upload_preview_confirm(self, client, kaltim, province_staff):
        client.force_login(province_staff)
        response = client.get(reverse("groups:group_import"))
        assert response.status_code == 200
        assert 'type="file"' in response.content.decode()

        data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 6))
        response = client.post(reverse("groups:group_import"), {"file": upload(data)})
        assert response.status_code == 200
        content = response.content.decode()
        assert "KUBE Maju Jaya" in content and 'name="confirm"' in content
        assert not BusinessGroup.objects.exists()
        token = response.context["confirm_form"].initial["token"]
        stored = Path(settings.MEDIA_ROOT) / "imports" / f"{token}.rows"
        assert stored.exists()

        response = client.post(reverse("groups:group_import"), {"token": token, "confirm": ""})
        assert response.status_code == 302
        assert response.url == reverse("groups:group_list")
        assert BusinessGroup.objects.get().members.count() == 6
        assert not stored.exists()
        # The same token cannot be used twice.
        response = client.post(reverse("groups:group_import"), {"token": token, "confirm": ""})
        assert response.status_code == 404

    def test_errors_are_listed_and_nothing_is_kept(self, client, kaltim, province_staff):
        client.force_login(province_staff)
        members = new_members("KUBE Maju Jaya", 5)
        members[2]["kk_number"] = "6401"
        data = workbook_bytes([new_group()], members)
        response = client.post(reverse("groups:group_import"), {"file": upload(data)})
        content = response.content.decode()
        assert response.status_code == 200
        assert 'id="import-errors"' in content
        assert re.search(r"Lembar Anggota, baris 4, No. KK 6401: ", content)
        assert response.context["confirm_form"] is None
        assert not BusinessGroup.objects.exists()

    @pytest.mark.parametrize("kind", HOSTILE_KINDS)
    def test_hostile_uploads_get_a_message_not_a_500(
        self, client, kaltim, province_staff, small_limits, kind
    ):
        client.force_login(province_staff)
        response = client.post(reverse("groups:group_import"), {"file": upload(hostile_file(kind))})
        assert response.status_code == 200
        assert 'id="import-errors"' in response.content.decode()

    def test_an_oversized_or_misnamed_upload_is_refused_by_the_form(
        self, client, kaltim, province_staff
    ):
        client.force_login(province_staff)
        big = upload(b"\0" * (layout.LIMITS.file_bytes + 1))
        response = client.post(reverse("groups:group_import"), {"file": big})
        assert response.status_code == 200
        assert "10 MB" in response.content.decode()
        response = client.post(
            reverse("groups:group_import"), {"file": upload(b"a;b", name="kelompok.csv")}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["file"]

    def test_a_token_not_from_this_session_is_404(self, client, kaltim, province_staff):
        client.force_login(province_staff)
        for token in (str(uuid.uuid4()), "../../etc/passwd"):
            response = client.post(reverse("groups:group_import"), {"token": token})
            assert response.status_code == 404

    def test_cancel_removes_the_stored_file(self, client, kaltim, province_staff):
        client.force_login(province_staff)
        data = workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 5))
        response = client.post(reverse("groups:group_import"), {"file": upload(data)})
        token = response.context["confirm_form"].initial["token"]
        response = client.post(reverse("groups:group_import"), {"token": token, "cancel": ""})
        assert response.status_code == 302
        assert not (Path(settings.MEDIA_ROOT) / "imports" / f"{token}.rows").exists()
        assert not BusinessGroup.objects.exists()


@pytest.mark.django_db
class TestExportViews:
    def test_the_berau_officer_exports_no_paser_line(self, client, seeded, berau_officer):
        client.force_login(berau_officer)
        response = client.get(reverse("groups:group_export") + "?regency=64.01")
        assert response.status_code == 200
        response = client.get(reverse("groups:group_export"))
        assert response["Content-Type"] == XLSX
        workbook = read_back(b"".join(response.streaming_content))
        for sheet in ("Kelompok", "Anggota"):
            for row in workbook[sheet].iter_rows(min_row=2, values_only=True):
                assert not any(isinstance(v, str) and v.startswith("64.01") for v in row), row
        names = [r[1] for r in workbook["Kelompok"].iter_rows(min_row=2, values_only=True)]
        assert names == ["KUBE Berau Jaya"]

    def test_export_follows_the_list_filters(self, client, seeded, province_staff):
        client.force_login(province_staff)
        response = client.get(reverse("groups:group_export") + "?regency=64.03")
        filename = f"kelompok-usaha-{timezone.localdate():%Y-%m-%d}.xlsx"
        assert filename in response["Content-Disposition"]
        workbook = read_back(b"".join(response.streaming_content))
        names = [r[1] for r in workbook["Kelompok"].iter_rows(min_row=2, values_only=True)]
        assert names == ["KUBE Berau Jaya"]
        response = client.get(reverse("groups:group_export") + "?q=Mekar")
        workbook = read_back(b"".join(response.streaming_content))
        assert workbook["Kelompok"].max_row == 2

    def test_template_download(self, client, approver):
        client.force_login(approver)
        response = client.get(reverse("groups:group_import_template"))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert read_back(response.content).sheetnames == ["Kelompok", "Anggota", "Petunjuk"]


@pytest.mark.django_db
class TestExportStreams:
    def test_the_export_is_sent_while_its_rows_are_read(
        self, client, kaltim, province_staff, monkeypatch
    ):
        from django.db import connection
        from django.db.models.query import QuerySet
        from django.http import StreamingHttpResponse
        from django.test.utils import CaptureQueriesContext

        import core.xlsx_stream

        for n in range(12):
            group_with_members(5, name=f"KUBE Alir {n:02d}")
        monkeypatch.setattr(core.xlsx_stream, "ROWS_PER_CHUNK", 5)

        def loads_everything(queryset):
            raise AssertionError("the export loaded a whole queryset into memory")

        client.force_login(province_staff)
        response = client.get(reverse("groups:group_export"))
        assert isinstance(response, StreamingHttpResponse)
        monkeypatch.setattr(QuerySet, "_fetch_all", loads_everything)
        chunks = iter(response.streaming_content)
        with CaptureQueriesContext(connection) as queries:
            first = next(chunks)
        assert first and not [q for q in queries if "groups_businessgroup" in q["sql"]]
        rest = list(chunks)
        # control comes back every five rows (the compressor sends bytes when it has some)
        assert len(rest) > (12 + 60) // 5
        workbook = read_back(first + b"".join(rest))
        names = [r[1] for r in workbook["Kelompok"].iter_rows(min_row=2, values_only=True)]
        assert names == [f"KUBE Alir {n:02d}" for n in range(12)]
        assert workbook["Anggota"].max_row == 61
