"""The dashboard's tables as an xlsx workbook (see core.xlsx for the conventions). States
and conditions are headed by their labels (reports/glossary.py), written in Indonesian."""

from openpyxl import Workbook

from core.xlsx import CODE, NUMBER, PERCENT, RUPIAH, Column, add_sheet, append_values
from groups.models import GroupStatus
from reports.models import BusinessCondition, ReportStatus

TOTAL_LABEL = "Jumlah"
REGENCY = (Column("Kode", kind=CODE, width=8), Column("Kabupaten/Kota", width=30))


def _counts(*headers, width=10):
    return tuple(Column(header, kind=NUMBER, width=width) for header in headers)


MONEY_COLUMNS = (
    *REGENCY,
    *_counts("Jumlah Hibah", "Hibah Ditransfer"),
    Column("Nilai Hibah (Rp)", kind=RUPIAH),
    Column("Ditransfer (Rp)", kind=RUPIAH),
    Column("% Ditransfer", kind=PERCENT),
    Column("Dicairkan Kelompok (Rp)", kind=RUPIAH),
    Column("% Serapan", kind=PERCENT),
    Column("Sisa (Rp)", kind=RUPIAH),
    Column("% Sisa", kind=PERCENT),
    *_counts("Tahap Menunggu Persetujuan", "Menunggu Terlama (hari)", width=12),
    Column("Dipertanggungjawabkan (Rp)", kind=RUPIAH),
    Column("% Dipertanggungjawabkan dari Dicairkan", kind=PERCENT, width=14),
    Column("Belum Dipertanggungjawabkan (Rp)", kind=RUPIAH),
)
COMPLIANCE_COLUMNS = (
    *REGENCY,
    Column("Tahun", kind=NUMBER, width=8),
    Column("Catur Wulan", kind=CODE, width=8),
    *_counts("Kelompok Wajib Lapor", width=12),
    *_counts(ReportStatus.ACCEPTED.label, ReportStatus.SUBMITTED.label, "Belum"),
    Column("% Melapor", kind=PERCENT),
)
CONDITION_COLUMNS = (
    *REGENCY,
    *_counts(*BusinessCondition.labels),
    Column("Median Perubahan Omzet (Rp)", kind=RUPIAH),
    *_counts("Kelompok Dibandingkan", width=12),
)
GROUP_COLUMNS = (
    *REGENCY,
    *_counts(*GroupStatus.labels, TOTAL_LABEL),
)


def write_dashboard(*, figures, fileobj) -> None:
    """Write reports.dashboard.Dashboard `figures` (the viewer's scope only) into fileobj."""
    workbook = Workbook(write_only=True)
    money = add_sheet(workbook, "Dana per Kabupaten", MONEY_COLUMNS)
    compliance = add_sheet(workbook, "Kepatuhan Laporan", COMPLIANCE_COLUMNS)
    condition = add_sheet(workbook, "Kondisi Usaha", CONDITION_COLUMNS)
    groups = add_sheet(workbook, "Status Kelompok", GROUP_COLUMNS)
    for row in [*figures.rows, figures.total]:
        regency = (row.code, row.name or TOTAL_LABEL)
        m = row.money
        append_values(
            money,
            MONEY_COLUMNS,
            (
                *regency,
                m.grants_awarded,
                m.grants_transferred,
                m.amount_awarded,
                m.amount_transferred,
                row.transferred_percent,
                m.amount_withdrawn,
                row.withdrawn_percent,
                row.amount_remaining,
                row.remaining_percent,
                m.tranches_waiting,
                row.oldest_waiting_days,
                m.amount_accounted,
                row.accounted_percent,
                row.amount_unaccounted,
            ),
        )
        for c in row.compliance:
            append_values(
                compliance,
                COMPLIANCE_COLUMNS,
                (
                    *regency,
                    c.period.year,
                    c.period.roman,
                    c.owing,
                    c.accepted,
                    c.submitted,
                    c.missing,
                    c.reported_percent,
                ),
            )
        append_values(
            condition,
            CONDITION_COLUMNS,
            (*regency, *row.condition_counts, row.revenue_change_median, row.revenue_change_groups),
        )
        append_values(groups, GROUP_COLUMNS, (*regency, *row.group_counts, row.groups_total))
    workbook.save(fileobj)
