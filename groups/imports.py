"""Importing groups and their members from the groups workbook (layout in groups/workbook.py).

`groups_import` checks every row and saves nothing unless all of them are good. A group of
the file that is already registered gets the file's data and member list (members are matched
by NIK); an export imported back changes nothing. New rows are written in bulk (COPY on
PostgreSQL, see core/bulk.py) with their history rows.

A preview (a dry run) that finds no problem hands back its checked rows (`result.checked`,
compressed JSON); the confirmation imports those (`groups_import(checked=...)`) instead of
reading and checking the workbook again. The checks against the database (registered
groups, NIKs in other groups, the composition, who may edit or register where) run again
at the confirmation, inside its transaction: the data may have changed in between.
"""

import datetime
import itertools
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.bulk import insert_rows, record_history
from core.rules import ALLOWED, ensure
from core.xlsx_reader import Workbook, WorkbookRejected, open_workbook
from groups import rules
from groups.models import (
    DISTRICT_NOT_IN_REGENCY,
    GROUP_DATA_FIELDS,
    MEMBER_DATA_FIELDS,
    VILLAGE_NOT_IN_DISTRICT,
    BusinessGroup,
    GroupStatus,
    Member,
    MemberRole,
    Sector,
    Sex,
)
from groups.services import reserve_registration_numbers
from groups.validators import nik_problems, without_separators
from groups.workbook import (
    GROUP_COLUMNS,
    GROUP_SHEET,
    HEADERS,
    LIMITS,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
)
from regions.models import District, Regency, Village

CHANGE_REASON = "imported"  # stored in the history as an ASCII key, like the services do
QUERY_CHUNK = 5000  # values per IN (...) list: below SQLite's and PostgreSQL's parameter limits
BATCH_SIZE = 1000
PROGRESS_EVERY = 1000
TEXT_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")

# What a row of the file sets (as attribute names); a group's regency and a member's NIK
# identify the row rather than change it.
GROUP_FIELDS = tuple(
    BusinessGroup._meta.get_field(name).attname for name in GROUP_DATA_FIELDS if name != "regency"
)
MEMBER_FIELDS = tuple(name for name in MEMBER_DATA_FIELDS if name != "nik")

