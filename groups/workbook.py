"""The groups workbook: one layout for the export, the empty template and the import.

- sheet "Kelompok": one row per group;
- sheet "Anggota": one row per active member, tied to its group by "Kunci Kelompok": the
  group's registration number, or, for a group new in this file (no registration number yet),
  its name exactly as in the Kelompok sheet; new groups of one file must have distinct names;
- sheet "Petunjuk": instructions, ignored on import.

Sheet names and column headers are a file format: fixed Indonesian strings, never translated.
Columns are found by their header, so their order does not matter on import.
"""

from dataclasses import dataclass

from core.xlsx_reader import MB, Limits

GROUP_SHEET = "Kelompok"
MEMBER_SHEET = "Anggota"
HELP_SHEET = "Petunjuk"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    kind: str = "text"  # text, code (kept as a text cell), date or number
    imported: bool = True


GROUP_COLUMNS = (
    Column("registration_number", "No. Registrasi", 18, "code"),
    Column("name", "Nama Kelompok", 32),
    Column("sector", "Jenis Usaha", 30),
    Column("regency", "Kode Kabupaten/Kota", 12, "code"),
    Column("district", "Kode Kecamatan", 14, "code"),
    Column("village_name", "Desa/Kelurahan", 22),
    Column("village_code", "Kode Desa", 16, "code"),
    Column("address", "Alamat", 40),
    Column("phone", "Telepon", 16, "code"),
    Column("date_formed", "Tanggal Dibentuk", 14, "date"),
    Column("bank_name", "Bank", 18),
    Column("account_number", "No. Rekening", 20, "code"),
    Column("account_holder", "Nama Pemilik Rekening", 32),
    Column("status", "Status", 14, imported=False),
)
MEMBER_COLUMNS = (
    Column("group_key", "Kunci Kelompok", 18, "code"),
    Column("group_name", "Nama Kelompok", 32, imported=False),
    Column("nik", "NIK", 19, "code"),
    Column("kk_number", "No. KK", 19, "code"),
    Column("full_name", "Nama Lengkap", 32),
    Column("sex", "Jenis Kelamin", 8),
    Column("birth_date", "Tanggal Lahir", 14, "date"),
    Column("phone", "Telepon", 16, "code"),
    Column("role", "Peran", 12),
    Column("decile", "Desil DTSEN", 8, "number"),
)
HEADERS = {c.key: c.header for c in (*GROUP_COLUMNS, *MEMBER_COLUMNS)}

# Sized for the largest file the province expects (50,000 members in 5,000 groups, about
# 2.5 MB packed): its member sheet unpacks to about 31 MB with every text in its cell, or to
# 21 MB plus 7 MB of shared strings (170,000 of them) as Excel saves it. About twice that is
# accepted; a file beyond it is refused before any of its XML is parsed.
LIMITS = Limits(
    file_bytes=10 * MB,
    sheet_bytes=64 * MB,
    shared_strings_bytes=24 * MB,
    shared_strings=500_000,
    other_part_bytes=8 * MB,
    total_bytes=128 * MB,
)
