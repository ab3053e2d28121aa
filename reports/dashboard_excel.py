"""The dashboard's tables as an xlsx workbook (openpyxl write-only mode).

Sheet names and headers are a file format: fixed Indonesian strings, never translated.
Rupiah are whole numbers with a Rupiah number format; percentages are fractions with a
percent format; counts are numbers.
"""

from django.utils import translation
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from reports.excel import TEXT_FORMAT, _cell, _header_cell

RUPIAH_FORMAT = '"Rp"#,##0'
PERCENT_FORMAT = "0.0%"
ROMAN = {1: "I", 2: "II", 3: "III"}
TOTAL_LABEL = "Jumlah"


def add_sheet(workbook, title, columns):
    """A sheet with its column widths and the header row; columns are (header, width)."""
    sheet = workbook.create_sheet(title[:31])
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header, _width in columns])
    return sheet


def rupiah(sheet, amount):
    return _cell(sheet, amount, RUPIAH_FORMAT)


def fraction(sheet, value):
    """A percentage (Decimal per cent, or None) as a fraction formatted as per cent."""
    return None if value is None else _cell(sheet, float(value) / 100, PERCENT_FORMAT)


def code(sheet, value):
    return _cell(sheet, value, TEXT_FORMAT)


MONEY_COLUMNS = (
    ("Kode", 8),
    ("Kabupaten/Kota", 30),
    ("Jumlah Hibah", 10),
    ("Hibah Ditransfer", 10),
    ("Nilai Hibah (Rp)", 18),
    ("Ditransfer (Rp)", 18),
    ("% Ditransfer", 10),
    ("Dicairkan Kelompok (Rp)", 18),
    ("% Serapan", 10),
    ("Sisa (Rp)", 18),
    ("% Sisa", 10),
    ("Tahap Menunggu Persetujuan", 12),
    ("Menunggu Terlama (hari)", 12),
)
COMPLIANCE_COLUMNS = (
    ("Kode", 8),
    ("Kabupaten/Kota", 30),
    ("Tahun", 8),
    ("Catur Wulan", 8),
    ("Kelompok Wajib Lapor", 12),
    ("Diterima", 10),
    ("Diserahkan", 10),
    ("Belum", 10),
    ("% Melapor", 10),
)
CONDITION_COLUMNS = (
    ("Kode", 8),
    ("Kabupaten/Kota", 30),
    ("Berkembang", 10),
    ("Stabil", 10),
    ("Menurun", 10),
    ("Berhenti", 10),
    ("Median Perubahan Omzet (Rp)", 18),
    ("Kelompok Dibandingkan", 12),
)
GROUP_COLUMNS = (
    ("Kode", 8),
    ("Kabupaten/Kota", 30),
    ("Diusulkan", 10),
    ("Diverifikasi", 10),
    ("Layak", 10),
    ("Ditolak", 10),
    ("Tidak Aktif", 10),
    ("Jumlah", 10),
)


def write_dashboard(*, figures, fileobj) -> None:
    """Write reports.dashboard.Dashboard `figures` (the viewer's scope only) into fileobj."""
    workbook = Workbook(write_only=True)
    rows = [*figures.rows, figures.total]
    with translation.override("id"):
        money = add_sheet(workbook, "Dana per Kabupaten", MONEY_COLUMNS)
        compliance = add_sheet(workbook, "Kepatuhan Laporan", COMPLIANCE_COLUMNS)
        condition = add_sheet(workbook, "Kondisi Usaha", CONDITION_COLUMNS)
        groups = add_sheet(workbook, "Status Kelompok", GROUP_COLUMNS)
        for row in rows:
            name = row.name or TOTAL_LABEL
            m = row.money
            money.append(
                [
                    code(money, row.code),
                    name,
                    m.grants_awarded,
                    m.grants_transferred,
                    rupiah(money, m.amount_awarded),
                    rupiah(money, m.amount_transferred),
                    fraction(money, row.transferred_percent),
                    rupiah(money, m.amount_withdrawn),
                    fraction(money, row.withdrawn_percent),
                    rupiah(money, row.amount_remaining),
                    fraction(money, row.remaining_percent),
                    m.tranches_waiting,
                    row.oldest_waiting_days,
                ]
            )
            for c in row.compliance:
                compliance.append(
                    [
                        code(compliance, row.code),
                        name,
                        c.period.year,
                        code(compliance, ROMAN[c.period.term]),
                        c.owing,
                        c.accepted,
                        c.submitted,
                        c.missing,
                        fraction(compliance, c.reported_percent),
                    ]
                )
            condition.append(
                [
                    code(condition, row.code),
                    name,
                    *row.condition_counts,
                    None
                    if row.revenue_change_median is None
                    else rupiah(condition, row.revenue_change_median),
                    row.revenue_change_groups,
                ]
            )
            groups.append([code(groups, row.code), name, *row.group_counts, row.groups_total])
    workbook.save(fileobj)
