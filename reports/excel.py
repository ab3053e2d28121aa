"""The overdue-report list as an xlsx file (openpyxl write-only mode: memory stays flat).

Sheet name and column headers are a file format: fixed Indonesian strings, never translated.
Dates are real date cells; counts and codes are numbers and text cells.
"""

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Laporan Terlambat"
DATE_FORMAT = "DD-MM-YYYY"
TEXT_FORMAT = "@"

# (header, width, kind): kind is text, code (kept as text), date or number
COLUMNS = (
    ("Kode Kabupaten/Kota", 12, "code"),
    ("Kabupaten/Kota", 24, "text"),
    ("No. Registrasi", 18, "code"),
    ("Nama Kelompok", 32, "text"),
    ("Program", 32, "text"),
    ("Tahun", 8, "number"),
    ("Catur Wulan", 8, "code"),
    ("Jatuh Tempo", 14, "date"),
    ("Hari Terlambat", 10, "number"),
    ("Status Laporan", 16, "text"),
    ("Alasan Dikembalikan", 40, "text"),
)
ROMAN = {1: "I", 2: "II", 3: "III"}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_overdue(*, rows, fileobj) -> None:
    """Write the rows of reports.selectors.overdue_rows, in their order, into `fileobj`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, (_header, width, kind) in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = width
        if kind == "date":
            dimension.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header, _width, _kind in COLUMNS])
    with translation.override("id"):  # the status labels of the file are Indonesian
        for row in rows:
            sheet.append(
                [
                    _cell(sheet, row.regency_code, TEXT_FORMAT),
                    _cell(sheet, row.regency_name),
                    _cell(sheet, row.registration_number, TEXT_FORMAT),
                    _cell(sheet, row.group_name),
                    _cell(sheet, row.program_name),
                    row.period.year,
                    _cell(sheet, ROMAN[row.period.term], TEXT_FORMAT),
                    _cell(sheet, row.due, DATE_FORMAT),
                    row.days_late,
                    _cell(sheet, row.status_label),
                    _cell(sheet, row.return_reason),
                ]
            )
    workbook.save(fileobj)


def _header_cell(sheet, header):
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    return cell


def _cell(sheet, value, number_format=None):
    """A cell; text is stripped of characters xlsx cannot hold and never becomes a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if number_format is None and not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell
