"""Columns of the training app's list exports (see core.xlsx for the conventions)."""

from openpyxl import Workbook

from core.xlsx import CODE, DATE, NUMBER, Column, add_sheet, append_records, append_values

PRESENCE = {True: "Hadir", False: "Tidak hadir", None: "Belum dicatat"}


def _officer(visit):
    return visit.officer.get_full_name() or visit.officer.username


SESSION_COLUMNS = (
    Column("Judul", "title", width=36),
    Column("Topik", "topic", width=36),
    Column("Program", "program.name", width=32),
    Column("Kabupaten/Kota", lambda s: s.regency.name if s.regency_id else "Tingkat provinsi"),
    Column("Tanggal Mulai", "start_date", DATE, 13),
    Column("Tanggal Selesai", "end_date", DATE, 13),
    Column("Tempat", "venue", width=30),
    Column("Fasilitator", "facilitator", width=24),
    Column("Kelompok Diundang", "invited_count", NUMBER, 12),
    Column("Anggota Hadir", "present_count", NUMBER, 12),
)

VISIT_COLUMNS = (
    Column("Tanggal Kunjungan", "visited_on", DATE, 13),
    Column("No. Registrasi", "group.registration_number", CODE),
    Column("Nama Kelompok", "group.name", width=32),
    Column("Kabupaten/Kota", "group.regency.name", width=24),
    Column("Jenis", "get_kind_display", width=14),
    Column("Petugas", _officer, width=24),
    Column("Temuan", "findings", width=50),
    Column("Saran", "advice", width=50),
    Column("Tindak Lanjut Paling Lambat", "follow_up_due", DATE, 13),
    Column("Sudah Ditindaklanjuti", lambda v: "Ya" if v.followed_up else "Tidak", width=12),
    Column("Jumlah Foto", "photo_count", NUMBER),
)

COVERAGE_COLUMNS = (
    Column("Kode", "regency.code", CODE, 8),
    Column("Kabupaten/Kota", "regency.name", width=30),
    Column("Kelompok", "groups", NUMBER),
    Column("Dilatih", "trained", NUMBER),
    Column("Dikunjungi", "visited", NUMBER),
    Column("Layak atau Didanai", "followed", NUMBER, 12),
    Column("Belum Dikunjungi", "not_visited", NUMBER, 12),
)

UNVISITED_COLUMNS = (
    Column("No. Registrasi", "registration_number", CODE),
    Column("Nama Kelompok", "name", width=32),
    Column("Kabupaten/Kota", "regency.name", width=24),
    Column("Kecamatan", "district.name", width=22),
    Column("Status", "get_status_display", width=14),
    Column("Kunjungan Terakhir", "last_visit", DATE, 13),
)


def write_coverage(fileobj, *, rows, totals, unvisited) -> None:
    """Two sheets: the coverage per regency with the total line, and the unvisited groups."""
    workbook = Workbook(write_only=True)
    per_regency = add_sheet(workbook, "Cakupan per Kabupaten", COVERAGE_COLUMNS)
    append_records(per_regency, COVERAGE_COLUMNS, rows)
    append_values(per_regency, COVERAGE_COLUMNS, _total_line(totals))
    groups = add_sheet(workbook, "Belum Dikunjungi", UNVISITED_COLUMNS)
    append_records(groups, UNVISITED_COLUMNS, unvisited.iterator(chunk_size=2000))
    workbook.save(fileobj)


def _total_line(totals) -> tuple:
    """The coverage table's last line: "Jumlah" and the sums, in COVERAGE_COLUMNS order."""
    return (
        None,
        "Jumlah",
        totals.groups,
        totals.trained,
        totals.visited,
        totals.followed,
        totals.not_visited,
    )


ATTENDANCE_COLUMNS = (
    Column("No. Registrasi", "member.group.registration_number", CODE),
    Column("Nama Kelompok", "member.group.name", width=30),
    Column("Nama Anggota", "member.full_name", width=30),
    Column("Peran", "member.get_role_display", width=14),
    Column("Kehadiran", lambda row: PRESENCE[row.present], width=14),
)
