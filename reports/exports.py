"""Columns of the reports app's list exports (see core.xlsx; the overdue list is in
reports/excel.py)."""

from core.xlsx import CODE, DATE, DATETIME, NUMBER, RUPIAH, Column, days_since


def _submitter(report):
    user = report.submitted_by
    return "" if user is None else user.get_full_name() or user.username


REPORT_COLUMNS = (
    Column("No. Registrasi", "group.registration_number", CODE),
    Column("Nama Kelompok", "group.name", width=32),
    Column("Kabupaten/Kota", "group.regency.name", width=24),
    Column("Tahun", "year", NUMBER, 8),
    Column("Catur Wulan", lambda r: r.period.roman, CODE, 8),
    Column("Omzet (Rp)", "revenue", RUPIAH),
    Column("Biaya (Rp)", "costs", RUPIAH),
    Column("Laba (Rp)", "profit", RUPIAH),
    Column("Modal Terpakai (Rp)", "capital_used", RUPIAH),
    Column("Nilai Aset (Rp)", "asset_value", RUPIAH),
    Column("Saldo Kas dan Bank (Rp)", "cash_balance", RUPIAH),
    Column("Anggota Aktif", "active_members", NUMBER),
    Column("Tenaga Kerja Baru", "jobs_created", NUMBER),
    Column("Kondisi Usaha", "get_condition_display", width=14),
    Column("Status Laporan", "get_status_display", width=16),
    Column("Diserahkan Oleh", _submitter),
    Column("Waktu Penyerahan", "submitted_at", DATETIME, 17),
)

REVIEW_QUEUE_COLUMNS = (
    *REPORT_COLUMNS,
    Column("Menunggu (hari)", lambda r: days_since(r.submitted_at), NUMBER),
)

LPJ_COLUMNS = (
    Column("Tahun", "year", NUMBER, 8),
    Column("No. Registrasi", "group.registration_number", CODE),
    Column("Nama Kelompok", "group.name", width=32),
    Column("Kabupaten/Kota", "group.regency.name", width=24),
    Column("Status LPJ", "get_status_display", width=14),
    Column("Diserahkan Oleh", lambda r: r.submitted_by.get_full_name() or r.submitted_by.username),
    Column("Waktu Penyerahan", "submitted_at", DATETIME, 17),
    Column("Nomor Tanda Terima", lambda r: r.receipt.number if r.receipt else "", CODE, 36),
    Column("Tanggal Diterima", "received_on", DATE, 13),
    Column("Alasan Dikembalikan", "return_reason", width=40),
)
