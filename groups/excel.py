"""Excel import and export of business groups and their members.

One workbook layout serves the export, the empty template and the import:

- sheet "Kelompok": one row per group;
- sheet "Anggota": one row per active member, tied to its group by "Kunci Kelompok": the
  group's registration number, or, for a group new in this file (no registration number yet),
  its name exactly as in the Kelompok sheet; new groups of one file must have distinct names;
- sheet "Petunjuk": instructions, ignored on import.

Sheet names and column headers are a file format: fixed Indonesian strings, never translated.
Columns are found by their header, so their order does not matter on import.

The import checks every row and saves nothing unless all of them are good. A group of the file
that is already registered gets the file's data and member list (members are matched by NIK);
an export imported back changes nothing.
"""

import datetime
import itertools
import posixpath
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace
from xml.etree.ElementTree import Element, ParseError, XMLPullParser
from xml.parsers import expat

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from accounts.roles import Action, can
from core.errors import NotAllowed
from core.indonesia import check_nik
from core.xlsx import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    TEXT_FORMAT,
)
from core.xlsx import cell as _cell
from groups.models import BusinessGroup, GroupStatus, Member, MemberRole, Sector, Sex
from groups.services import group_is_editable_by, reserve_registration_numbers
from regions.models import District, Regency

MAX_FILE_BYTES = 10 * 1024 * 1024
# A zip bomb is small on disk and huge unpacked; a real 10 MB workbook unpacks to far less.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024

GROUP_SHEET = "Kelompok"
MEMBER_SHEET = "Anggota"
HELP_SHEET = "Petunjuk"

CHANGE_REASON = "imported"  # stored in the history as an ASCII key, like the services do
QUERY_CHUNK = 5000  # values per IN (...) list: below SQLite's and PostgreSQL's parameter limits
BATCH_SIZE = 1000
PROGRESS_EVERY = 1000
TEXT_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    kind: str = "text"  # text, code (kept as a text cell), date or number
    imported: bool = True


GROUP_COLUMNS = (
    Column("registration_number", "No. Registrasi", 18, "code"),
    Column("name", "Nama Kelompok", 32),
    Column("sector", "Jenis Usaha", 30),
    Column("regency", "Kode Kabupaten/Kota", 12, "code"),
    Column("district", "Kode Kecamatan", 14, "code"),
    Column("village_name", "Desa/Kelurahan", 22),
    Column("village_code", "Kode Desa", 16, "code"),
    Column("address", "Alamat", 40),
    Column("phone", "Telepon", 16, "code"),
    Column("date_formed", "Tanggal Dibentuk", 14, "date"),
    Column("bank_name", "Bank", 18),
    Column("account_number", "No. Rekening", 20, "code"),
    Column("account_holder", "Nama Pemilik Rekening", 32),
    Column("status", "Status", 14, imported=False),
)
MEMBER_COLUMNS = (
    Column("group_key", "Kunci Kelompok", 18, "code"),
    Column("group_name", "Nama Kelompok", 32, imported=False),
    Column("nik", "NIK", 19, "code"),
    Column("kk_number", "No. KK", 19, "code"),
    Column("full_name", "Nama Lengkap", 32),
    Column("sex", "Jenis Kelamin", 8),
    Column("birth_date", "Tanggal Lahir", 14, "date"),
    Column("phone", "Telepon", 16, "code"),
    Column("role", "Peran", 12),
    Column("decile", "Desil DTSEN", 8, "number"),
)
HEADERS = {c.key: c.header for c in (*GROUP_COLUMNS, *MEMBER_COLUMNS)}

GROUP_FIELDS = (
    "name",
    "sector",
    "district_id",
    "village_name",
    "village_code",
    "address",
    "phone",
    "date_formed",
    "bank_name",
    "account_number",
    "account_holder",
)
MEMBER_FIELDS = ("kk_number", "full_name", "sex", "birth_date", "phone", "role", "decile")


# --- Export -------------------------------------------------------------------------------


def export_groups(*, queryset) -> bytes:
    """The groups of `queryset` and their active members as an xlsx file (two queries)."""
    buffer = BytesIO()
    write_groups(queryset=queryset, fileobj=buffer)
    return buffer.getvalue()


