"""Reading uploaded Excel (.xlsx) workbooks: streamed, typed, bounded.

An xlsx file is a zip of XML parts. `open_workbook` checks the file before any XML is parsed
(its size, that it is a zip holding a workbook, and the unpacked size of every part against
`Limits`), then reads the small parts it needs (sheet names, shared strings, date styles).
`Workbook.rows(name)` streams one sheet row by row: (row number as Excel shows it, {column
index from 0: value}), cells without a value left out.

Cell values are what openpyxl's read-only, data-only reader gives: a formula's value saved with
the file (never calculated), numbers as int or float, dates as datetime where the cell's style
is a date format, booleans, text. openpyxl's own helpers read number formats and Excel dates.
The XML is read by the standard library's C parser (expat) through a pull parser; a DOCTYPE,
the only place entities can be declared, is refused before the parser sees it.

Not python-calamine: its Rust reader allocates the rectangle from A1 to the last cell, so a
5 KB workbook with a value in XFD1048576 aborts the process (tafia/calamine#693).

Nothing here knows what the workbook is about: the callers map columns to their fields.
"""

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, XMLPullParser
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What an upload may hold, checked before any XML is parsed (sizes in bytes, unpacked
    sizes as the zip's directory states them: a part that unpacks to more than it states is
    refused when read, as a damaged file)."""

    file_bytes: int = 10 * MB
    sheet_bytes: int = 64 * MB  # one worksheet part
    shared_strings_bytes: int = 32 * MB
    shared_strings: int = 500_000  # items in the shared string table
    other_part_bytes: int = 8 * MB  # styles, the workbook part, relationships...
    total_bytes: int = 160 * MB  # every part together


class WorkbookRejected(Exception):
    """The file is not a workbook that can be read within the limits (the message says why,
    for the user)."""


def not_xlsx_message() -> str:
    return _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")


def too_large_message(size: int, limit: int) -> str:
    return _("The file is %(size).1f MB; at most %(limit)d MB can be imported.") % {
        "size": size / MB,
        "limit": limit // MB,
    }


def _unpacked_message(size: int, limit: int) -> str:
    return _(
        "The workbook holds more data than one import accepts (%(size)d MB unpacked where "
        "at most %(limit)d MB are accepted). Split it into several files."
    ) % {"size": -(-size // MB), "limit": limit // MB}


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL, VALUE, TEXT, INLINE_STRING = MAIN + "c", MAIN + "v", MAIN + "t", MAIN + "is"
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
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
COLUMN_INDEXES = {get_column_letter(n + 1): n for n in range(MAX_COLUMN)}  # "A": 0 ... "XFD"


def open_workbook(file, *, limits: Limits = Limits()) -> "Workbook":
    """The workbook of `file` (a path, bytes or a binary file object such as an upload), checked
    against `limits` before any XML is parsed; WorkbookRejected otherwise. Close it after use
    (it is a context manager)."""
    source = _binary(file, limits)
    try:
        archive = zipfile.ZipFile(source)
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRejected(not_xlsx_message()) from exc
    try:
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= {p.filename for p in parts}:
            raise WorkbookRejected(not_xlsx_message())
        _check_unpacked(parts, limits)
        return Workbook(archive, limits)
    except DAMAGED as exc:
        archive.close()
        raise WorkbookRejected(not_xlsx_message()) from exc
    except WorkbookRejected:
        archive.close()
        raise


def _binary(file, limits: Limits):
    """A seekable binary file object within the file size limit, from a path, bytes or a file."""
    if isinstance(file, str | Path):
        _check_size(Path(file).stat().st_size, limits)
        return BytesIO(Path(file).read_bytes())
    if isinstance(file, bytes):
        file = BytesIO(file)
    _check_size(file.seek(0, 2), limits)
    file.seek(0)
    return file


def _check_size(size: int, limits: Limits):
    if size > limits.file_bytes:
        raise WorkbookRejected(too_large_message(size, limits.file_bytes))


def _check_unpacked(parts: list[zipfile.ZipInfo], limits: Limits):
    """Every part's stated unpacked size within its limit, and all of them together. The
    names are those of files saved by Excel, LibreOffice and openpyxl; a part elsewhere
    (renamed in the relationships) gets the smaller limit of the other parts."""
    total = 0
    for part in parts:
        name = part.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limit = limits.sheet_bytes
        elif name == "xl/sharedStrings.xml":
            limit = limits.shared_strings_bytes
        else:
            limit = limits.other_part_bytes
        if part.file_size > limit:
            raise WorkbookRejected(_unpacked_message(part.file_size, limit))
        total += part.file_size
    if total > limits.total_bytes:
        raise WorkbookRejected(_unpacked_message(total, limits.total_bytes))


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
    if len(item) == 1 and item[0].tag == TEXT:  # the usual case: one plain text
        return item[0].text or ""
    parts = []
    for child in item:
        if child.tag == MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == MAIN + "r":  # a formatted run (<rPh>, the phonetic guide, is not)
            parts.append(child.findtext(MAIN + "t") or "")
    return "".join(parts)


class Workbook:
    """The parts of an xlsx a reader needs: sheet names and paths, shared strings, and which
    cell styles show dates."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive, self.limits = archive, limits
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

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

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
        limit = self.limits.shared_strings
        for item in self._elements(path, {MAIN + "si"}):
            if len(strings) == limit:
                raise WorkbookRejected(
                    _(
                        "The workbook holds more than %(limit)d different texts; split it "
                        "into several files."
                    )
                    % {"limit": limit}
                )
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

    def rows(self, name) -> "SheetRows":
        """The rows of the sheet called `name` (KeyError when there is none)."""
        return SheetRows(self, self.sheets[name])

    def value(self, cell: Element):
        """A cell's value as openpyxl's read-only, data-only reader gives it."""
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            item = cell.find(INLINE_STRING)
            return None if item is None else _plain_text(item)
        value = cell.findtext(VALUE) or None
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


class SheetRows:
    """The rows of one sheet, streamed: (row number as Excel shows it, {column index from 0:
    value}) for each row the file holds, cells without a value left out. A damaged part
    raises WorkbookRejected while it is read."""

    def __init__(self, workbook: Workbook, path: str):
        self.workbook, self.path = workbook, path
        self.stated_rows = None  # the last row the sheet's <dimension> names, if it does

    def __iter__(self) -> Iterator[tuple[int, dict[int, object]]]:
        try:
            yield from self._rows()
        except DAMAGED as exc:
            raise WorkbookRejected(not_xlsx_message()) from exc

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
            if cell.tag != CELL:
                continue
            reference = cell.get("r")
            if reference:  # A7 -> 0; a column past XFD is a KeyError, as for "7A"
                letters = reference.rstrip("0123456789")
                column = COLUMN_INDEXES.get(letters)
                if column is None:
                    column = COLUMN_INDEXES[letters.upper()]
            else:
                column += 1
                if column == MAX_COLUMN:
                    raise ValueError("a cell past column XFD")
            value = value_of(cell)
            if value is not None:
                cells[column] = value
        return cells
