"""Columns of the grants app's list exports (see core.xlsx for the conventions)."""

from core.numbers import percent
from core.xlsx import (
    CODE,
    DATE,
    DATETIME,
    NUMBER,
    PERCENT,
    RUPIAH,
    Column,
    days_since,
    rupiah_header,
)
from grants.models import GRANT_AMOUNT_LABEL, GRANT_PARTS

PROGRAM_COLUMNS = (
    Column("Nama Program", "name", width=40),
    Column("Tahun Anggaran", "fiscal_year", NUMBER),
    Column("Status", "get_status_display", width=14),
    Column("Bentuk Bantuan", "get_aid_form_display", width=20),
    Column("Pagu (Rp)", "total_budget", RUPIAH),
    Column("Nilai per Kelompok (Rp)", "default_amount", RUPIAH),
    Column("Dialokasikan (Rp)", "awarded_amount", RUPIAH),
    Column("Sisa Pagu (Rp)", "budget_left", RUPIAH),
    Column("% Terpakai", lambda p: percent(p.awarded_amount, p.total_budget), PERCENT),
)

GRANT_COLUMNS = (
    Column("No. Registrasi", "group.registration_number", CODE),
    Column("Nama Kelompok", "group.name", width=32),
    Column("Kode Kabupaten/Kota", "regency_id", CODE, 12),
    Column("Kabupaten/Kota", "regency.name", width=24),
    Column("Program", "program.name", width=32),
    Column("No. SK Penerima", "decree_number", CODE, 36),
    Column("No. NPHD", "nphd_number", CODE, 36),
    Column("Tanggal NPHD", "nphd_date", DATE, 13),
    Column("Tanggal Penetapan", "awarded_on", DATE, 13),
    Column(rupiah_header(GRANT_AMOUNT_LABEL), "amount", RUPIAH),
    Column("Tanggal Transfer", "transferred_on", DATE, 13),
    # the parts that add up to the grant, named as on the grant page (grants.models.GRANT_PARTS)
    *(Column(rupiah_header(part.label), part.attr, RUPIAH) for part in GRANT_PARTS),
    Column("Status", "get_status_display", width=14),
)


def _name(user):
    return "" if user is None else user.get_full_name() or user.username


TRANCHE_COLUMNS = (
    Column("No. Registrasi", "grant.group.registration_number", CODE),
    Column("Nama Kelompok", "grant.group.name", width=32),
    Column("Kabupaten/Kota", "grant.group.regency.name", width=24),
    Column("Program", "grant.program.name", width=32),
    Column("Tahap", "sequence", NUMBER, 7),
    Column("Nilai Tahap (Rp)", "amount", RUPIAH),
    Column("Keperluan", "purpose", width=40),
    Column("Diajukan Oleh", lambda t: _name(t.requested_by)),
    Column("Waktu Pengajuan", "requested_at", DATETIME, 17),
)

TRANCHE_QUEUE_COLUMNS = (
    *TRANCHE_COLUMNS,
    Column("Menunggu (hari)", lambda t: days_since(t.requested_at), NUMBER),
)

TRANCHE_HISTORY_COLUMNS = (
    *TRANCHE_COLUMNS,
    Column("Status", "get_status_display", width=14),
    Column("Diputuskan Oleh", lambda t: _name(t.decided_by)),
    Column("Waktu Keputusan", "decided_at", DATETIME, 17),
    Column("Catatan Keputusan", "decision_note", width=40),
    Column("Tanggal Dicairkan", "withdrawn_on", DATE, 13),
    Column("Referensi Bank", "bank_reference", width=20),
)

DECREE_COLUMNS = (
    Column("Nomor SK", lambda d: d.number, CODE, 36),
    Column("Tanggal SK", "signed_on", DATE, 13),
    Column("Program", "program.name", width=32),
    Column("Tahun Anggaran", "program.fiscal_year", NUMBER),
    Column("Ditandatangani Oleh", lambda d: _name(d.signatory)),
    Column("Jabatan", "signatory.position", width=36),
    Column("NIP", "signatory.nip", CODE, 20),
    Column("Jumlah Kelompok", "grant_count", NUMBER),
    Column("Nilai Bantuan (Rp)", "grant_total", RUPIAH),
    Column("Status", "get_status_display", width=14),
    Column("Alasan Pembatalan", "cancel_reason", width=40),
)

AGREEMENT_COLUMNS = (
    Column("Nomor NPHD", lambda a: a.number, CODE, 36),
    Column("Tanggal NPHD", "issued_on", DATE, 13),
    Column("No. Registrasi", "grant.group.registration_number", CODE),
    Column("Nama Kelompok", "grant.group.name", width=32),
    Column("Kabupaten/Kota", "grant.group.regency.name", width=24),
    Column("Program", "grant.program.name", width=32),
    Column("Nilai Hibah (Rp)", "grant.amount", RUPIAH),
    Column("Pihak Pertama", lambda a: _name(a.signatory)),
    Column("NIP Pihak Pertama", lambda a: a.signatory.nip if a.signatory else "", CODE, 20),
    Column("Status", "get_status_display", width=16),
    Column("Tanggal Ditandatangani", "signed_on", DATE, 13),
    Column("Pindaian", lambda a: a.scan.original_name if a.scan else "", width=28),
    Column("Alasan Pembatalan", "cancel_reason", width=40),
)

HANDOVER_ITEM_COLUMNS = (
    Column("Nomor BAST", "handover.letter.number", CODE, 36),
    Column("Tanggal Serah Terima", "handover.handed_over_on", DATE, 13),
    Column("Status BAST", "handover.get_status_display", width=16),
    Column("No. Registrasi", "handover.grant.group.registration_number", CODE),
    Column("Nama Kelompok", "handover.grant.group.name", width=32),
    Column("Kabupaten/Kota", "handover.grant.group.regency.name", width=24),
    Column("Program", "handover.grant.program.name", width=32),
    Column("No.", "position", NUMBER, 5),
    Column("Nama Barang", "name", width=40),
    Column("Jumlah", "quantity", NUMBER, 9),
    Column("Satuan", "unit", width=10),
    Column("Harga Satuan (Rp)", "unit_value", RUPIAH),
    Column("Jumlah Harga (Rp)", "value", RUPIAH),
)

SPENDING_LINE_COLUMNS = (
    Column("No. Registrasi", "report.tranche.grant.group.registration_number", CODE),
    Column("Nama Kelompok", "report.tranche.grant.group.name", width=32),
    Column("Kabupaten/Kota", "report.tranche.grant.group.regency.name", width=24),
    Column("Program", "report.tranche.grant.program.name", width=32),
    Column("Tahap", "report.tranche.sequence", NUMBER, 7),
    Column("Nilai Tahap (Rp)", "report.tranche.amount", RUPIAH),
    Column("Status Pertanggungjawaban", "report.get_status_display", width=18),
    Column("Tanggal Belanja", "spent_on", DATE, 13),
    Column("Barang/Jasa", "item", width=40),
    Column("Jumlah", "quantity", NUMBER, 9),
    Column("Satuan", "unit", width=10),
    Column("Nilai Belanja (Rp)", "amount", RUPIAH),
    Column("Penjual/Toko", "supplier", width=28),
    Column("Bukti (Nota/Foto)", "receipt.original_name", width=28),
)