def write_groups(*, queryset, fileobj) -> None:
    """Stream the export into a binary file object (write-only mode: memory stays flat)."""
    workbook, group_sheet, member_sheet = _new_workbook()
    with translation.override("id"):
        sector_labels = {value: str(label) for value, label in Sector.choices}
        status_labels = {value: str(label) for value, label in GroupStatus.choices}
    for group in queryset.iterator(chunk_size=2000):
        group_sheet.append(_group_cells(group_sheet, group, sector_labels, status_labels))
    for member in _export_members(queryset):
        member_sheet.append(_member_cells(member_sheet, member))
    _write_help(workbook)
    workbook.save(fileobj)


def template_workbook() -> bytes:
    """An empty workbook with the headers and the instructions, opened on the instructions."""
    workbook, _groups, _members = _new_workbook()
    _write_help(workbook)
    workbook.active = 2
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_workbook():
    workbook = Workbook(write_only=True)
    sheets = []
    for title, columns in ((GROUP_SHEET, GROUP_COLUMNS), (MEMBER_SHEET, MEMBER_COLUMNS)):
        sheet = workbook.create_sheet(title)
        _set_columns(sheet, columns)
        sheet.append(_header_cells(sheet, columns))
        sheets.append(sheet)
    return workbook, *sheets


READ_ONLY_FILL = PatternFill("solid", fgColor="EDEDED")


def _set_columns(sheet, columns):
    """Widths, and a text format on code columns so typed NIKs stay 16 digits."""
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.kind == "code":
            dimension.number_format = TEXT_FORMAT
        elif column.kind == "date":
            dimension.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"


def _header_cells(sheet, columns):
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL if column.imported else READ_ONLY_FILL
        cells.append(cell)
    return cells


def _text_cell(sheet, value):
    return _cell(sheet, value, TEXT_FORMAT)


def _date_cell(sheet, value):
    return _cell(sheet, value, DATE_FORMAT)


def _group_cells(sheet, group, sector_labels, status_labels):
    return [
        _text_cell(sheet, group.registration_number),
        _cell(sheet, group.name),
        _cell(sheet, sector_labels.get(group.sector, group.sector)),
        _text_cell(sheet, group.regency_id),
        _text_cell(sheet, group.district_id),
        _cell(sheet, group.village_name),
        _text_cell(sheet, group.village_code),
        _cell(sheet, group.address),
        _text_cell(sheet, group.phone),
        _date_cell(sheet, group.date_formed),
        _cell(sheet, group.bank_name),
        _text_cell(sheet, group.account_number),
        _cell(sheet, group.account_holder),
        _cell(sheet, status_labels.get(group.status, group.status)),
    ]


ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(MemberRole.values)),
    output_field=IntegerField(),
)


def _export_members(queryset):
    """Active members of the queryset's groups, group by group, ketua first (one query)."""
    return (
        Member.objects.filter(active=True, group__in=queryset.order_by().values("pk"))
        .annotate(role_order=ROLE_ORDER)
        .order_by("group__regency_id", "group__name", "group_id", "role_order", "full_name")
        .values_list(
            "group__registration_number",
            "group__name",
            "nik",
            "kk_number",
            "full_name",
            "sex",
            "birth_date",
            "phone",
            "role",
            "decile",
        )
        .iterator(chunk_size=2000)
    )


def _member_cells(sheet, member):
    key, group_name, nik, kk, name, sex, birth_date, phone, role, decile = member
    return [
        _text_cell(sheet, key),
        _cell(sheet, group_name),
        _text_cell(sheet, nik),
        _text_cell(sheet, kk),
        _cell(sheet, name),
        sex,
        _date_cell(sheet, birth_date),
        _text_cell(sheet, phone),
        role,
        decile,
    ]


def _write_help(workbook):
    sheet = workbook.create_sheet(HELP_SHEET)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    title = WriteOnlyCell(sheet, value=_("How to fill in this workbook"))
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    for line in _help_lines():
        sheet.append(["", line])
    sheet.append([])
    heading = WriteOnlyCell(sheet, value=_("Allowed values"))
    heading.font = HEADER_FONT
    sheet.append([heading])
    for label, values in _allowed_values():
        sheet.append([label, values])


