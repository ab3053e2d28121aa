"""Official PDF documents of a programme (Indonesian literals, as in grants/pdf.py):

- the recap per regency (Rekapitulasi Penyaluran Dana Hibah per Kabupaten/Kota), from the
  dashboard's regency summaries and the quotas: two queries;
- the beneficiary decision attachment (Lampiran Keputusan: Daftar Penerima Bantuan Modal
  Usaha): the groups, their ketua, amount and bank account, per regency, with totals in
  figures and words: one query (grants.rekap.rekap_grants).

Both show only what the user may see (a regency officer's document holds their regency).
The creation date written into the file is the latest change of the data shown, so the same
data gives the same bytes.
"""

import datetime

from django.db.models import Max
from fpdf import FontFace
from fpdf.enums import Align, TableCellFillMode, XPos, YPos

from core.indonesia import format_rupiah
from core.numbers import format_percent, percent
from core.pdf import (
    BLANK_SIGNER,
    FONT,
    GREY,
    HEADER_FILL,
    ISSUED_AT,
    STRIPE_FILL,
    OfficialDocument,
    Signer,
    rupiah_terbilang,
    tanggal,
)
from grants.models import ProgramQuota
from reports.models import RegencySummary
from reports.rekap import rekap_grants

SIGNER_ROLE = "Kepala Dinas Sosial Provinsi Kalimantan Timur,"


def _created(*moments) -> datetime.datetime:
    moments = [m for m in moments if m is not None]
    return max(moments).astimezone(datetime.UTC).replace(microsecond=0)


def _table(pdf, *, widths, align, headings, rows, bold_last=False):
    pdf.set_font(FONT, "", 8)
    pdf.set_draw_color(170)
    with pdf.table(
        align=Align.L,
        col_widths=widths,
        text_align=align,
        line_height=4.8,
        padding=(1, 1.3),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        cell_fill_color=STRIPE_FILL,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
    ) as table:
        table.row(headings)
        for index, row in enumerate(rows):
            if isinstance(row, str):  # a heading across the table (a regency)
                line = table.row(style=FontFace(emphasis="BOLD"))
                line.cell(row, colspan=len(widths), align=Align.L)
                continue
            last = bold_last and index == len(rows) - 1
            table.row(row, style=FontFace(emphasis="BOLD") if last else None)
    pdf.set_draw_color(0)


def _pct(part, whole) -> str:
    return format_percent(percent(part, whole))


def regency_recap(*, user, program) -> bytes:
    """Rekapitulasi per Kabupaten/Kota: quota, groups awarded, amounts awarded, transferred
    and withdrawn, what remains and the absorption, with the totals in words."""
    summaries = {
        s.regency_id: s
        for s in RegencySummary.objects.visible_to(user)
        .filter(program=program)
        .select_related("regency")
    }
    quotas = list(
        ProgramQuota.objects.visible_to(user).filter(program=program).select_related("regency")
    )
    regencies = {q.regency_id: (q.regency.name, q.group_count) for q in quotas}
    for code, summary in summaries.items():
        regencies.setdefault(code, (summary.regency.name, 0))
    as_of = _created(
        program.updated_at,
        *(s.updated_at for s in summaries.values()),
        *(q.updated_at for q in quotas),
    )
    pdf = OfficialDocument(
        title=f"Rekapitulasi Dana Hibah {program.name}",
        created=as_of,
        page_numbers=True,
        orientation="landscape",
    )
    pdf.set_subject(program.name)
    pdf.letterhead()
    pdf.heading(
        "REKAPITULASI PENYALURAN DANA HIBAH BANTUAN MODAL USAHA PER KABUPATEN/KOTA",
        f"{program.name} · Tahun Anggaran {program.fiscal_year} · keadaan per {tanggal(as_of)}",
    )
    rows, total = [], [0, 0, 0, 0, 0, 0]
    for number, code in enumerate(sorted(regencies), start=1):
        name, quota = regencies[code]
        s = summaries.get(code)
        figures = [
            quota,
            s.grants_awarded if s else 0,
            s.amount_awarded if s else 0,
            s.amount_transferred if s else 0,
            s.amount_withdrawn if s else 0,
        ]
        figures.append(figures[2] - figures[4])
        total = [a + b for a, b in zip(total, figures, strict=True)]
        rows.append(_recap_row(str(number), name, figures))
    rows.append(_recap_row("", "JUMLAH", total))
    _table(
        pdf,
        widths=(9, 50, 14, 18, 33, 33, 33, 33, 19),
        align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings=[
            "No.",
            "Kabupaten/Kota",
            "Kuota",
            "Kelompok",
            "Nilai hibah",
            "Ditransfer",
            "Dicairkan kelompok",
            "Sisa",
            "Serapan",
        ],
        rows=rows,
        bold_last=True,
    )
    pdf.ln(4)
    pdf.fields(
        [
            ("Nilai hibah", rupiah_terbilang(total[2]), True),
            ("Ditransfer ke rekening kelompok", rupiah_terbilang(total[3])),
            ("Dicairkan oleh kelompok", rupiah_terbilang(total[4])),
            ("Sisa belum dicairkan", rupiah_terbilang(total[5])),
        ],
        indent=0,
        label_width=62,
    )
    _note(
        pdf,
        "Serapan: dicairkan oleh kelompok dibagi nilai hibah. Sisa: nilai hibah dikurangi "
        "yang telah dicairkan oleh kelompok.",
    )
    # A working document: signed by who compiled it, an official with position and NIP
    # (left blank to sign by hand when the user who prints it has none).
    pdf.signature(
        place_and_date=f"{ISSUED_AT}, {tanggal(as_of)}",
        role="Yang membuat rekapitulasi,",
        signer=Signer.of(user) if user.can_sign else BLANK_SIGNER,
    )
    return pdf.render()


