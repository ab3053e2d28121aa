"""Columns of the access log's Excel download (see core.xlsx for the conventions)."""

from core.xlsx import DATETIME, Column

ENTRY_COLUMNS = (
    Column("Waktu", "at", DATETIME, 18),
    Column("Pengguna", "username", width=20),
    Column("Kejadian", "get_event_display", width=26),
    Column("Jenis Objek", "object_type", width=20),
    Column("ID Objek", "object_id", width=10),
    Column("Objek", "object_repr", width=36),
    Column("Keterangan", "detail", width=48),
    Column("Alamat", "address", width=18),
    Column("Halaman", "path", width=40),
)
