"""Excel (.xlsx) files written for download: shared cells, sheets and the streamed response.

Every export of the application is written with openpyxl's write-only mode (memory stays
flat) into a spooled temporary file that is streamed to the browser in chunks.

Sheet names and column headers are a file format: fixed Indonesian strings, never
translated. Rupiah are whole numbers with a Rupiah number format, percentages fractions
with a percent format, dates real date cells, codes (NIK, account and registration
numbers, region codes) text cells so that Excel keeps their leading zeros.

A list export is a tuple of `Column`s and an iterable of records:

    COLUMNS = (
        Column("No. Registrasi", "group.registration_number", CODE, width=18),
        Column("Nilai Hibah (Rp)", "amount", RUPIAH),
    )
    return xlsx_response(
        filename="hibah.xlsx",
        write=lambda fileobj: write_table(fileobj, sheet="Hibah", columns=COLUMNS, rows=grants),
    )
"""

import datetime
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import capfirst
from django_tables2 import RequestConfig
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"
TEXT_FORMAT = "@"
RUPIAH_FORMAT = '"Rp"#,##0'
PERCENT_FORMAT = "0.0%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# In memory up to this size, then on disk.
SPOOL_BYTES = 10 * 1024 * 1024


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # digits that are text: kept as typed, leading zeros and all
    NUMBER = "number"
    RUPIAH = "rupiah"
    PERCENT = "percent"  # a per-cent figure (12.5 for 12.5 %) written as a fraction
    DATE = "date"
    DATETIME = "datetime"  # written in WITA (the site's time zone), without a zone


TEXT, CODE, NUMBER, RUPIAH, PERCENT, DATE, DATETIME = Kind

_FORMATS = {
    Kind.CODE: TEXT_FORMAT,
    Kind.RUPIAH: RUPIAH_FORMAT,
    Kind.PERCENT: PERCENT_FORMAT,
    Kind.DATE: DATE_FORMAT,
    Kind.DATETIME: DATETIME_FORMAT,
}
_WIDTHS = {Kind.TEXT: 28, Kind.CODE: 18, Kind.NUMBER: 10, Kind.RUPIAH: 18, Kind.PERCENT: 10}


@dataclass(frozen=True)
class Column:
    """One column: `value` is a dotted attribute path or a function of the record (for
    `append_records`); sheets whose rows are computed elsewhere leave it out and use
    `append_values`. Choices are written with their labels, in Indonesian."""

    header: str
    value: str | Callable[[object], object] | None = None
    kind: Kind = Kind.TEXT
    width: int | None = None

    def get(self, record):
        if callable(self.value):
            return self.value(record)
        value = attrgetter(self.value)(record)
        return value() if callable(value) else value  # get_status_display and the like

    @property
    def column_width(self) -> int:
        return self.width or _WIDTHS.get(self.kind, 14)


def cell(sheet, value, number_format=None):
    """A cell; text is stripped of characters an xlsx cannot hold and never becomes a
    formula (text starting with "=" is stored as text)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if number_format is None and not (isinstance(value, str) and value.startswith("=")):
        return value
    written = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        written.data_type = "s"
    if number_format:
        written.number_format = number_format
    return written


def header_cell(sheet, header):
    written = WriteOnlyCell(sheet, value=header)
    written.font = HEADER_FONT
    written.fill = HEADER_FILL
    return written


def typed_cell(sheet, value, kind: Kind):
    """`value` as a cell of its column's kind."""
    if value is None or (value == "" and kind is not Kind.TEXT):
        return None
    if kind is Kind.TEXT:
        return cell(sheet, str(value))
    if kind is Kind.CODE:
        return cell(sheet, str(value), TEXT_FORMAT)
    if kind is Kind.PERCENT:
        return cell(sheet, float(value) / 100, PERCENT_FORMAT)
    if kind is Kind.DATETIME and isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    return cell(sheet, value, _FORMATS.get(kind))


def in_indonesian(text) -> str:
    """A label (a lazy msgid: a choice's, a figure's name) in Indonesian, whatever the
    request's language: workbooks, like official documents, are written in Indonesian."""
    with translation.override("id"):
        return str(text)


def rupiah_header(label):
    """The header of an amount column: the screen's name of the figure, in Indonesian, with
    its unit ("Sudah dicairkan (Rp)")."""
    return lazy(lambda: f"{capfirst(in_indonesian(label))} (Rp)", str)()


def add_sheet(workbook, title: str, columns: Iterable[Column]):
    """A sheet with its column widths, number formats, frozen header row and header."""
    columns = tuple(columns)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit on sheet names
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.column_width
        if column.kind in _FORMATS:
            dimension.number_format = _FORMATS[column.kind]
    sheet.freeze_panes = "A2"
    with translation.override("id"):  # a header may be a label (lazy): in Indonesian
        sheet.append([header_cell(sheet, str(column.header)) for column in columns])
    return sheet


def append_records(sheet, columns: Iterable[Column], rows: Iterable) -> None:
    columns = tuple(columns)
    with translation.override("id"):  # labels of choices are written in Indonesian
        for record in rows:
            sheet.append([typed_cell(sheet, column.get(record), column.kind) for column in columns])


def append_values(sheet, columns: Iterable[Column], values: Iterable) -> None:
    """One row of values, each typed by its column."""
    pairs = zip(columns, values, strict=True)
    sheet.append([typed_cell(sheet, value, column.kind) for column, value in pairs])


def write_table(fileobj, *, sheet: str, columns: Iterable[Column], rows: Iterable) -> None:
    """One sheet: a header row, then one row per record."""
    workbook = Workbook(write_only=True)
    append_records(add_sheet(workbook, sheet, columns), columns, rows)
    workbook.save(fileobj)


def xlsx_response(*, filename: str, write: Callable[[object], None]) -> FileResponse:
    """Call `write(fileobj)` and stream the file as a download."""
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by FileResponse)
    write(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def dated_filename(stem: str) -> str:
    """`stem-2026-11-26.xlsx`, dated in the site's time zone."""
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.xlsx"


def table_response(request, table, *, stem: str, sheet: str, columns: Iterable[Column]):
    """Every record of a list page's table (all pages, sorted as the page sorts them with
    ?sort=) as a one-sheet download named `stem-<today>.xlsx`, streamed while the rows are
    read (core.xlsx_stream)."""
    from core.pagination import KeysFirst
    from core.xlsx_stream import table_stream_response

    RequestConfig(request, paginate=False).configure(table)
    data = table.data
    # the filtered, ordered queryset (with the per-row annotations a page adds to its rows)
    records = data.queryset() if isinstance(data, KeysFirst) else data.data
    rows = records.iterator(chunk_size=2000) if hasattr(records, "iterator") else records
    return table_stream_response(
        filename=dated_filename(stem), sheet=sheet, columns=columns, rows=rows
    )


def days_since(moment) -> int | None:
    """Whole days from a date or time to today (WITA), as the queues count a wait."""
    if moment is None:
        return None
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return (timezone.localdate() - day).days