# --- Import: results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One problem: the sheet and row (as Excel numbers it) where it is, the column (with
    the value, for a code) when it is about one cell, and what it is: the message the form
    and the services give for the same value."""

    sheet: str
    row: int | None
    message: str
    column: str = ""

    def __str__(self):
        where = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.sheet and self.row and self.column:
            place = _("Sheet %(sheet)s, row %(row)d, %(column)s") % where
        elif self.sheet and self.row:
            place = _("Sheet %(sheet)s, row %(row)d") % where
        elif self.sheet:
            place = _("Sheet %(sheet)s") % where
        else:
            return self.message
        return f"{place}: {self.message}"


@dataclass(frozen=True)
class PreviewRow:
    action: str  # new, update or unchanged
    registration_number: str
    name: str
    regency: str
    district: str
    members: int

    @property
    def action_label(self) -> str:
        labels = {"new": _("New"), "update": _("Update"), "unchanged": _("Unchanged")}
        return labels[self.action]


PREVIEW_ROWS = 20


@dataclass
class ImportResult:
    dry_run: bool = False
    errors: list[ImportIssue] = field(default_factory=list)
    groups_created: int = 0
    groups_updated: int = 0
    groups_unchanged: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_removed: int = 0
    preview: list[PreviewRow] = field(default_factory=list)  # the first PREVIEW_ROWS groups
    checked: bytes | None = field(default=None, repr=False)  # a good dry run's rows

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, sheet: str, row: int | None, message, *, column: str = "") -> None:
        self.errors.append(ImportIssue(sheet, row, str(message), column))


@dataclass
class Sheet:
    """One data sheet: the position of each imported column, and its rows, read lazily."""

    name: str
    positions: dict[str, int]
    rows: Iterator[tuple[int, dict[int, object]]]  # (row number as Excel shows it, cells)
    total: int | None  # data rows, when the file says


def _sheet(workbook: Workbook, name, columns, result) -> Sheet | None:
    if name not in workbook.sheets:
        result.add("", None, _("The workbook has no sheet named %(sheet)s.") % {"sheet": name})
        return None
    reader = workbook.rows(name)
    rows = iter(reader)
    first = next(rows, None)
    header = {}
    if first is not None and first[0] == 1:
        header = first[1]
    elif first is not None:
        rows = itertools.chain([first], rows)  # row 1 is empty: no header at all
    found = {_folded(value): index for index, value in sorted(header.items()) if value}
    positions = {}
    for column in columns:
        if column.imported:
            positions[column.key] = found.get(_folded(column.header))
            if positions[column.key] is None:
                message = _("The column %(column)s is missing.") % {"column": column.header}
                result.add(name, 1, message)
    total = reader.stated_rows - 1 if reader.stated_rows else None
    return Sheet(name, positions, rows, total)


def _folded(value) -> str:
    """Case and spacing do not matter in headers, keys and choices."""
    return " ".join(str(value).split()).casefold()


# --- Import: reading one row --------------------------------------------------------------


class _Row:
    """Typed values out of one row's cells; each problem is recorded with sheet and row."""

    def __init__(self, sheet: Sheet, number: int, values: dict, result: ImportResult):
        self.sheet, self.number, self.values, self.result = sheet, number, values, result

    def error(self, message, *, column=""):
        self.result.add(self.sheet.name, self.number, message, column=column)

    def validated(self, model, name, value, *, key=None, shown=False):
        """The value, after the model field's own validators (the messages the form and the
        services give), each problem recorded against the column (and its value, if shown)."""
        if value is None or value == "":
            return value
        try:
            model._meta.get_field(name).run_validators(value)
        except ValidationError as error:
            column = HEADERS[key or name] + (f" {value}" if shown else "")
            for message in error.messages:
                self.error(message, column=column)
        return value

    def raw(self, key):
        index = self.sheet.positions.get(key)
        value = None if index is None else self.values.get(index)
        return None if isinstance(value, str) and not value.strip() else value

    def text(self, key, *, max_length, required=False, code=False) -> str:
        value = self.raw(key)
        if value is not None and not isinstance(value, str):
            value = self._cell_text(key, value, code=code)
        text = "" if value is None else value.strip()
        if required and value is None:  # an empty cell (raw() reads blanks as None)
            self.error(_("%(column)s is required.") % {"column": HEADERS[key]})
        elif len(text) > max_length:
            self.error(
                _("%(column)s is longer than %(max)d characters.")
                % {"column": HEADERS[key], "max": max_length}
            )
        return text

    def _cell_text(self, key, value, *, code) -> str:
        """A number, date or other cell that is not text, as the text it stands for."""
        if isinstance(value, float) and code and not value.is_integer():
            return f"{value:.2f}"  # 64.1 was 64.10 before Excel made it a number
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._number_as_text(key, value)
        if isinstance(value, datetime.datetime | datetime.date):
            return value.strftime("%d-%m-%Y")
        return str(value)

    def code(self, key, *, max_length, required=False) -> str:
        return self.text(key, max_length=max_length, required=required, code=True)

    def _number_as_text(self, key, value) -> str:
        """Digits typed into a number cell: fine up to 15 digits, which Excel keeps exactly."""
        if float(value).is_integer() and 0 <= value < 10**15:
            return str(int(value))
        self.error(
            _(
                "%(column)s is a number cell; type it as text (Excel keeps only 15 digits "
                "of a number)."
            )
            % {"column": HEADERS[key]}
        )
        return ""

    def date(self, key) -> datetime.date | None:
        """A date cell, or text written dd-mm-yyyy (a few other usual spellings too)."""
        value = self.raw(key)
        if value is None:
            self.error(_("%(column)s is required.") % {"column": HEADERS[key]})
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        elif isinstance(value, str):
            value = _parse_date(value.strip())
        if not isinstance(value, datetime.date):
            self.error(
                _("%(column)s is not a date; write it as dd-mm-yyyy.") % {"column": HEADERS[key]}
            )
            return None
        return value

    def choice(self, key, accepted: dict[str, str], *, default=None) -> str | None:
        text = self.text(key, max_length=200, required=default is None)
        if not text:
            return default
        value = accepted.get(_folded(text))
        if value is None:
            self.error(
                _("%(column)s %(value)s is not one of the allowed values.")
                % {"column": HEADERS[key], "value": text}
            )
        return value

    def kk_number(self) -> str:
        digits = without_separators(self.code("kk_number", max_length=40, required=True))
        return self.validated(Member, "kk_number", digits, shown=True)

    def nik(self, *, regency_known) -> str:
        """The field's own rules (groups.validators), with the regencies read once per import
        instead of once per member."""
        digits = without_separators(self.code("nik", max_length=40, required=True))
        if digits:
            for message in nik_problems(digits, regency_known=regency_known):
                self.error(message, column=f"{HEADERS['nik']} {digits}")
        return digits

    def decile(self) -> int | None:
        value = self.raw("decile")
        if value is None:
            return None
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            number = None
        if number is None or not number.is_integer() or not 1 <= number <= 10:
            self.error(
                _("%(column)s must be a whole number from 1 to 10.") % {"column": HEADERS["decile"]}
            )
            return None
        return int(number)


