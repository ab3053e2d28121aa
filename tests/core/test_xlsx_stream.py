"""The streamed one-sheet xlsx (core.xlsx_stream) reads back like core.xlsx's, and streams:
its first bytes leave before the first row is read, and rows go out as they are read."""

import datetime
import io
import tracemalloc

from openpyxl import load_workbook

from core.xlsx import (
    CODE,
    DATE,
    DATE_FORMAT,
    DATETIME,
    DATETIME_FORMAT,
    NUMBER,
    PERCENT,
    PERCENT_FORMAT,
    RUPIAH,
    RUPIAH_FORMAT,
    TEXT_FORMAT,
    Column,
    write_table,
)
from core.xlsx_stream import stream_table

COLUMNS = (
    Column("Nama", "name"),
    Column("NIK", "nik", CODE),
    Column("Nilai (Rp)", "amount", RUPIAH),
    Column("Persen", "share", PERCENT),
    Column("Tanggal", "day", DATE),
    Column("Waktu", "at", DATETIME),
    Column("Jumlah", "count", NUMBER),
)


class Record:
    def __init__(self, **values):
        self.__dict__.update(values)


RECORD = Record(
    name='=HYPERLINK("http://contoh.invalid") & kue\x07 <b>',
    nik="0064010101900001",
    amount=20_000_000,
    share=12.5,
    day=datetime.date(2026, 3, 2),
    at=datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC),
    count=7,
)
EMPTY = Record(name="Kosong", nik="", amount=None, share=None, day=None, at=None, count=None)


def streamed(rows) -> bytes:
    return b"".join(stream_table(sheet="Uji", columns=COLUMNS, rows=rows))


def cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data))["Uji"]
    return [list(row) for row in sheet.iter_rows()]


def test_reads_back_as_the_openpyxl_writer_writes():
    buffer = io.BytesIO()
    write_table(buffer, sheet="Uji", columns=COLUMNS, rows=[RECORD, EMPTY])
    ours, theirs = cells(streamed([RECORD, EMPTY])), cells(buffer.getvalue())
    assert [[c.value for c in row] for row in ours] == [[c.value for c in row] for row in theirs]
    header, row, empty = ours
    assert [c.value for c in header] == [c.header for c in COLUMNS]
    assert header[0].font.b
    assert row[0].value == '=HYPERLINK("http://contoh.invalid") & kue <b>'
    assert row[0].data_type == "s"  # text, never a formula
    assert (row[1].value, row[1].number_format) == ("0064010101900001", TEXT_FORMAT)
    assert (row[2].value, row[2].number_format) == (20_000_000, RUPIAH_FORMAT)
    assert (row[3].value, row[3].number_format) == (0.125, PERCENT_FORMAT)
    assert (row[4].value, row[4].number_format) == (datetime.datetime(2026, 3, 2), DATE_FORMAT)
    # WITA (UTC+8), without a zone
    assert (row[5].value, row[5].number_format) == (
        datetime.datetime(2026, 3, 2, 9, 30),
        DATETIME_FORMAT,
    )
    assert row[6].value == 7
    assert empty[0].value == "Kosong" and all(c.value is None for c in empty[1:])


def test_the_header_leaves_before_the_first_row_is_read_and_rows_as_they_are_read():
    read = []

    def rows():
        for n in range(2000):
            read.append(n)
            yield RECORD

    chunks = stream_table(sheet="Uji", columns=COLUMNS, rows=rows())
    first = next(chunks)
    assert first.startswith(b"PK") and read == []
    sizes = [len(chunk) for chunk in chunks]
    assert len(sizes) >= 4  # 500 rows a chunk
    assert len(read) == 2000


def test_memory_stays_flat_whatever_the_number_of_rows():
    def peak(count):
        tracemalloc.start()
        for _chunk in stream_table(
            sheet="Uji", columns=COLUMNS, rows=(RECORD for _ in range(count))
        ):
            pass
        _current, highest = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return highest

    assert peak(20_000) < 2 * peak(2_000)
