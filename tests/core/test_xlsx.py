"""The cell rules every download shares (core.xlsx), read back with openpyxl."""

import datetime
import io

from openpyxl import load_workbook

from core.xlsx import (
    CODE,
    DATETIME,
    PERCENT,
    RUPIAH,
    Column,
    write_table,
)

COLUMNS = (
    Column("Nama", "name"),
    Column("NIK", "nik", CODE),
    Column("Nilai (Rp)", "amount", RUPIAH),
    Column("Persen", "share", PERCENT),
    Column("Waktu", "at", DATETIME),
)


class Record:
    def __init__(self, **values):
        self.__dict__.update(values)


def written(**values):
    buffer = io.BytesIO()
    write_table(buffer, sheet="Uji", columns=COLUMNS, rows=[Record(**values)])
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Uji"]
    return list(next(sheet.iter_rows(min_row=2)))


def test_text_that_looks_like_a_formula_stays_text():
    name, *_rest = written(
        name='=HYPERLINK("http://contoh.invalid")',
        nik="6401014107900001",
        amount=1,
        share=1,
        at=None,
    )
    assert name.data_type == "s"
    assert name.value == '=HYPERLINK("http://contoh.invalid")'


def test_codes_rupiah_percent_and_times_in_wita():
    utc = datetime.datetime(2026, 11, 26, 1, 30, tzinfo=datetime.UTC)
    name, nik, amount, share, at = written(
        name="Siti\x07 Aminah", nik="0012", amount=20_000_000, share=12.5, at=utc
    )
    assert name.value == "Siti Aminah"  # a control character an xlsx cannot hold
    assert nik.value == "0012" and nik.data_type == "s"
    assert amount.value == 20_000_000 and amount.number_format == '"Rp"#,##0'
    assert share.value == 0.125 and share.number_format == "0.0%"
    assert at.value == datetime.datetime(2026, 11, 26, 9, 30)  # WITA is UTC+8


def test_empty_values_are_empty_cells():
    _name, nik, amount, share, at = written(name="", nik="", amount=None, share=None, at=None)
    assert [nik.value, amount.value, share.value, at.value] == [None, None, None, None]
