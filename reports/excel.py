"""The overdue-report list as an xlsx file (see core.xlsx for the conventions)."""

from core.xlsx import CODE, DATE, NUMBER, Column, write_table

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


def write_overdue(*, rows, fileobj) -> None:
    """Write the rows of reports.selectors.overdue_rows, in their order, into `fileobj`."""
    write_table(fileobj, sheet=SHEET, columns=COLUMNS, rows=rows)