def _recap_row(number, name, figures):
    quota, groups, awarded, transferred, withdrawn, remaining = figures
    return [
        number,
        name,
        str(quota),
        str(groups),
        format_rupiah(awarded),
        format_rupiah(transferred),
        format_rupiah(withdrawn),
        format_rupiah(remaining),
        _pct(withdrawn, awarded),
    ]


def _note(pdf, text):
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(4)


def beneficiary_attachment(*, user, program) -> bytes:
    """Lampiran Keputusan: the groups receiving the programme's grants, per regency, with
    their ketua, amount and bank account; subtotals per regency and the total in words."""
    grants = list(rekap_grants(user=user, program=program))
    latest = rekap_grants(user=user, program=program).aggregate(m=Max("updated_at"))["m"]
    as_of = _created(program.updated_at, latest)
    pdf = OfficialDocument(
        title=f"Lampiran Keputusan Penerima {program.name}",
        created=as_of,
        page_numbers=True,
        orientation="landscape",
    )
    pdf.set_subject(program.name)
    pdf.letterhead()
    pdf.heading(
        "LAMPIRAN KEPUTUSAN KEPALA DINAS SOSIAL PROVINSI KALIMANTAN TIMUR",
        f"Daftar Penerima {program.name} · Tahun Anggaran {program.fiscal_year}",
    )
    rows, subtotal, total, regency, regency_name, number = [], 0, 0, None, "", 0
    for grant in grants:
        group = grant.group
        if group.regency_id != regency:
            if regency is not None:
                rows.append(_subtotal_row(regency_name, subtotal))
            regency, regency_name, subtotal = group.regency_id, group.regency.name, 0
            rows.append(regency_name)
        number += 1
        subtotal += grant.amount
        total += grant.amount
        rows.append(
            [
                str(number),
                group.name,
                group.registration_number,
                grant.chair_name or "-",
                f"{group.village_name}, {group.district.name}",
                group.bank_name or "-",
                f"{group.account_number or '-'} a.n. {group.account_holder or '-'}",
                format_rupiah(grant.amount),
            ]
        )
    if regency is not None:
        rows.append(_subtotal_row(regency_name, subtotal))
    rows.append(["", "JUMLAH", "", "", "", "", f"{number} kelompok", format_rupiah(total)])
    _table(
        pdf,
        widths=(8, 44, 28, 36, 38, 24, 44, 30),
        align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
        headings=[
            "No.",
            "Nama kelompok",
            "No. registrasi",
            "Ketua",
            "Desa/Kelurahan, Kecamatan",
            "Bank",
            "Nomor rekening",
            "Jumlah",
        ],
        rows=rows,
        bold_last=True,
    )
    pdf.ln(4)
    pdf.fields(
        [
            ("Jumlah penerima", f"{number} kelompok"),
            ("Jumlah bantuan", rupiah_terbilang(total), True),
        ],
        indent=0,
        label_width=42,
    )
    pdf.signature(
        place_and_date=f"{ISSUED_AT}, {tanggal(as_of)}", role=SIGNER_ROLE, signer=BLANK_SIGNER
    )
    return pdf.render()


def _subtotal_row(regency_name, amount):
    return ["", f"Jumlah {regency_name}", "", "", "", "", "", format_rupiah(amount)]
