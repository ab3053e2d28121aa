"""Columns of the register's Excel download (see core.xlsx for the conventions)."""

from core.xlsx import CODE, DATE, DATETIME, NUMBER, Column


def _name(user):
    return "" if user is None else user.get_full_name() or user.username


LETTER_COLUMNS = (
    Column("Tahun", "year", NUMBER, 8),
    Column("Jenis Dokumen", "get_kind_display", width=30),
    Column("No. Urut", "sequence", NUMBER, 9),
    Column("Nomor Surat", "number", CODE, 36),
    Column("Tanggal", "issued_on", DATE, 13),
    Column("Perihal", "subject", width=60),
    Column("Kode Kabupaten/Kota", "regency_id", CODE, 12),
    Column("Ditandatangani Oleh", lambda letter: _name(letter.signed_by)),
    Column("Dicatat Oleh", lambda letter: _name(letter.issued_by)),
    Column("Status", "get_status_display", width=12),
    Column("Alasan Pembatalan", "cancel_reason", width=40),
    Column("Waktu Pembatalan", "cancelled_at", DATETIME, 17),
)