def _parse_date(text) -> datetime.date | None:
    for pattern in TEXT_DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _accepted(choices, extra=()) -> dict[str, str]:
    """Spellings accepted for a choice: its value, or its label in any of our languages."""
    accepted = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            accepted.update({_folded(label): value for value, label in choices})
    accepted.update({_folded(value): value for value, _label in choices})
    accepted.update({_folded(spelling): value for spelling, value in extra})
    return accepted


# --- Import: the rows as data ---------------------------------------------------------------


@dataclass(slots=True)
class MemberRow:
    number: int
    key: str
    values: dict  # Member field values


@dataclass(slots=True)
class GroupRow:
    number: int
    key: str
    registration_number: str
    regency_id: str
    values: dict  # BusinessGroup field values (GROUP_FIELDS)
    place: tuple[str, str] = ("", "")  # regency and district names, for the preview
    members: list[MemberRow] = field(default_factory=list)
    existing: BusinessGroup | None = None
    action: str = "new"  # new, update or unchanged


class _Reader:
    """Reads both sheets row by row and checks each row on its own (regions of our province)."""

    def __init__(self, *, by, result, progress):
        self.by, self.result, self.progress = by, result, progress
        province = settings.PROVINCE_CODE
        regencies = Regency.objects.filter(province_id=province)
        districts = District.objects.filter(regency__province_id=province)
        self.regencies = dict(regencies.values_list("code", "name"))
        self.districts = {
            code: (regency, name)
            for code, regency, name in districts.values_list("code", "regency_id", "name")
        }
        villages = Village.objects.filter(district__regency__province_id=province)
        self.villages = {}  # code -> district code
        self.village_names = defaultdict(list)  # (district code, folded name) -> codes
        for code, district, name in villages.values_list("code", "district_id", "name"):
            self.villages[code] = district
            self.village_names[district, _folded(name)].append(code)
        self.sectors = _accepted(Sector.choices)
        self.sexes = _accepted(Sex.choices, extra=[("laki-laki", "L"), ("perempuan", "P")])
        self.roles = _accepted(MemberRole.choices)
        self.done, self.total = 0, None
        # For the NIKs' regency codes (all of Indonesia: a NIK may come from anywhere).
        self.known_regencies = set(Regency.objects.values_list("code", flat=True))

    def read(self, group_sheet: Sheet, member_sheet: Sheet):
        if group_sheet.total is not None and member_sheet.total is not None:
            self.total = group_sheet.total + member_sheet.total
        groups = [g for g in self._rows(group_sheet, self.group) if g]
        members = [m for m in self._rows(member_sheet, self.member) if m]
        if self.progress:
            self.progress(self.done, self.done)
        return groups, members

    def _rows(self, sheet, read_row):
        for number, values in sheet.rows:
            self.done += 1
            if self.progress and self.done % PROGRESS_EVERY == 0:
                self.progress(self.done, self.total)
            if any(not (isinstance(v, str) and not v.strip()) for v in values.values()):
                yield read_row(_Row(sheet, number, values, self.result))

    def group(self, row: _Row) -> GroupRow | None:
        registration_number = row.code("registration_number", max_length=20)
        values = {
            "name": row.text("name", max_length=150, required=True),
            "sector": row.choice("sector", self.sectors),
            "address": row.text("address", max_length=2000, required=True),
            "phone": row.code("phone", max_length=20),
            "date_formed": row.validated(BusinessGroup, "date_formed", row.date("date_formed")),
            "bank_name": row.text("bank_name", max_length=100),
            "account_number": row.code("account_number", max_length=30),
            "account_holder": row.text("account_holder", max_length=150),
        }
        regency_id = self._regency(row)
        values["district_id"] = self._district(row, regency_id)
        values["village_id"] = self._village(row, values["district_id"], regency_id)
        key = registration_number or values["name"]
        if not key:
            return None
        place = (
            self.regencies.get(regency_id, ""),
            self.districts.get(values["district_id"], ("", ""))[1],
        )
        return GroupRow(row.number, _folded(key), registration_number, regency_id, values, place)

    def _regency(self, row) -> str:
        code = row.code("regency", max_length=5, required=True)
        if code and code not in self.regencies:
            row.error(_("Unknown regency/city code %(code)s.") % {"code": code})
        elif code and not (answer := rules.may_register(self.by, regency_id=code)):
            row.error(answer.reason, column=f"{HEADERS['regency']} {code}")
        return code

    def _district(self, row, regency_id) -> str:
        code = row.code("district", max_length=8, required=True)
        if code and code not in self.districts:
            row.error(_("Unknown district code %(code)s.") % {"code": code})
        elif code and regency_id in self.regencies and self.districts[code][0] != regency_id:
            row.error(DISTRICT_NOT_IN_REGENCY, column=f"{HEADERS['district']} {code}")
        return code

    def _village(self, row, district, regency_id) -> str:
        """The Kode Desa; when it is empty, the village of the district with the name in
        Desa/Kelurahan. Outside the district: the model's message, as in the form. (A
        district outside the regency is reported alone.)"""
        code = row.code("village_code", max_length=13)
        name = row.text("village_name", max_length=100)
        if self.districts.get(district, ("",))[0] != regency_id:
            district = None
        if code and code not in self.villages:
            row.error(_("Unknown village code %(code)s.") % {"code": code})
        elif code and district in self.districts and self.villages[code] != district:
            row.error(VILLAGE_NOT_IN_DISTRICT, column=f"{HEADERS['village_code']} {code}")
        elif not code and not name:
            row.error(_("%(column)s is required.") % {"column": HEADERS["village_code"]})
        elif not code and district in self.districts:
            found = self.village_names.get((district, _folded(name)), [])
            if len(found) == 1:
                return found[0]
            message = (
                _("District %(district)s has several villages named %(name)s: write the Kode Desa.")
                if found
                else _("District %(district)s has no village named %(name)s: write the Kode Desa.")
            )
            row.error(message % {"district": district, "name": name})
        return code

    def member(self, row: _Row) -> MemberRow | None:
        key = row.code("group_key", max_length=150, required=True)
        values = {
            "nik": row.nik(regency_known=self.known_regencies.__contains__),
            "kk_number": row.kk_number(),
            "full_name": row.text("full_name", max_length=150, required=True),
            "sex": row.choice("sex", self.sexes),
            "birth_date": row.validated(Member, "birth_date", row.date("birth_date")),
            "phone": row.code("phone", max_length=20),
            "role": row.choice("role", self.roles, default=MemberRole.MEMBER),
            "decile": row.decile(),
        }
        return MemberRow(row.number, _folded(key), values) if key else None


