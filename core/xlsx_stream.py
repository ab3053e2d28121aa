"""An xlsx written while its rows are read, streamed as it is written.

openpyxl writes a workbook whole before its first byte can be sent: a national export of
100,000 rows answered after minutes. An xlsx is a zip of XML parts, and a zip can be
written to a stream (each member's sizes follow its data in a data descriptor), so this
writes the few fixed parts, then the sheet row by row into a deflated zip member, and
hands out the compressed bytes every few hundred rows: the first byte leaves at once and
memory holds a few hundred rows, whatever the number of rows.

It writes what core.xlsx writes (and reads back the same with openpyxl): a bold, filled
header row frozen at the top, the column widths, each kind's number format (codes as
text, Rupiah, per cent, dates and times as real dates), text that never becomes a
formula. Strings are inline (no shared-string table, which would need every row first).
A workbook of several sheets is written sheet after sheet, each streamed the same way.
The dashboard's and the recap's workbooks stay with openpyxl: they are small.
"""

import datetime
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    PERCENT_FORMAT,
    RUPIAH_FORMAT,
    TEXT_FORMAT,
    XLSX_CONTENT_TYPE,
    Column,
    Kind,
)

ROWS_PER_CHUNK = 500
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)

# Cell styles (indexes into cellXfs of STYLES): 0 plain, 1 header, then one per format.
HEADER_STYLE = 1
FORMATS = (TEXT_FORMAT, RUPIAH_FORMAT, PERCENT_FORMAT, DATE_FORMAT, DATETIME_FORMAT)
STYLE = {fmt: 2 + index for index, fmt in enumerate(FORMATS)}
KIND_STYLE = {
    Kind.CODE: STYLE[TEXT_FORMAT],
    Kind.RUPIAH: STYLE[RUPIAH_FORMAT],
    Kind.PERCENT: STYLE[PERCENT_FORMAT],
    Kind.DATE: STYLE[DATE_FORMAT],
    Kind.DATETIME: STYLE[DATETIME_FORMAT],
}

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(sheets: int) -> str:
    worksheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + worksheets
        + '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


ROOT_RELS = (
    XML + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _workbook_rels(sheets: int) -> str:
    worksheets = "".join(
        f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        XML
        + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        + worksheets
        + f'<Relationship Id="rId{sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/styles" Target="styles.xml"/></Relationships>'
    )


STYLES = (
    XML + f'<styleSheet xmlns="{MAIN}">'
    f'<numFmts count="{len(FORMATS)}">'
    + "".join(
        f'<numFmt numFmtId="{164 + i}" formatCode={quoteattr(fmt)}/>'
        for i, fmt in enumerate(FORMATS)
    )
    + "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00DDEBF7"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    f'<cellXfs count="{2 + len(FORMATS)}">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    + "".join(
        f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        for i in range(len(FORMATS))
    )
    + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name[:31])} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        XML + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
        f"{sheets}</sheets></workbook>"
    )


def _column_style(column: Column) -> str:
    """A column's own format (codes as text, dates...): what a user types in its empty
    cells keeps it, so a NIK typed below the rows stays 16 digits."""
    style = KIND_STYLE.get(column.kind)
    return f' style="{style}"' if style else ""


def _sheet_start(columns: tuple[Column, ...]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{column.column_width}" customWidth="1"'
        f"{_column_style(column)}/>"
        for i, column in enumerate(columns, start=1)
    )
    return (
        XML + f'<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
    )


def _sheet_end(print_header: str) -> str:
    if not print_header:
        return "</sheetData></worksheet>"
    # "&C" centres the text; a literal "&" is written "&&" in a header.
    header = escape("&C" + print_header.replace("&", "&&"))
    return f"</sheetData><headerFooter><oddHeader>{header}</oddHeader></headerFooter></worksheet>"


def _text(ref: str, value: str, style: int) -> str:
    value = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def _number(ref: str, value, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled}><v>{value}</v></c>'


def _serial(value) -> float | int:
    if isinstance(value, datetime.datetime):
        delta = value - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400
    return (value - EXCEL_EPOCH.date()).days


def cell_xml(ref: str, value, kind: Kind) -> str:
    """One cell as core.xlsx.typed_cell would write it ("" for an empty cell)."""
    if value is None or value == "":  # openpyxl writes no cell for an empty string either
        return ""
    if kind in (Kind.TEXT, Kind.CODE):
        return _text(ref, str(value), KIND_STYLE.get(kind, 0))
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is Kind.PERCENT:
        return _number(ref, float(value) / 100, KIND_STYLE[kind])
    if kind is Kind.DATETIME and isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.datetime | datetime.date):
        return _number(ref, _serial(value), KIND_STYLE.get(kind, STYLE[DATE_FORMAT]))
    if isinstance(value, int | float | Decimal):
        return _number(ref, value, KIND_STYLE.get(kind, 0))
    return _text(ref, str(value), 0)


class _Pipe:
    """What the zip writes, kept until the generator hands it out (no seek, no tell: the
    zip then writes data descriptors)."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream_table(*, sheet: str, columns: Iterable[Column], rows: Iterable) -> Iterator[bytes]:
    """The xlsx bytes of one sheet (a header row, one row per record), chunk by chunk."""
    return stream_sheets([(sheet, columns, rows)])


def stream_sheets(
    sheets: list[tuple[str, Iterable[Column], Iterable]], *, print_header: str = ""
) -> Iterator[bytes]:
    """The xlsx bytes of the (name, columns, rows) sheets, one after the other;
    `print_header`, if given, is printed centred at the top of every page of every sheet."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook([name for name, _c, _r in sheets]))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        archive.writestr("xl/styles.xml", STYLES)
        for n, (_name, columns, rows) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as part:
                yield from _write_sheet(part, pipe, tuple(columns), rows)
                part.write(_sheet_end(print_header).encode())
    yield pipe.take()


def _write_sheet(part, pipe, columns: tuple[Column, ...], rows: Iterable) -> Iterator[bytes]:
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    with translation.override("id"):  # a header may be a label (lazy): in Indonesian
        header = "".join(
            _text(f"{letter}1", str(column.header), HEADER_STYLE)
            for letter, column in zip(letters, columns, strict=True)
        )
    part.write((_sheet_start(columns) + f'<row r="1">{header}</row>').encode())
    yield pipe.take()
    lines = []
    with translation.override("id"):  # labels of choices in Indonesian
        for number, record in enumerate(rows, start=2):
            cells = "".join(
                cell_xml(f"{letter}{number}", column.get(record), column.kind)
                for letter, column in zip(letters, columns, strict=True)
            )
            lines.append(f'<row r="{number}">{cells}</row>')
            if len(lines) == ROWS_PER_CHUNK:
                part.write("".join(lines).encode())
                lines = []
                yield pipe.take()
    part.write("".join(lines).encode())


def table_stream_response(
    *, filename: str, sheet: str, columns: Iterable[Column], rows: Iterable, more=()
) -> StreamingHttpResponse:
    """A download of one sheet (and the `more` (name, columns, rows) sheets after it),
    streamed while the rows are read (pass an iterator over a queryset:
    `queryset.iterator(chunk_size=2000)`)."""
    response = StreamingHttpResponse(
        stream_sheets([(sheet, columns, rows), *more]), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
