"""The "rekap" of a programme: its grants per regency, in the shape a provincial office
sends upward, as an xlsx workbook with one sheet per regency (and a summary sheet first).

One query whatever the number of groups: the grants visible to the user, with group,
regency, district and the name of the group's ketua (a correlated subquery), ordered by
regency and group name, streamed into the sheets. Headers are fixed Indonesian strings.
"""

from django.db.models import OuterRef, Subquery
from django.utils import translation
from openpyxl import Workbook

from core.xlsx import CODE, DATE, NUMBER, RUPIAH, Column, add_sheet, append_values
from grants.models import Grant, GrantStatus
from groups.models import Member, MemberRole
from reports.dashboard_excel import REGENCY, TOTAL_LABEL

REKAP_COLUMNS = (
    Column("No.", kind=NUMBER, width=5),
    Column("No. Registrasi", kind=CODE),
    Column("Nama Kelompok", width=30),
    Column("Kecamatan", width=20),
    Column("Desa/Kelurahan", width=20),
    Column("Ketua", width=26),
    Column("Bank", width=16),
    Column("No. Rekening", kind=CODE),
    Column("Atas Nama Rekening", width=26),
    Column("Nilai Hibah (Rp)", kind=RUPIAH, width=16),
    Column("Tanggal Transfer", kind=DATE, width=13),
    Column("Status", width=14),
    Column("Dicairkan (Rp)", kind=RUPIAH, width=16),
    Column("Sisa (Rp)", kind=RUPIAH, width=16),
)
SUMMARY_COLUMNS = (
    *REGENCY,
    Column("Jumlah Kelompok", kind=NUMBER),
    Column("Nilai Hibah (Rp)", kind=RUPIAH),
    Column("Dicairkan (Rp)", kind=RUPIAH),
    Column("Sisa (Rp)", kind=RUPIAH),
)


def rekap_grants(*, user, program):
    """The programme's grants (not cancelled) the user may see, with the ketua's name."""
    chair = Member.objects.filter(
        group_id=OuterRef("group_id"), role=MemberRole.CHAIR, active=True
    ).values("full_name")[:1]
    return (
        Grant.objects.visible_to(user)
        .filter(program=program)
        .exclude(status=GrantStatus.CANCELLED)
        .select_related("group__regency", "group__district", "group__village")
        .annotate(chair_name=Subquery(chair))
        .order_by("group__regency_id", "group__name", "pk")
    )


def write_rekap(*, user, program, fileobj) -> None:
    workbook = Workbook(write_only=True)
    summary = add_sheet(workbook, "Ringkasan", SUMMARY_COLUMNS)
    totals = {}  # regency code -> [name, count, amount, withdrawn]
    sheet = regency = None
    with translation.override("id"):  # the status labels of the file are Indonesian
        for grant in rekap_grants(user=user, program=program).iterator(chunk_size=2000):
            group = grant.group
            if group.regency_id != regency:
                if sheet is not None:
                    _total_row(sheet, totals[regency])
                regency = group.regency_id
                sheet = add_sheet(workbook, group.regency.name, REKAP_COLUMNS)
                totals[regency] = [group.regency.name, 0, 0, 0]
            line = totals[regency]
            line[1] += 1
            line[2] += grant.amount
            line[3] += grant.withdrawn_amount
            append_values(
                sheet,
                REKAP_COLUMNS,
                (
                    line[1],
                    group.registration_number,
                    group.name,
                    group.district.name,
                    group.village.name,
                    grant.chair_name or "",
                    group.bank_name,
                    group.account_number,
                    group.account_holder,
                    grant.amount,
                    grant.transferred_on,
                    GrantStatus(grant.status).label,
                    grant.withdrawn_amount,
                    grant.amount - grant.withdrawn_amount,
                ),
            )
        if sheet is not None:
            _total_row(sheet, totals[regency])
    all_ = [TOTAL_LABEL, 0, 0, 0]
    for regency_code, (name, count, amount, withdrawn) in totals.items():
        line = (regency_code, name, count, amount, withdrawn, amount - withdrawn)
        append_values(summary, SUMMARY_COLUMNS, line)
        all_[1] += count
        all_[2] += amount
        all_[3] += withdrawn
    name, count, amount, withdrawn = all_
    append_values(
        summary, SUMMARY_COLUMNS, (None, name, count, amount, withdrawn, amount - withdrawn)
    )
    workbook.save(fileobj)


def _total_row(sheet, line):
    _name, _count, amount, withdrawn = line
    values = [None] * len(REKAP_COLUMNS)
    values[2], values[9], values[12] = TOTAL_LABEL, amount, withdrawn
    values[13] = amount - withdrawn
    append_values(sheet, REKAP_COLUMNS, values)