# --- Import: checks across rows and against the database ----------------------------------


class _Planner:
    """Ties members to their groups, checks the file against itself and the database, and
    works out what each group's row does (new, update, unchanged)."""

    def __init__(self, *, by, result, lock):
        self.by, self.result, self.lock = by, result, lock
        self.max_members = rules.verification_criteria().max_members

    def plan(self, groups: list[GroupRow], members: list[MemberRow]) -> "_Plan":
        self._attach(self._index(groups), members)
        self._check_duplicate_niks(members)
        self._load_existing(groups)
        current = self._current_members([g.existing for g in groups if g.existing])
        self._check_nik_conflicts(members, replaced=current.keys())
        for group in groups:
            if group.existing and not self._diff(group, current[group.existing.pk]):
                continue
            if group.action != "unchanged":
                self._check_composition(group)
        return _Plan(groups, current)

    def _index(self, groups) -> dict[str, GroupRow]:
        by_key = {}
        for group in groups:
            first = by_key.setdefault(group.key, group)
            if first is group:
                continue
            if group.registration_number:
                message = _("Registration number %(number)s is also in row %(row)d.") % {
                    "number": group.registration_number,
                    "row": first.number,
                }
            else:
                message = _(
                    "The new group in row %(row)d has the same name: the Anggota sheet cannot "
                    "tell them apart. Import one of them in another file."
                ) % {"row": first.number}
            self.result.add(GROUP_SHEET, group.number, message)
        return by_key

    def _attach(self, by_key, members):
        for member in members:
            group = by_key.get(member.key)
            if group is not None:
                group.members.append(member)
                continue
            self.result.add(
                MEMBER_SHEET,
                member.number,
                _(
                    "Kunci Kelompok %(key)s matches no group of the Kelompok sheet (use the "
                    "No. Registrasi, or the Nama Kelompok of a new group)."
                )
                % {"key": member.key},
            )

    def _check_duplicate_niks(self, members):
        seen = {}
        for member in members:
            nik = member.values["nik"]
            first = seen.setdefault(nik, member.number)
            if nik and first != member.number:
                self.result.add(
                    MEMBER_SHEET,
                    member.number,
                    _("NIK %(nik)s is also in row %(row)d.") % {"nik": nik, "row": first},
                )

    def _load_existing(self, groups):
        numbers = [g.registration_number for g in groups if g.registration_number]
        visible = BusinessGroup.objects.visible_to(self.by)
        if self.lock:
            visible = visible.select_for_update()
        found = {}
        for chunk in _chunks(numbers):
            found.update(
                (g.registration_number, g) for g in visible.filter(registration_number__in=chunk)
            )
        for group in groups:
            if group.registration_number:
                group.existing = found.get(group.registration_number)
                self._check_existing(group)

    def _check_existing(self, group):
        if group.existing is None:
            message = _("No group you can see has registration number %(number)s.") % {
                "number": group.registration_number
            }
        elif group.regency_id and group.existing.regency_id != group.regency_id:
            message = _("The regency of a registered group cannot be changed by import.")
        else:
            return
        self.result.add(GROUP_SHEET, group.number, message)

    def _current_members(self, existing) -> dict[int, dict[str, Member]]:
        current = {group.pk: {} for group in existing}
        for chunk in _chunks(list(current)):
            for member in Member.objects.filter(group_id__in=chunk, active=True):
                current[member.group_id][member.nik] = member
        return current

    def _check_nik_conflicts(self, members, *, replaced):
        """NIKs active in a group outside the file (the file's groups get the file's lists).

        The NIKs alone first (an index lookup); names only for the conflicts found.
        """
        rows = {m.values["nik"]: m.number for m in members if m.values["nik"]}
        replaced = set(replaced)
        taken = []
        for chunk in _chunks(list(rows)):
            active = Member.objects.active().filter(nik__in=chunk)
            taken += [
                pk for pk, group in active.values_list("pk", "group_id") if group not in replaced
            ]
        for chunk in _chunks(taken):
            for member in Member.objects.filter(pk__in=chunk).select_related("group__regency"):
                self.result.add(
                    MEMBER_SHEET,
                    rows[member.nik],
                    rules.nik_conflict_message(member, user=self.by),
                )

    def _diff(self, group: GroupRow, current: dict[str, Member]) -> bool:
        """Set the row's action; False when it changes a group the user may not edit."""
        existing = group.existing
        changed = not _same(existing, group.values, GROUP_FIELDS)
        listed = {m.values["nik"]: m.values for m in group.members}
        changed = changed or listed.keys() != current.keys()
        changed = changed or any(
            not _same(current[nik], values, MEMBER_FIELDS) for nik, values in listed.items()
        )
        group.action = "update" if changed else "unchanged"
        answer = rules.may_edit(existing, self.by) if changed else ALLOWED
        if not answer:
            self.result.add(GROUP_SHEET, group.number, answer.reason)
        return answer.allowed

    def _check_composition(self, group: GroupRow):
        """The composition `group_register` and `group_update` require, with their messages."""
        members = [(m.values["nik"], m.values["role"]) for m in group.members]
        for message in rules.composition_problems(members, max_members=self.max_members):
            self.result.add(GROUP_SHEET, group.number, message)