def _help_lines():
    return [
        _(
            "Sheet Kelompok: one row per group. Leave No. Registrasi empty for a new group; "
            "keep it (as exported) to update a registered group."
        ),
        _(
            "Sheet Anggota: one row per member. Kunci Kelompok ties the member to a group: "
            "the group's No. Registrasi, or for a new group its Nama Kelompok exactly as in "
            "the Kelompok sheet. Two new groups in one file may not have the same name."
        ),
        _(
            "The members listed for a group replace its current members: a member left out "
            "is removed from the group. Members are matched by NIK."
        ),
        _("Each group needs exactly one ketua, and has at most one sekretaris and one bendahara."),
        _(
            "NIK and No. KK: 16 digits typed as text (the columns are formatted as text). "
            "A number cell is refused: Excel keeps only 15 digits of a number."
        ),
        _("Dates: a date cell, or text written dd-mm-yyyy (for example 17-08-2024)."),
        _(
            "Kode Kabupaten/Kota and Kode Kecamatan: Kemendagri codes, for example 64.01 "
            "and 64.01.04. Kode Desa is optional (for example 64.01.04.2001)."
        ),
        _(
            "Grey columns (Status, and Nama Kelompok in the Anggota sheet) are for reading "
            "only: the import ignores them."
        ),
        _(
            "Nothing is saved unless every row is valid; each problem is listed with its "
            "sheet and row number. Formulas are not calculated: only their saved values count."
        ),
        _("At most %(size)d MB per file.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
    ]


def _allowed_values():
    with translation.override("id"):
        sectors = "; ".join(str(label) for label in Sector.labels)
    return [
        (HEADERS["sector"], sectors),
        (HEADERS["sex"], "L; P"),
        (HEADERS["role"], "; ".join(MemberRole.values)),
        (HEADERS["decile"], "1 - 10"),
    ]


# --- Import: results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One problem: the sheet and row (as Excel numbers it) where it is, and what it is."""

    sheet: str
    row: int | None
    message: str

    def __str__(self):
        if self.sheet and self.row:
            return _("Sheet %(sheet)s, row %(row)d: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.sheet:
            return _("Sheet %(sheet)s: %(message)s") % {
                "sheet": self.sheet,
                "message": self.message,
            }
        return self.message


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

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, sheet: str, row: int | None, message) -> None:
        self.errors.append(ImportIssue(sheet, row, str(message)))


class FileRejected(Exception):
    """The upload is not a workbook this import can read."""


# --- Import: opening the file -------------------------------------------------------------


def _open_workbook(file) -> "_Workbook":
    """Check size and structure before any XML is parsed, then read the workbook's parts."""
    source = _binary(file)
    try:
        archive = zipfile.ZipFile(source)
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(_not_xlsx()) from exc
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise FileRejected(_not_xlsx())
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRejected(_("The file unpacks to far more data than a list of groups holds."))
    try:
        return _Workbook(archive)
    except DAMAGED as exc:
        archive.close()
        raise FileRejected(_not_xlsx()) from exc


def _binary(file):
    """A seekable binary file object of at most MAX_FILE_BYTES, from a path, bytes or a file."""
    if isinstance(file, str | Path):
        _check_size(Path(file).stat().st_size)
        return BytesIO(Path(file).read_bytes())
    if isinstance(file, bytes):
        file = BytesIO(file)
    _check_size(file.seek(0, 2))
    file.seek(0)
    return file


def _check_size(size):
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            _("The file is %(size).1f MB; at most %(limit)d MB can be imported.")
            % {"size": size / 1024 / 1024, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )


def _not_xlsx():
    return _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")


# --- Import: reading the workbook's XML ---------------------------------------------------
#
# The standard library's C parser (expat), streamed row by row; cell values as openpyxl's
# read-only reader gives them (data_only: a formula's value saved with the file, never
# calculated), through openpyxl's own helpers for number formats and Excel dates. Not
# python-calamine: its Rust reader allocates the rectangle from A1 to the last cell, so a
# 5 KB workbook with a value in XFD1048576 aborts the process (tafia/calamine#693).

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's grid ends at XFD1048576
XML_CHUNK = 16 * 1024  # small: fewer fresh elements at a time (measured: a third faster)
# What a damaged or hostile workbook raises while it is read: reported as "not an xlsx".
DAMAGED = (
    KeyError,  # a part or a shared string that is not there
    IndexError,
    ValueError,  # a number, row or cell reference that is not one
    OverflowError,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted zip member; NotImplementedError: a compression zipfile lacks
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    expat.ExpatError,
)


class _RootReached(Exception):
    pass


class _Prolog:
    """Expat on the start of an XML part until its root element opens: a DOCTYPE there (the
    only place entities can be declared) is refused before the real parser sees it."""

    def __init__(self):
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._root
        self.done = False

    def feed(self, chunk):
        if self.done:
            return
        try:
            self.parser.Parse(chunk, False)
        except _RootReached:
            self.done = True

    @staticmethod
    def _doctype(*args):
        raise ValueError("a DOCTYPE in a workbook part")

    @staticmethod
    def _root(*args):
        raise _RootReached


def _xml_elements(stream, tags: set[str]) -> Iterator[Element]:
    """The elements of an XML part with one of `tags`, each as it ends (its children are
    complete), from the C parser."""
    prolog, parser = _Prolog(), XMLPullParser(events=("end",))
    while chunk := stream.read(XML_CHUNK):
        prolog.feed(chunk)
        parser.feed(chunk)
        for _event, element in parser.read_events():
            if element.tag in tags:
                yield element
    parser.close()  # a truncated part raises here
    for _event, element in parser.read_events():
        if element.tag in tags:
            yield element


def _plain_text(item: Element) -> str:
    """A string item (<si> or <is>) without formatting: its text and its runs' text."""
    if len(item) == 1 and item[0].tag == MAIN + "t":  # the usual case: one plain text
        return item[0].text or ""
    parts = []
    for child in item:
        if child.tag == MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == MAIN + "r":  # a formatted run (<rPh>, the phonetic guide, is not)
            parts.append(child.findtext(MAIN + "t") or "")
    return "".join(parts)


class _Workbook:
    """The parts of an xlsx the import reads: sheet names and paths, shared strings, and
    which cell styles show dates."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        parts = self._relationships("xl/_rels/workbook.xml.rels")
        self.sheets, date1904 = {}, False
        for element in self._elements("xl/workbook.xml", {MAIN + "sheet", MAIN + "workbookPr"}):
            if element.tag == MAIN + "sheet":
                self.sheets[element.get("name")] = parts.get(element.get(RELATIONSHIP_ID))
            else:
                date1904 = element.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.strings = self._shared_strings(parts.get("sharedStrings"))
        self.date_styles, self.timedelta_styles = self._date_styles(parts.get("styles"))

    def close(self):
        self.archive.close()

    def _elements(self, path, tags) -> Iterator[Element]:
        with self.archive.open(path) as stream:
            yield from _xml_elements(stream, tags)

    def _relationships(self, path) -> dict[str, str]:
        """Relationship id (and, for the string table and styles, type) -> part path."""
        parts = {}
        for relation in self._elements(path, {RELATIONSHIPS + "Relationship"}):
            if relation.get("TargetMode") == "External":
                continue
            target = relation.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            target = posixpath.normpath(target)
            parts[relation.get("Id")] = target
            parts.setdefault(relation.get("Type", "").rpartition("/")[2], target)
        return parts

    def _shared_strings(self, path) -> list[str]:
        strings = []
        if path is None:
            return strings
        for item in self._elements(path, {MAIN + "si"}):
            # As openpyxl reads them: _x005F_ is how Excel escapes a typed "_x".
            strings.append(_plain_text(item).replace("x005F_", ""))
            item.clear()
        return strings

    def _date_styles(self, path) -> tuple[set[int], set[int]]:
        """Indexes of the cell styles whose number format is a date (or a duration)."""
        if path is None:
            return set(), set()
        custom, cell_styles = {}, []
        for element in self._elements(path, {MAIN + "numFmt", MAIN + "cellXfs"}):
            if element.tag == MAIN + "numFmt":
                custom[int(element.get("numFmtId"))] = element.get("formatCode")
            else:
                cell_styles += element.iterfind(MAIN + "xf")
        dates, durations = set(), set()
        for index, style in enumerate(cell_styles):
            format_id = int(style.get("numFmtId", 0))
            code = custom.get(format_id) or builtin_format_code(format_id)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations

    def rows(self, name) -> "_SheetRows":
        return _SheetRows(self, self.sheets[name])

    def value(self, cell: Element):
        """A cell's value as openpyxl's read-only, data-only reader gives it."""
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            item = cell.find(MAIN + "is")
            return None if item is None else _plain_text(item)
        value = cell.findtext(MAIN + "v") or None
        if value is None:
            return None
        if kind == "n":
            number = float(value) if "." in value or "e" in value or "E" in value else int(value)
            style = int(cell.get("s") or 0)
            if style not in self.date_styles:
                return number
            try:
                return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date cell out of the calendar: an error cell
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # str (a formula's text) or e (an error such as #N/A)


class _SheetRows:
    """The rows of one sheet, streamed: (row number as Excel shows it, {column index from 0:
    value}) for each row the file holds, cells without a value left out."""

    def __init__(self, workbook: _Workbook, path: str):
        self.workbook, self.path = workbook, path
        self.stated_rows = None  # the last row the sheet's <dimension> names, if it does

    def __iter__(self) -> Iterator[tuple[int, dict[int, object]]]:
        try:
            yield from self._rows()
        except DAMAGED as exc:
            raise FileRejected(_not_xlsx()) from exc

    def _rows(self):
        if self.path is None:
            raise KeyError("the sheet's part is not named in the workbook")
        number = 0
        for element in self.workbook._elements(self.path, {MAIN + "row", MAIN + "dimension"}):
            if element.tag == MAIN + "row":
                number = int(element.get("r") or number + 1)
                cells = self._cells(element)
                if not 1 <= number <= MAX_ROW:
                    raise ValueError(f"row {number} is outside the grid")
                yield number, cells
                element.clear()
            elif element.tag == MAIN + "dimension":
                last = element.get("ref", "").rpartition(":")[2].lstrip(_LETTERS)
                self.stated_rows = int(last) if last.isdigit() else None

    def _cells(self, row: Element) -> dict[int, object]:
        cells, column, value_of = {}, -1, self.workbook.value
        for cell in row:
            if cell.tag != MAIN + "c":
                continue
            reference = cell.get("r")
            if reference:  # A7 -> 0; a column past XFD is a KeyError, as for "7A"
                column = COLUMN_INDEXES[reference.rstrip("0123456789").upper()]
            else:
                column += 1
                if column == MAX_COLUMN:
                    raise ValueError("a cell past column XFD")
            value = value_of(cell)
            if value is not None:
                cells[column] = value
        return cells


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
COLUMN_INDEXES = {get_column_letter(n + 1): n for n in range(MAX_COLUMN)}  # "A": 0 ... "XFD"


@dataclass
class Sheet:
    """One data sheet: the position of each imported column, and its rows, read lazily."""

    name: str
    positions: dict[str, int]
    rows: Iterator[tuple[int, dict[int, object]]]  # (row number as Excel shows it, cells)
    total: int | None  # data rows, when the file says


def _sheet(workbook: _Workbook, name, columns, result) -> Sheet | None:
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

    def __init__(self, sheet: Sheet, number: int, values: dict, result: ImportResult, today):
        self.sheet, self.number, self.values, self.result = sheet, number, values, result
        self.today = today

    def error(self, message):
        self.result.add(self.sheet.name, self.number, message)

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
        if value > self.today:
            self.error(_("%(column)s is in the future.") % {"column": HEADERS[key]})
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
        text = self.code("kk_number", max_length=40, required=True)
        digits = _SEPARATORS.sub("", text)
        if text and not re.fullmatch(r"[0-9]{16}", digits):
            self.error(_("%(column)s must be 16 digits.") % {"column": HEADERS["kk_number"]})
        return digits

    def nik(self) -> str:
        text = self.code("nik", max_length=40, required=True)
        if not text:
            return ""
        check = check_nik(text)
        for message in check.errors:
            self.error(_("NIK %(nik)s: %(message)s") % {"nik": text, "message": message})
        return check.nik or text

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


_SEPARATORS = re.compile(r"[\s.\-]")


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
        self.sectors = _accepted(Sector.choices)
        self.sexes = _accepted(Sex.choices, extra=[("laki-laki", "L"), ("perempuan", "P")])
        self.roles = _accepted(MemberRole.choices)
        self.done, self.total = 0, None
        self.today = timezone.localdate()

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
                yield read_row(_Row(sheet, number, values, self.result, self.today))

    def group(self, row: _Row) -> GroupRow | None:
        registration_number = row.code("registration_number", max_length=20)
        values = {
            "name": row.text("name", max_length=150, required=True),
            "sector": row.choice("sector", self.sectors),
            "village_name": row.text("village_name", max_length=100, required=True),
            "village_code": row.code("village_code", max_length=13),
            "address": row.text("address", max_length=2000, required=True),
            "phone": row.code("phone", max_length=20),
            "date_formed": row.date("date_formed"),
            "bank_name": row.text("bank_name", max_length=100),
            "account_number": row.code("account_number", max_length=30),
            "account_holder": row.text("account_holder", max_length=150),
        }
        regency_id = self._regency(row)
        values["district_id"] = self._district(row, regency_id)
        self._check_village_code(row, values["village_code"], values["district_id"])
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
        elif code and self.by.is_regency_officer and code != self.by.regency_id:
            row.error(
                _("Regency %(code)s is not yours: you may only import groups of %(own)s.")
                % {"code": code, "own": self.by.regency_id}
            )
        return code

    def _district(self, row, regency_id) -> str:
        code = row.code("district", max_length=8, required=True)
        if code and code not in self.districts:
            row.error(_("Unknown district code %(code)s.") % {"code": code})
        elif code and regency_id and self.districts[code][0] != regency_id:
            row.error(
                _("District %(district)s is not in regency %(regency)s.")
                % {"district": code, "regency": regency_id}
            )
        return code

    def _check_village_code(self, row, code, district):
        if code and district and not re.fullmatch(re.escape(district) + r"\.[0-9]{4}", code):
            row.error(
                _("Village code %(code)s is not a village of district %(district)s.")
                % {"code": code, "district": district}
            )

    def member(self, row: _Row) -> MemberRow | None:
        key = row.code("group_key", max_length=150, required=True)
        values = {
            "nik": row.nik(),
            "kk_number": row.kk_number(),
            "full_name": row.text("full_name", max_length=150, required=True),
            "sex": row.choice("sex", self.sexes),
            "birth_date": row.date("birth_date"),
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
                self._check_roles(group)
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
                    _("NIK %(nik)s is already an active member of %(group)s (%(regency)s).")
                    % {
                        "nik": member.nik,
                        "group": member.group.name,
                        "regency": member.group.regency.name,
                    },
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
        if changed and not group_is_editable_by(existing, self.by):
            self.result.add(
                GROUP_SHEET,
                group.number,
                _("A group with status %(status)s cannot be edited by you.")
                % {"status": existing.get_status_display()},
            )
            return False
        return True

    def _check_roles(self, group: GroupRow):
        roles = [m.values["role"] for m in group.members]
        chairs = roles.count(MemberRole.CHAIR)
        if chairs != 1:
            self.result.add(
                GROUP_SHEET,
                group.number,
                _("The group has %(count)d chairs (ketua) in the Anggota sheet; it needs one.")
                % {"count": chairs},
            )
        for role in (MemberRole.SECRETARY, MemberRole.TREASURER):
            if roles.count(role) > 1:
                self.result.add(
                    GROUP_SHEET,
                    group.number,
                    _("The group has more than one %(role)s in the Anggota sheet.")
                    % {"role": role.value},
                )


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
            _insert(Member, batch, now=now)
            _record_history(Member, batch, "+", by=by, when=now)

    def _update_groups(self, now, by):
        changed = [g for g in self.groups if g.action == "update"]
        for group in changed:
            for name in GROUP_FIELDS:
                setattr(group.existing, name, group.values[name])
            group.existing.updated_at = now
        existing = [g.existing for g in changed]
        fields = [*GROUP_FIELDS, "updated_at"]
        BusinessGroup.objects.bulk_update(existing, fields, batch_size=BATCH_SIZE)
        _record_history(BusinessGroup, existing, "~", by=by, when=now)

    def _update_members(self, now, by):
        """Demote first, so a ketua, sekretaris or bendahara role can move between members."""
        moving = [m.pk for m in self.updated if m.role != MemberRole.MEMBER]
        for chunk in _chunks(moving):
            Member.objects.filter(pk__in=chunk).update(role=MemberRole.MEMBER)
        for member in self.updated:
            member.updated_at = now
        fields = [*MEMBER_FIELDS, "updated_at"]
        Member.objects.bulk_update(self.updated, fields, batch_size=BATCH_SIZE)
        _record_history(Member, self.updated, "~", by=by, when=now)

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
            _insert(BusinessGroup, batch, now=now)
        _record_history(BusinessGroup, objects, "+", by=by, when=now)
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


def _record_history(model, objects, history_type, *, by, when):
    """The simple_history rows `bulk_history_create` would write for saved objects ("+"
    created, "~" changed), by the importing user, with the reason "imported"; through COPY
    on PostgreSQL, which spares building a Django model instance per row."""
    if not objects:
        return
    history = model.history.model
    tracked = [history._meta.get_field(f.name) for f in history.tracked_fields]
    stamp = {
        "history_date": when,
        "history_change_reason": CHANGE_REASON,
        "history_type": history_type,
        "history_user_id": by.pk,
    }
    if connection.vendor != "postgresql":
        rows = [
            history(**{f.attname: getattr(o, f.attname) for f in tracked}, **stamp) for o in objects
        ]
        history.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return
    columns = [f.column for f in tracked] + [history._meta.get_field(n).column for n in stamp]
    values, tail = attrgetter(*(f.attname for f in tracked)), tuple(stamp.values())
    _copy(history._meta.db_table, columns, (values(o) + tail for o in objects))


def _insert(model, objects, *, now):
    """Save new rows of a TimeStampedModel (instances, or on PostgreSQL records with the
    same attributes); on PostgreSQL by COPY, with primary keys drawn from the table's
    sequence first so that members and history rows can name them."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        setattr(obj, meta.pk.attname, pk)
        obj.created_at = obj.updated_at = now
    fields = meta.concrete_fields
    values = attrgetter(*(f.attname for f in fields))
    _copy(meta.db_table, [f.column for f in fields], map(values, objects))


def _copy(table, columns, rows):
    """COPY rows into a table; a refused row raises Django's IntegrityError, like a save."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


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


def import_groups(
    *,
    file,
    by,
    dry_run: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """Check every row of the workbook; when all are good and this is no dry run, save them
    in one transaction. `file`: a path, bytes or a binary file object (an upload).

    `progress(done_rows, total_rows)` is called every PROGRESS_EVERY rows read; total_rows is
    None when the file does not state its size (files written in write-only mode).
    """
    if not can(by, Action.GROUP_IMPORT):
        raise NotAllowed(_("Your role does not allow this."))
    result = ImportResult(dry_run=dry_run)
    try:
        groups, members = _read(file, by=by, result=result, progress=progress)
    except FileRejected as exc:
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
    return result


def _read(file, *, by, result, progress):
    workbook = _open_workbook(file)
    try:
        group_sheet = _sheet(workbook, GROUP_SHEET, GROUP_COLUMNS, result)
        member_sheet = _sheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS, result)
        if not result.ok:
            return None, None
        return _Reader(by=by, result=result, progress=progress).read(group_sheet, member_sheet)
    finally:
        workbook.close()
