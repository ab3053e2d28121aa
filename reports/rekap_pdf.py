"""Official PDF document of a programme (Indonesian literals, as in grants/pdf.py):

- the recap per regency (Rekapitulasi Penyaluran Dana Hibah per Kabupaten/Kota), from the
  dashboard's regency summaries and the quotas: two queries;
- the recipients' list attached to a decree is the decree's own (grants/pdf.py).

It shows only what the user may see (a regency officer's document holds their regency).
The creation date written into the file is the latest change of the data shown, so the same
data gives the same bytes.
"""

import datetime

from fpdf.enums import XPos, YPos

from core.indonesia import format_rupiah
from core.numbers import format_percent, percent
from core.pdf import (
    BLANK_SIGNER,
    FONT,
    GREY,
    ISSUED_AT,
    OfficialDocument,
    Signer,
    rupiah_terbilang,
    tanggal,
)
from grants.models import ProgramQuota
from reports.models import RegencySummary

SIGNER_ROLE = "Kepala Dinas Sosial Provinsi Kalimantan Timur,"


def _created(*moments) -> datetime.datetime:
    moments = [m for m in moments if m is not None]
    return max(moments).astimezone(datetime.UTC).replace(microsecond=0)


def _table(pdf, **kwargs):
    pdf.data_table(**kwargs)


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