def _same(obj, values: dict, names) -> bool:
    """Whether the object already holds the values (a line break is a line break)."""
    for name in names:
        old, new = getattr(obj, name), values[name]
        if isinstance(old, str):
            old = old.replace("\r\n", "\n")
        if old != new:
            return False
    return True


def _chunks(values: list, size=QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Import: writing ----------------------------------------------------------------------


class _Plan:
    """What the import changes; `apply` writes it in bulk, with history rows."""

    def __init__(self, groups: list[GroupRow], current: dict[int, dict[str, Member]]):
        self.groups = groups
        self.created, self.updated, self.removed = [], [], []
        for group in groups:
            if group.action == "update":
                created, updated, removed = _member_changes(group, current[group.existing.pk])
                self.created += [_member(group.existing, row) for row in created]
                self.updated += updated
                self.removed += removed

    def count(self, result: ImportResult):
        actions = [g.action for g in self.groups]
        result.groups_created = actions.count("new")
        result.groups_updated = actions.count("update")
        result.groups_unchanged = actions.count("unchanged")
        new_members = sum(len(g.members) for g in self.groups if g.action == "new")
        result.members_created = len(self.created) + new_members
        result.members_updated = len(self.updated)
        result.members_removed = len(self.removed)
        result.preview = [_preview(g) for g in self.groups[:PREVIEW_ROWS]]

    def apply(self, by):
        now = timezone.now()
        self._update_groups(now, by)
        for member in self.removed:  # one by one, so the history records who removed it
            member._history_user = by
            member._change_reason = CHANGE_REASON
            member.delete()
        self._update_members(now, by)
        created = itertools.chain(self.created, self._create_groups(now, by))
        for batch in itertools.batched(created, BATCH_SIZE):  # memory stays flat
            insert_rows(Member, batch, now=now)
            record_history(Member, batch, "+", by=by, when=now, reason=CHANGE_REASON)

    def _update_groups(self, now, by):
        changed = [g for g in self.groups if g.action == "update"]
        for group in changed:
            for name in GROUP_FIELDS:
                setattr(group.existing, name, group.values[name])
            group.existing.updated_at = now
        existing = [g.existing for g in changed]
        fields = [*GROUP_FIELDS, "updated_at"]
        BusinessGroup.objects.bulk_update(existing, fields, batch_size=BATCH_SIZE)
        record_history(BusinessGroup, existing, "~", by=by, when=now, reason=CHANGE_REASON)

    def _update_members(self, now, by):
        """Demote first, so a ketua, sekretaris or bendahara role can move between members."""
        moving = [m.pk for m in self.updated if m.role != MemberRole.MEMBER]
        for chunk in _chunks(moving):
            Member.objects.filter(pk__in=chunk).update(role=MemberRole.MEMBER)
        for member in self.updated:
            member.updated_at = now
        fields = [*MEMBER_FIELDS, "updated_at"]
        Member.objects.bulk_update(self.updated, fields, batch_size=BATCH_SIZE)
        record_history(Member, self.updated, "~", by=by, when=now, reason=CHANGE_REASON)

    def _create_groups(self, now, by) -> Iterator[Member]:
        """New groups (proposed, numbered like registered ones); returns their members, built
        one by one as they are saved."""
        new = [g for g in self.groups if g.action == "new"]
        objects = [
            BusinessGroup(
                registration_number=number,
                regency_id=g.regency_id,
                status=GroupStatus.PROPOSED,
                created_by=by,
                **g.values,
            )
            for g, number in zip(new, _registration_numbers(new), strict=True)
        ]
        for batch in itertools.batched(objects, BATCH_SIZE):
            insert_rows(BusinessGroup, batch, now=now)
        record_history(BusinessGroup, objects, "+", by=by, when=now, reason=CHANGE_REASON)
        return (_member(obj, row) for g, obj in zip(new, objects, strict=True) for row in g.members)


def _registration_numbers(groups: list[GroupRow]) -> list[str]:
    """A number for each new group, in file order within its regency: one statement per
    regency, regencies in code order (two imports lock the counters in the same order)."""
    year = timezone.localdate().year
    positions = defaultdict(list)
    for index, group in enumerate(groups):
        positions[group.regency_id].append(index)
    numbers = [""] * len(groups)
    for regency_id in sorted(positions):
        indexes = positions[regency_id]
        reserved = reserve_registration_numbers(
            regency_id=regency_id, year=year, count=len(indexes)
        )
        for index, number in zip(indexes, reserved, strict=True):
            numbers[index] = number
    return numbers


def _member_changes(group: GroupRow, current: dict[str, Member]):
    """(rows to create, members changed in place, members to remove) of a registered group."""
    created, updated = [], []
    for row in group.members:
        member = current.get(row.values["nik"])
        if member is None:
            created.append(row)
        elif not _same(member, row.values, MEMBER_FIELDS):
            for name in MEMBER_FIELDS:
                setattr(member, name, row.values[name])
            updated.append(member)
    listed = {row.values["nik"] for row in group.members}
    removed = [member for nik, member in current.items() if nik not in listed]
    return created, updated, removed


def _member(group, row: MemberRow) -> Member | SimpleNamespace:
    """A new member to save; on PostgreSQL, where COPY writes it, a plain record of its
    column values (building 20,000 model instances was a sixth of an import's time)."""
    if connection.vendor == "postgresql":
        return SimpleNamespace(id=None, group_id=group.pk, active=True, **row.values)
    return Member(group=group, active=True, **row.values)


def _preview(group: GroupRow) -> PreviewRow:
    return PreviewRow(
        action=group.action,
        registration_number=group.registration_number,
        name=group.values["name"],
        regency=group.place[0],
        district=group.place[1],
        members=len(group.members),
    )


# --- Import: the service ------------------------------------------------------------------


def groups_import(
    *,
    file=None,
    checked: bytes | None = None,
    by,
    dry_run: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """Check every row of the workbook; when all are good and this is no dry run, save them
    in one transaction. `file`: a path, bytes or a binary file object (an upload); or
    `checked`: the rows a dry run checked (its `result.checked`), not read again.

    `progress(done_rows, total_rows)` is called every PROGRESS_EVERY rows read; total_rows is
    None when the file does not state its size (files written in write-only mode).
    """
    ensure(rules.may_import(by))
    result = ImportResult(dry_run=dry_run)
    if checked is not None:
        groups, members = load_checked(checked)
        _check_regencies(groups, by=by, result=result)
    else:
        try:
            groups, members = _read(file, by=by, result=result, progress=progress)
        except WorkbookRejected as exc:
            result.add("", None, str(exc))
            return result
        if groups is None:
            return result
    try:
        with transaction.atomic():
            lock = result.ok and not dry_run
            plan = _Planner(by=by, result=result, lock=lock).plan(groups, members)
            if result.ok:
                plan.count(result)
            if result.ok and not dry_run:
                plan.apply(by)
    except IntegrityError:
        result.add("", None, _("The data conflicts with a change saved at the same time."))
    if result.ok and dry_run:
        result.checked = dump_checked(groups, members)
    return result


def _read(file, *, by, result, progress):
    workbook = open_workbook(file, limits=LIMITS)
    try:
        group_sheet = _sheet(workbook, GROUP_SHEET, GROUP_COLUMNS, result)
        member_sheet = _sheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS, result)
        if not result.ok:
            return None, None
        return _Reader(by=by, result=result, progress=progress).read(group_sheet, member_sheet)
    finally:
        workbook.close()


def _check_regencies(groups: list[GroupRow], *, by, result: ImportResult) -> None:
    """Whether the user may still register groups in each regency of the file (the one
    check of a row that depends on who imports; the others depend on the file alone)."""
    answers = {}
    for group in groups:
        code = group.regency_id
        if code not in answers:
            answers[code] = rules.may_register(by, regency_id=code)
        if not answers[code]:
            column = f"{HEADERS['regency']} {code}"
            result.add(GROUP_SHEET, group.number, answers[code].reason, column=column)


# --- Import: the checked rows, kept between the preview and the confirmation ---------------

CHECKED_FORMAT = 1
_GROUP_DATES = {GROUP_FIELDS.index("date_formed")}
_MEMBER_DATES = {MEMBER_DATA_FIELDS.index("birth_date")}


def dump_checked(groups: list[GroupRow], members: list[MemberRow]) -> bytes:
    """The rows as read and checked, as compressed JSON (values in field order)."""
    payload = {
        "format": CHECKED_FORMAT,
        "groups": [
            [g.number, g.key, g.registration_number, g.regency_id, g.place]
            + [g.values[name] for name in GROUP_FIELDS]
            for g in groups
        ],
        "members": [
            [m.number, m.key] + [m.values[name] for name in MEMBER_DATA_FIELDS] for m in members
        ],
    }
    text = json.dumps(payload, separators=(",", ":"), default=datetime.date.isoformat)
    return zlib.compress(text.encode(), 1)


def load_checked(data: bytes) -> tuple[list[GroupRow], list[MemberRow]]:
    payload = json.loads(zlib.decompress(data))
    if payload.get("format") != CHECKED_FORMAT:
        raise ValueError("checked rows of another format")
    date = datetime.date.fromisoformat
    groups = []
    for number, key, registration_number, regency_id, place, *values in payload["groups"]:
        for index in _GROUP_DATES:
            values[index] = date(values[index])
        groups.append(
            GroupRow(
                number,
                key,
                registration_number,
                regency_id,
                dict(zip(GROUP_FIELDS, values, strict=True)),
                tuple(place),
            )
        )
    members = []
    for number, key, *values in payload["members"]:
        for index in _MEMBER_DATES:
            values[index] = date(values[index])
        members.append(MemberRow(number, key, dict(zip(MEMBER_DATA_FIELDS, values, strict=True))))
    return groups, members
