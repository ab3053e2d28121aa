"""The "rekap" of a programme: its grants per regency, in the shape a provincial office
sends upward, as an xlsx workbook with one sheet per regency (and a summary sheet first).

One query whatever the number of groups: the grants visible to the user, with group,
regency, district and the name of the group's ketua (a correlated subquery), ordered by
regency and group name, streamed into the sheets. Headers are fixed Indonesian strings.
"""

from django.db.models import OuterRef, Subquery
from django.utils import translation
from openpyxl import Workbook

from grants.models import Grant, GrantStatus
from groups.models import Member, MemberRole
from reports.dashboard_excel import TOTAL_LABEL, add_sheet, code, rupiah
from reports.excel import DATE_FORMAT, _cell

REKAP_COLUMNS = (
    ("No.", 5),
    ("No. Registrasi", 18),
    ("Nama Kelompok", 30),
    ("Kecamatan", 20),
    ("Desa/Kelurahan", 20),
    ("Ketua", 26),
    ("Bank", 16),
    ("No. Rekening", 18),
    ("Atas Nama Rekening", 26),
    ("Nilai Hibah (Rp)", 16),
    ("Tanggal Transfer", 13),
    ("Status", 14),
    ("Dicairkan (Rp)", 16),
    ("Sisa (Rp)", 16),
)
SUMMARY_COLUMNS = (
    ("Kode", 8),
    ("Kabupaten/Kota", 30),
    ("Jumlah Kelompok", 10),
    ("Nilai Hibah (Rp)", 18),
    ("Dicairkan (Rp)", 18),
    ("Sisa (Rp)", 18),
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
        .select_related("group__regency", "group__district")
        .annotate(chair_name=Subquery(chair))
        .order_by("group__regency_id", "group__name", "pk")
    )


def write_rekap(*, user, program, fileobj) -> None:
    workbook = Workbook(write_only=True)
    summary = add_sheet(workbook, "Ringkasan", SUMMARY_COLUMNS)
    totals = {}  # regency code -> [name, count, amount, withdrawn]
    sheet = regency = None
    with translation.override("id"):
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
            sheet.append(
                [
                    line[1],
                    code(sheet, group.registration_number),
                    group.name,
                    group.district.name,
                    group.village_name,
                    grant.chair_name or "",
                    group.bank_name,
                    code(sheet, group.account_number),
                    group.account_holder,
                    rupiah(sheet, grant.amount),
                    _cell(sheet, grant.transferred_on, DATE_FORMAT),
                    str(GrantStatus(grant.status).label),
                    rupiah(sheet, grant.withdrawn_amount),
                    rupiah(sheet, grant.amount - grant.withdrawn_amount),
                ]
            )
        if sheet is not None:
            _total_row(sheet, totals[regency])
    all_ = [TOTAL_LABEL, 0, 0, 0]
    for regency_code, (name, count, amount, withdrawn) in totals.items():
        summary.append(
            [
                code(summary, regency_code),
                name,
                count,
                rupiah(summary, amount),
                rupiah(summary, withdrawn),
                rupiah(summary, amount - withdrawn),
            ]
        )
        all_[1] += count
        all_[2] += amount
        all_[3] += withdrawn
    summary.append(
        [
            None,
            all_[0],
            all_[1],
            rupiah(summary, all_[2]),
            rupiah(summary, all_[3]),
            rupiah(summary, all_[2] - all_[3]),
        ]
    )
    workbook.save(fileobj)


def _total_row(sheet, line):
    _name, _count, amount, withdrawn = line
    sheet.append(
        [None, None, TOTAL_LABEL]
        + [None] * 6
        + [rupiah(sheet, amount), None, None, rupiah(sheet, withdrawn)]
        + [rupiah(sheet, amount - withdrawn)]
    )
