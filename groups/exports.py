"""The groups workbook written for download: the export of groups and their members (the
import layout, re-importable) and the empty template with its instructions (see
groups/workbook.py for the layout)."""

from collections.abc import Iterator
from io import BytesIO
from operator import itemgetter

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.personal_data import export_marking, mask
from core.xlsx import DATE_FORMAT, HEADER_FILL, HEADER_FONT, TEXT_FORMAT, Kind
from core.xlsx import Column as StreamedColumn
from core.xlsx import cell as _cell
from core.xlsx_stream import stream_sheets
from groups.models import GroupStatus, Member, MemberRole, Sector
from groups.selectors import ROLE_ORDER
from groups.workbook import (
    GROUP_COLUMNS,
    GROUP_SHEET,
    HEADERS,
    HELP_SHEET,
    LIMITS,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
)


def export_groups(*, queryset, user=None, full_identity=False) -> bytes:
    """The groups of `queryset` and their active members as an xlsx file (two queries)."""
    return b"".join(stream_groups(queryset=queryset, user=user, full_identity=full_identity))


def write_groups(*, queryset, fileobj, user=None, full_identity=False) -> None:
    """The export written into a binary file object (memory stays flat)."""
    for chunk in stream_groups(queryset=queryset, user=user, full_identity=full_identity):
        fileobj.write(chunk)


# --- The export, streamed ------------------------------------------------------------------
# core.xlsx_stream writes the sheets while the rows are read, so a download of the whole
# province starts at once and holds a few hundred rows in memory. The values and headers
# are the ones the cells below give (_header_cells, _group_cells, _member_cells), taken
# from them; the help sheet's lines are _help_lines and _allowed_values.

_STREAMED_KINDS = {"code": Kind.CODE, "date": Kind.DATE, "number": Kind.NUMBER}


def stream_groups(*, queryset, user=None, full_identity=False) -> Iterator[bytes]:
    """The export as xlsx bytes, chunk by chunk while the groups and then their members are
    read (two queries, each read in chunks).

    Personal data (UU PDP 27/2022): the file opens on a sheet that says so, with who
    exported it and when (`user`), and every sheet's print header repeats the notice; NIK
    and No. KK are masked unless `full_identity` (rules.may_export_full_identity)."""
    sheet = Workbook(write_only=True).create_sheet()  # what the cells are made for
    with translation.override("id"):
        sector_labels = {value: str(label) for value, label in Sector.choices}
        status_labels = {value: str(label) for value, label in GroupStatus.choices}
    groups = (
        _values(_group_cells(sheet, group, sector_labels, status_labels))
        for group in queryset.select_related("village").iterator(chunk_size=2000)
    )
    members = (
        _values(_member_cells(sheet, member, full_identity=full_identity))
        for member in _export_members(queryset)
    )
    marking = export_marking(user=user, full_numbers=full_identity)
    notice = " · ".join(value for _label, value in marking[:3])
    return stream_sheets(
        [
            (PERSONAL_DATA_SHEET, *_marking_sheet(marking)),
            (GROUP_SHEET, _streamed_columns(sheet, GROUP_COLUMNS), groups),
            (MEMBER_SHEET, _streamed_columns(sheet, MEMBER_COLUMNS), members),
            (HELP_SHEET, *_streamed_help()),
        ],
        print_header=notice,
    )


def _values(cells) -> list:
    return [cell.value if isinstance(cell, Cell) else cell for cell in cells]


def _streamed_columns(sheet, columns) -> list[StreamedColumn]:
    headers = _values(_header_cells(sheet, columns))
    return [
        StreamedColumn(
            header, itemgetter(index), _STREAMED_KINDS.get(column.kind, Kind.TEXT), column.width
        )
        for index, (header, column) in enumerate(zip(headers, columns, strict=True))
    ]


PERSONAL_DATA_SHEET = "Data Pribadi"  # first, so the file opens on it; the import ignores it


def _marking_sheet(lines):
    """The marking as a sheet: its first line is the header row (bold), the rest below."""
    (label, value), *rest = lines
    columns = [
        StreamedColumn(label, itemgetter(0), width=18),
        StreamedColumn(value, itemgetter(1), width=90),
    ]
    return columns, rest


def _streamed_help():
    columns = [
        StreamedColumn(_("How to fill in this workbook"), itemgetter(0), width=30),
        StreamedColumn("", itemgetter(1), width=100),
    ]
    rows = [("", line) for line in _help_lines()]
    rows += [("", ""), (_("Allowed values"), ""), *_allowed_values()]
    return columns, rows


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
        _cell(sheet, group.village.name),
        _text_cell(sheet, group.village_id),
        _cell(sheet, group.address),
        _text_cell(sheet, group.phone),
        _date_cell(sheet, group.date_formed),
        _cell(sheet, group.bank_name),
        _text_cell(sheet, group.account_number),
        _cell(sheet, group.account_holder),
        _cell(sheet, status_labels.get(group.status, group.status)),
    ]


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


def _member_cells(sheet, member, *, full_identity=False):
    key, group_name, nik, kk, name, sex, birth_date, phone, role, decile = member
    if not full_identity:
        nik, kk = mask(nik), mask(kk)
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
            "Kode Kabupaten/Kota, Kode Kecamatan and Kode Desa: Kemendagri codes, for "
            "example 64.01, 64.01.04 and 64.01.04.2001; the village must be one of the "
            "district. When Kode Desa is empty, Desa/Kelurahan must be the name of a village "
            "of the district, exactly as in the Kemendagri list."
        ),
        _(
            "Grey columns (Status, and Nama Kelompok in the Anggota sheet) are for reading "
            "only: the import ignores them."
        ),
        _(
            "Nothing is saved unless every row is valid; each problem is listed with its "
            "sheet and row number. Formulas are not calculated: only their saved values count."
        ),
        _("At most %(size)d MB per file.") % {"size": LIMITS.file_bytes // (1024 * 1024)},
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
