"""The LPJ as a PDF (Indonesian literals, as every official document): the group, the grant
and the acts it rests on, what was released and bought in the year with every purchase, how
the business went per catur wulan, the ketua's and treasurer's statement, and the numbered
receipt of the province once received."""

from fpdf.enums import XPos, YPos

from core.indonesia import format_rupiah
from core.pdf import (
    FONT,
    ISSUED_AT,
    OfficialDocument,
    Signer,
    at_noon,
    label_id,
    rupiah_terbilang,
    tanggal,
)
from groups.models import MemberRole
from reports.lpj import LpjContent

BLANK = "(....................................)"


def _member(group, role):
    found = [m for m in group.members.all() if m.role == role and m.active]
    return found[0].full_name if found else BLANK


def _section(pdf, title: str):
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def lpj_pdf(content: LpjContent) -> bytes:
    group, year, lpj = content.group, content.year, content.lpj
    day = lpj.received_on if lpj and lpj.received_on else content.period.due
    pdf = OfficialDocument(
        title=f"LPJ {year} {group.name}", created=at_noon(day), page_numbers=True
    )
    pdf.set_subject(f"LPJ {year} · {group.name}")
    pdf.letterhead()
    pdf.heading(
        f"LAPORAN PERTANGGUNGJAWABAN (LPJ)\nPENGGUNAAN DANA HIBAH BANTUAN MODAL USAHA\n"
        f"TAHUN {year}",
        f"{group.name} · {group.registration_number}",
    )
    status = "belum disampaikan"
    if lpj:
        status = label_id(lpj, "status").lower()
    pdf.fields(
        [
            ("Nama kelompok", group.name, True),
            ("Alamat", f"{group.address}, {group.village.name}, {group.regency.name}"),
            ("Ketua", _member(group, MemberRole.CHAIR)),
            ("Bendahara", _member(group, MemberRole.TREASURER)),
            (
                "Rekening",
                f"{group.bank_name or '-'} {group.account_number or ''} a.n. "
                f"{group.account_holder or '-'}",
            ),
            ("Batas penyampaian", tanggal(content.period.due)),
            ("Status", status),
        ],
        indent=0,
        label_width=42,
    )

    _section(pdf, "I. Dasar pemberian hibah")
    for grant in content.grants:
        agreement = grant.agreement
        decree = grant.decree
        rows = [
            ("Program", f"{grant.program.name} (Tahun Anggaran {grant.program.fiscal_year})"),
            (
                "SK penerima",
                f"{decree.number}, tanggal {tanggal(decree.signed_on)}"
                if decree and decree.is_signed
                else "-",
            ),
            (
                "NPHD",
                f"{agreement.number}, tanggal {tanggal(agreement.issued_on)}" if agreement else "-",
            ),
            ("Nilai hibah", rupiah_terbilang(grant.amount), True),
            (
                "Diserahkan (BAST)"
                if grant.program.aid_form == "in_kind"
                else "Ditransfer ke rekening",
                f"{tanggal(grant.transferred_on)} ({grant.transfer_reference})",
            ),
        ]
        pdf.fields(rows, indent=0, label_width=42)

    _section(pdf, f"II. Realisasi penggunaan dana tahun {year}")
    if content.tranches:
        rows = []
        for tranche in content.tranches:
            spending = getattr(tranche, "spending", None)
            rows.append(
                [
                    str(tranche.sequence),
                    tanggal(tranche.withdrawn_on),
                    format_rupiah(tranche.amount),
                    format_rupiah(spending.total) if spending else "-",
                    label_id(spending, "status") if spending else "-",
                ]
            )
        pdf.data_table(
            widths=(15, 32, 32, 51, 35),
            align=("CENTER", "LEFT", "RIGHT", "RIGHT", "LEFT"),
            headings=["Tahap", "Dicairkan", "Jumlah", "Dipertanggungjawabkan", "Status"],
            rows=rows,
            size=9,
        )
        pdf.ln(3)
    for handover in content.handovers:
        pdf.paragraph(
            f"Barang diserahkan dengan BAST Nomor {handover.number} tanggal "
            f"{tanggal(handover.handed_over_on)}:",
            after=1,
        )
        pdf.data_table(
            widths=(10, 70, 25, 30, 30),
            align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
            headings=["No.", "Barang", "Jumlah", "Harga satuan", "Jumlah harga"],
            rows=[
                [
                    str(item.position),
                    item.name,
                    f"{item.quantity} {item.unit}",
                    format_rupiah(item.unit_value),
                    format_rupiah(item.value),
                ]
                for item in handover.items.all()
            ],
            size=9,
        )
        pdf.ln(3)
    if content.lines:
        pdf.paragraph("Rincian belanja yang telah diterima pertanggungjawabannya:", after=1)
        rows = [
            [
                str(number),
                tanggal(line.spent_on),
                f"{line.item} ({line.quantity} {line.unit})",
                line.supplier,
                format_rupiah(line.amount),
                "PDF" if line.receipt.content_type == "application/pdf" else "foto",
            ]
            for number, line in enumerate(content.lines, start=1)
        ]
        rows.append(["", "", "JUMLAH", "", format_rupiah(sum(x.amount for x in content.lines)), ""])
        pdf.data_table(
            widths=(9, 27, 55, 36, 26, 12),
            align=("CENTER", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
            headings=["No.", "Tanggal", "Barang/jasa", "Penjual", "Nilai", "Bukti"],
            rows=rows,
            bold_last=True,
            size=8,
        )
        pdf.ln(3)
    if not (content.tranches or content.handovers):
        pdf.paragraph(f"Tidak ada dana yang dicairkan pada tahun {year}.", after=1)
    pdf.fields(
        [
            ("Dicairkan tahun ini", rupiah_terbilang(content.withdrawn)),
            ("Dipertanggungjawabkan", rupiah_terbilang(content.accounted), True),
            ("Belum dipertanggungjawabkan", rupiah_terbilang(content.unaccounted)),
        ],
        indent=0,
        label_width=60,
    )

    _section(pdf, "III. Perkembangan usaha")
    if content.reports:
        pdf.data_table(
            widths=(26, 30, 30, 30, 30, 19),
            align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT"),
            headings=["Catur wulan", "Omzet", "Biaya", "Laba", "Kondisi", "Anggota"],
            rows=[
                [
                    f"{report.period.roman} {report.year}",
                    format_rupiah(report.revenue),
                    format_rupiah(report.costs),
                    format_rupiah(report.profit),
                    label_id(report, "condition"),
                    str(report.active_members),
                ]
                for report in content.reports
            ],
            size=9,
        )
        pdf.ln(3)
    else:
        pdf.paragraph("Belum ada laporan perkembangan usaha yang diterima untuk tahun ini.")

    _section(pdf, "IV. Pernyataan")
    if lpj and lpj.statement:
        pdf.paragraph(lpj.statement, after=2)
    pdf.paragraph(
        "Kami menyatakan bahwa dana hibah tersebut telah digunakan sesuai dengan Naskah "
        "Perjanjian Hibah Daerah, bukti-bukti belanja disimpan oleh kelompok, dan kami "
        "bertanggung jawab penuh atas kebenaran laporan ini.",
        after=5,
    )
    pdf.signatures(
        left=("Bendahara,", Signer(_member(group, MemberRole.TREASURER))),
        right=("Ketua,", Signer(_member(group, MemberRole.CHAIR))),
        place_and_date=(
            f"{group.village.name}, {tanggal(lpj.submitted_at)}"
            if lpj
            else f"{group.village.name}, ...................."
        ),
    )
    if lpj and lpj.receipt_id:
        pdf.boxed(
            f"TANDA TERIMA LPJ · Nomor: {lpj.receipt.number}\n"
            f"Laporan pertanggungjawaban tahun {year} {group.name} telah diterima lengkap oleh "
            f"Dinas Sosial Provinsi Kalimantan Timur pada tanggal {tanggal(lpj.received_on)}."
        )
        pdf.signature(
            place_and_date=f"{ISSUED_AT}, {tanggal(lpj.received_on)}",
            role="Yang menerima,",
            signer=Signer.of(lpj.received_by),
        )
    return pdf.render()
