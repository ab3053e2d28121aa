"""The overdue-report list as an xlsx file (see core.xlsx for the conventions)."""

from openpyxl import Workbook

from core.xlsx import CODE, DATE, NUMBER, Column, add_sheet, append_records

SHEET = "Laporan Terlambat"

COLUMNS = (
    Column("Kode Kabupaten/Kota", "regency_code", CODE, 12),
    Column("Kabupaten/Kota", "regency_name", width=24),
    Column("No. Registrasi", "registration_number", CODE, 18),
    Column("Nama Kelompok", "group_name", width=32),
    Column("Program", "program_name", width=32),
    Column("Tahun", "period.year", NUMBER, 8),
    Column("Catur Wulan", lambda row: row.period.roman, CODE, 8),
    Column("Jatuh Tempo", "due", DATE, 14),
    Column("Hari Terlambat", "days_late", NUMBER, 10),
    Column("Status Laporan", "status_label", width=16),
    Column("Alasan Dikembalikan", "return_reason", width=40),
)


LPJ_SHEET = "LPJ Terlambat"
LPJ_COLUMNS = (
    Column("Kode Kabupaten/Kota", "regency_code", CODE, 12),
    Column("Kabupaten/Kota", "regency_name", width=24),
    Column("No. Registrasi", "registration_number", CODE, 18),
    Column("Nama Kelompok", "group_name", width=32),
    Column("Tahun LPJ", "year.year", NUMBER, 8),
    Column("Jatuh Tempo", "due", DATE, 14),
    Column("Hari Terlambat", "days_late", NUMBER, 10),
    Column("Status LPJ", "status_label", width=16),
    Column("Alasan Dikembalikan", "return_reason", width=40),
)


def write_overdue(*, rows, fileobj, lpj_rows=()) -> None:
    """The rows of reports.selectors.overdue_rows, and those of overdue_lpj_rows on a
    second sheet, in their order, into `fileobj`."""
    workbook = Workbook(write_only=True)
    append_records(add_sheet(workbook, SHEET, COLUMNS), COLUMNS, rows)
    append_records(add_sheet(workbook, LPJ_SHEET, LPJ_COLUMNS), LPJ_COLUMNS, lpj_rows)
    workbook.save(fileobj)
