"""PDF documents of the grant programme: a tranche's approval letter and a grant's summary.

The page, the letterhead and the Indonesian formatting come from core/pdf.py (fpdf2 with the
DejaVu fonts embedded). Official documents are in Indonesian whatever the language of the user
who prints them: their texts are Indonesian literals here (not gettext), and dates and status
labels are formatted under the `id` locale.

The same data gives the same bytes: the creation date written into the file is the decision
date (letter) or the grant's latest change (summary), never the time of printing.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from fpdf import FontFace
from fpdf.enums import Align, TableCellFillMode, XPos, YPos

from core.indonesia import format_rupiah
from core.pdf import (
    FONT,
    GREY,
    HEADER_FILL,
    ISSUED_AT,
    STRIPE_FILL,
    OfficialDocument,
    Signer,
    at_noon,
    hari_tanggal_terbilang,
    label_id,
    person_name,
    rupiah_terbilang,
    tanggal,
)
from core.personal_data import mask
from grants import rules, selectors
from grants.models import Agreement, AidForm, Decree, Grant, Handover, Tranche, TrancheStatus
from groups.models import MemberRole

# Tranches a letter can be printed for: the approval has been given.


def letter_number(tranche: Tranche) -> str:
    """The letter's number in the outgoing-letter register, given when it was approved."""
    return tranche.letter.number if tranche.letter_id else "-"


def _chair_name(group) -> str:
    chairs = [m for m in group.members.all() if m.role == MemberRole.CHAIR]
    chairs.sort(key=lambda m: (not m.active, m.pk))
    return chairs[0].full_name if chairs else "-"


# Documents ---------------------------------------------------------------------------


def tranche_approval_letter(tranche: Tranche) -> bytes:
    """Surat Persetujuan Pencairan Dana Hibah Tahap N, for an approved or withdrawn tranche."""
    tranche = (
        Tranche.objects.select_related(
            "grant__program",
            "grant__group__regency",
            "requested_by",
            "decided_by",
            "letter",
        )
        .prefetch_related("grant__group__members")
        .get(pk=tranche.pk)
    )
    if not rules.tranche_letter(tranche=tranche) or tranche.decided_at is None:
        raise ValueError(
            f"Only an approved or withdrawn tranche has a letter, not a {tranche.status} one."
        )
    grant, group = tranche.grant, tranche.grant.group
    program = grant.program
    decided_on = timezone.localdate(tranche.decided_at)
    # Totals as they stood when this tranche was approved, so a letter printed again later
    # says what the original said.
    withdrawn_before = sum(
        t.amount
        for t in grant.tranches.filter(
            status=TrancheStatus.WITHDRAWN, sequence__lt=tranche.sequence
        )
    )
    left_after = grant.amount - withdrawn_before - tranche.amount

    title = f"Surat Persetujuan Pencairan Dana Hibah Tahap {tranche.sequence}"
    pdf = OfficialDocument(title=title, created=at_noon(decided_on), page_numbers=False)
    pdf.set_subject(f"{group.name} · {program.name}")
    pdf.letterhead()
    pdf.heading(
        f"SURAT PERSETUJUAN PENCAIRAN DANA HIBAH TAHAP {tranche.sequence}",
        f"Nomor: {letter_number(tranche)}",
    )
    agreement = grant.agreement
    nphd = agreement.number if agreement else "-"
    nphd_date = tanggal(agreement.issued_on) if agreement else "-"
    pdf.paragraph(
        f"Berdasarkan Naskah Perjanjian Hibah Daerah (NPHD) Nomor {nphd} tanggal "
        f"{nphd_date} dan permohonan pencairan tanggal "
        f"{tanggal(tranche.requested_at)} yang diajukan oleh "
        f"{person_name(tranche.requested_by)} "
        f"(Dinas Sosial {group.regency.name}), dengan ini Dinas Sosial Provinsi Kalimantan "
        f"Timur menyetujui pencairan dana hibah tahap {tranche.sequence} kepada kelompok:",
        align=Align.L,
    )
    pdf.fields(
        [
            ("Nama kelompok", group.name, True),
            ("Nomor registrasi", group.registration_number),
            ("Kabupaten/Kota", group.regency.name),
            ("Ketua kelompok", _chair_name(group)),
            ("Bank", group.bank_name or "-"),
            ("Nomor rekening", group.account_number or "-"),
            ("Atas nama", group.account_holder or "-"),
        ]
    )
    pdf.paragraph("dengan rincian sebagai berikut:", after=1)
    rows = [
        ("Program", f"{program.name} (Tahun Anggaran {program.fiscal_year})"),
        ("Nomor NPHD", f"{nphd}, tanggal {nphd_date}"),
        ("Jumlah pencairan", rupiah_terbilang(tranche.amount), True),
        ("Keperluan", tranche.purpose),
    ]
    if tranche.decision_note:
        rows.append(("Catatan", tranche.decision_note))
    pdf.fields(rows)
    pdf.boxed(
        f"Nilai hibah {format_rupiah(grant.amount)}; telah dicairkan sebelum tahap ini "
        f"{format_rupiah(withdrawn_before)}; sisa hibah setelah pencairan tahap ini "
        f"{format_rupiah(left_after)}."
    )
    pdf.paragraph(
        "Dana tersebut ditarik oleh pengurus kelompok dari rekening kelompok, digunakan sesuai "
        "dengan keperluan di atas, dan dipertanggungjawabkan dengan nota, kuitansi atau foto "
        "setiap belanja sebelum tahap berikutnya, serta dalam laporan perkembangan usaha "
        "setiap catur wulan dan LPJ tahunan. Demikian surat persetujuan ini dibuat untuk "
        "dipergunakan sebagaimana mestinya.",
        after=6,
    )
    pdf.signature(
        place_and_date=f"{ISSUED_AT}, {tanggal(decided_on)}",
        role="Yang menyetujui,",
        signer=Signer.of(tranche.decided_by),
    )
    pdf.copies(
        [
            f"Kepala Dinas Sosial {group.regency.name};",
            f"Ketua {group.name};",
            "Arsip.",
        ]
    )
    return pdf.render()


def grant_summary(grant: Grant) -> bytes:
    """A grant with its tranches in a table and its totals in figures and in words."""
    grant = (
        Grant.objects.select_related("program", "group__regency")
        .prefetch_related("group__members")
        .get(pk=grant.pk)
    )
    group, program = grant.group, grant.program
    agreement = grant.agreement
    tranches = list(grant.tranches.select_related("decided_by").order_by("sequence"))
    as_of = max([grant.updated_at, *(t.updated_at for t in tranches)])

    pdf = OfficialDocument(
        title=f"Ringkasan Dana Hibah {group.name}",
        created=as_of.astimezone(datetime.UTC).replace(microsecond=0),
        page_numbers=True,
    )
    pdf.set_subject(f"{group.name} · {program.name}")
    pdf.letterhead()
    pdf.heading("RINGKASAN DANA HIBAH", f"Keadaan per {tanggal(as_of)}")
    transfer = "-"
    if grant.transferred_on:
        transfer = tanggal(grant.transferred_on)
        if grant.transfer_reference:
            transfer += f" (ref. {grant.transfer_reference})"
    pdf.fields(
        [
            ("Nama kelompok", group.name, True),
            ("Nomor registrasi", group.registration_number),
            ("Kabupaten/Kota", group.regency.name),
            ("Ketua kelompok", _chair_name(group)),
            ("Rekening", f"{group.bank_name or '-'} {group.account_number or ''}".strip()),
            ("Atas nama", group.account_holder or "-"),
            ("Program", f"{program.name} (Tahun Anggaran {program.fiscal_year})"),
            (
                "Nomor NPHD",
                f"{agreement.number}, tanggal {tanggal(agreement.issued_on)}" if agreement else "-",
            ),
            ("Ditetapkan", tanggal(grant.awarded_on)),
            ("Ditransfer", transfer),
            ("Status hibah", label_id(grant, "status")),
        ],
        indent=0,
        label_width=42,
    )

    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, "Pencairan per tahap", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if tranches:
        pdf.set_font(FONT, "", 8.5)
        pdf.set_draw_color(170)
        with pdf.table(
            align=Align.L,
            col_widths=(12, 32, 28, 22, 40, 31),
            text_align=("CENTER", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT"),
            line_height=5.2,
            padding=(1.2, 1.5),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            cell_fill_color=STRIPE_FILL,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        ) as table:
            table.row(
                ["No.", "Tanggal pengajuan", "Jumlah", "Status", "Diputuskan oleh", "Ditarik"]
            )
            for t in tranches:
                table.row(
                    [
                        str(t.sequence),
                        tanggal(t.requested_at),
                        format_rupiah(t.amount),
                        label_id(t, "status"),
                        person_name(t.decided_by) if t.decided_by_id else "-",
                        tanggal(t.withdrawn_on),
                    ]
                )
        pdf.set_draw_color(0)
    else:
        pdf.paragraph("Belum ada pencairan yang diajukan.", after=0)
    pdf.ln(5)

    in_process = sum(
        t.amount for t in tranches if t.status in (TrancheStatus.REQUESTED, TrancheStatus.APPROVED)
    )
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, "Jumlah", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.fields(
        [
            ("Nilai hibah", rupiah_terbilang(grant.amount), True),
            ("Telah dicairkan", rupiah_terbilang(grant.withdrawn_amount)),
            ("Dalam proses", rupiah_terbilang(in_process)),
            ("Belum diajukan", rupiah_terbilang(grant.available_amount)),
        ],
        indent=0,
        label_width=42,
    )
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        "Dalam proses: tahap yang diajukan atau disetujui tetapi belum ditarik. "
        "Belum diajukan: bagian hibah yang masih dapat diajukan pada tahap berikutnya.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0)
    return pdf.render()


# The recipients' decree ---------------------------------------------------------------

OFFICE_HEAD = "KEPALA DINAS SOSIAL PROVINSI KALIMANTAN TIMUR"


def decree_heading(pdf, decree, *, about: str):
    """LAMPIRAN KEPUTUSAN ... NOMOR / TANGGAL / TENTANG, at the top right as an attachment
    to a decree is headed."""
    x = pdf.w - pdf.r_margin - 120
    pdf.set_font(FONT, "", 9)
    rows = [
        ("LAMPIRAN", f"KEPUTUSAN {OFFICE_HEAD}"),
        ("NOMOR", decree.number or "(konsep: nomor diberikan saat ditandatangani)"),
        ("TANGGAL", tanggal(decree.signed_on) if decree.signed_on else "-"),
        ("TENTANG", about),
    ]
    for label, value in rows:
        pdf.set_x(x)
        pdf.cell(22, 4.6, label)
        pdf.cell(4, 4.6, ":")
        pdf.multi_cell(94, 4.6, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def decree_attachment(decree: Decree, *, user) -> bytes:
    """Lampiran Keputusan: the groups a decree names (those the user may see), per regency,
    with their ketua, amount and bank account, subtotals and the total in figures and
    words, signed by the decree's signatory with position and NIP."""
    decree = Decree.objects.select_related("program", "signatory", "letter").get(pk=decree.pk)
    program = decree.program
    grants = list(selectors.decree_grants(decree=decree, user=user))
    as_of = (
        at_noon(decree.signed_on)
        if decree.signed_on
        else max([decree.updated_at, *(g.updated_at for g in grants)])
        .astimezone(datetime.UTC)
        .replace(microsecond=0)
    )
    about = f"PENETAPAN PENERIMA {program.name.upper()} TAHUN ANGGARAN {program.fiscal_year}"
    pdf = OfficialDocument(
        title=f"Lampiran Keputusan Penerima {program.name}",
        created=as_of,
        page_numbers=True,
        orientation="landscape",
    )
    pdf.set_subject(f"{decree.number or 'Konsep'} · {program.name}")
    pdf.letterhead()
    decree_heading(pdf, decree, about=about)
    pdf.heading(
        f"DAFTAR PENERIMA {program.name.upper()}",
        f"Tahun Anggaran {program.fiscal_year}"
        + ("" if decree.is_signed else " · KONSEP, BELUM DITANDATANGANI"),
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
                f"{group.village.name}, {group.district.name}",
                group.bank_name or "-",
                f"{group.account_number or '-'} a.n. {group.account_holder or '-'}",
                format_rupiah(grant.amount),
            ]
        )
    if regency is not None:
        rows.append(_subtotal_row(regency_name, subtotal))
    rows.append(["", "JUMLAH", "", "", "", "", f"{number} kelompok", format_rupiah(total)])
    pdf.data_table(
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
        place_and_date=(
            f"Ditetapkan di {ISSUED_AT}\npada tanggal {tanggal(decree.signed_on)}"
            if decree.signed_on
            else f"Ditetapkan di {ISSUED_AT}\npada tanggal ...................."
        ),
        role="",
        signer=Signer.of(decree.signatory),
    )
    return pdf.render()


def _subtotal_row(regency_name, amount):
    return ["", f"Jumlah {regency_name}", "", "", "", "", "", format_rupiah(amount)]


# The grant agreement (NPHD) -------------------------------------------------------------


def _chair(group):
    chairs = [m for m in group.members.all() if m.role == MemberRole.CHAIR]
    chairs.sort(key=lambda m: (not m.active, m.pk))
    return chairs[0] if chairs else None


def _aid_clauses(grant, program, group) -> list[tuple[str, list[str]]]:
    """The articles on the amount, how the aid reaches the group and how it is drawn."""
    amount = rupiah_terbilang(grant.amount)
    if program.aid_form == AidForm.IN_KIND:
        return [
            (
                "JUMLAH DAN BENTUK HIBAH",
                [
                    f"PIHAK PERTAMA memberikan hibah kepada PIHAK KEDUA berupa barang senilai "
                    f"{amount} sebagai modal usaha kelompok.",
                    "Rincian barang, jumlah dan nilainya dituangkan dalam Berita Acara Serah "
                    "Terima (BAST) yang ditandatangani PARA PIHAK pada saat penyerahan.",
                ],
            ),
            (
                "PENYERAHAN BARANG",
                [
                    "Barang diserahkan oleh PIHAK PERTAMA kepada PIHAK KEDUA di lokasi usaha "
                    "kelompok setelah perjanjian ini ditandatangani, dan dicatat dalam BAST "
                    "yang bernomor dari agenda surat keluar PIHAK PERTAMA.",
                    "Sejak barang diserahkan, PIHAK KEDUA bertanggung jawab atas pemeliharaan "
                    "dan penggunaannya untuk usaha kelompok.",
                ],
            ),
        ]
    clauses = [
        (
            "JUMLAH DAN TUJUAN HIBAH",
            [
                f"PIHAK PERTAMA memberikan hibah kepada PIHAK KEDUA berupa uang sebesar "
                f"{amount} sebagai modal usaha kelompok sesuai dengan proposal yang diajukan.",
            ],
        ),
        (
            "PENYALURAN",
            [
                "Hibah disalurkan oleh PIHAK PERTAMA dengan pemindahbukuan ke rekening "
                f"PIHAK KEDUA pada Bank {group.bank_name or '-'} nomor rekening "
                f"{group.account_number or '-'} atas nama {group.account_holder or '-'}.",
                "Penyaluran dilakukan setelah perjanjian ini ditandatangani PARA PIHAK dan "
                "pindaiannya diterima PIHAK PERTAMA.",
            ],
        ),
    ]
    draw = [
        f"Dana hibah ditarik oleh PIHAK KEDUA dari rekening kelompok secara bertahap, paling "
        f"banyak {program.max_tranches} tahap; penarikan tahap pertama paling banyak "
        f"{program.first_tranche_max_percent} % dari nilai hibah.",
        f"Setiap tahap diajukan melalui Dinas Sosial {group.regency.name} dan dicairkan "
        "setelah mendapat persetujuan tertulis PIHAK PERTAMA.",
    ]
    if program.spending_share_percent:
        draw.append(
            "Tahap berikutnya hanya dapat diajukan setelah penggunaan tahap sebelumnya "
            f"dipertanggungjawabkan sekurang-kurangnya {program.spending_share_percent} % dari "
            "jumlah yang ditarik, dengan nota, kuitansi atau foto untuk setiap belanja, dan "
            "pertanggungjawaban tersebut diterima."
        )
    if program.tranche_needs_report:
        draw.append(
            "Tahap berikutnya juga menunggu diterimanya laporan perkembangan usaha catur "
            "wulan terakhir yang telah jatuh tempo."
        )
    clauses.append(("PENCAIRAN BERTAHAP", draw))
    return clauses


def agreement_pdf(agreement: Agreement) -> bytes:
    """NASKAH PERJANJIAN HIBAH DAERAH: the two parties, the amount in figures and words, the
    group's bank account, the tranche rules, the reporting duties and the deadline of the
    accountability report (LPJ), and the two signatures."""
    agreement = Agreement.objects.select_related(
        "letter",
        "signatory",
        "grant__program",
        "grant__decree__letter",
        "grant__group__regency",
        "grant__group__district",
        "grant__group__village",
    ).get(pk=agreement.pk)
    grant = agreement.grant
    group, program = grant.group, grant.program
    members = list(group.members.all())
    group._prefetched_objects_cache = {"members": members}
    chair = _chair(group)
    chair_name = chair.full_name if chair else "(....................................)"
    official = agreement.signatory
    day = agreement.issued_on
    pdf = OfficialDocument(
        title=f"Naskah Perjanjian Hibah Daerah {group.name}",
        created=at_noon(day),
        page_numbers=True,
    )
    pdf.set_subject(f"{agreement.number} · {group.name} · {program.name}")
    pdf.letterhead()
    pdf.heading(
        "NASKAH PERJANJIAN HIBAH DAERAH (NPHD)\n"
        f"{program.name.upper()}\nKELOMPOK USAHA BERSAMA (KUBE) {group.name.upper()}",
        f"Nomor: {agreement.number}",
    )
    pdf.paragraph(
        f"Pada hari ini {hari_tanggal_terbilang(day)} ({day:%d-%m-%Y}), bertempat di "
        f"{ISSUED_AT}, kami yang bertanda tangan di bawah ini:",
        after=1,
    )
    pdf.fields(
        [
            ("1. Nama", person_name(official) if official else "-", True),
            ("    NIP", official.nip_display if official else "-"),
            ("    Jabatan", official.position if official else "-"),
        ],
        label_width=34,
    )
    pdf.paragraph(
        "dalam hal ini bertindak untuk dan atas nama Pemerintah Provinsi Kalimantan Timur "
        "c.q. Dinas Sosial Provinsi Kalimantan Timur, selanjutnya disebut PIHAK PERTAMA;",
    )
    pdf.fields(
        [
            ("2. Nama", chair_name, True),
            ("    NIK", mask(chair.nik) if chair else "-"),
            ("    Jabatan", f"Ketua {group.name}"),
            (
                "    Alamat",
                f"{group.address}, {group.village.name}, Kecamatan {group.district.name}, "
                f"{group.regency.name}",
            ),
        ],
        label_width=34,
    )
    pdf.paragraph(
        f"dalam hal ini bertindak untuk dan atas nama Kelompok Usaha Bersama {group.name} "
        f"nomor registrasi {group.registration_number}, selanjutnya disebut PIHAK KEDUA.",
    )
    decree = grant.decree
    pdf.paragraph(
        "PIHAK PERTAMA dan PIHAK KEDUA, selanjutnya disebut PARA PIHAK, berdasarkan "
        f"Keputusan Kepala Dinas Sosial Provinsi Kalimantan Timur Nomor "
        f"{decree.number if decree else '-'} tanggal "
        f"{tanggal(decree.signed_on) if decree else '-'} tentang Penetapan Penerima "
        f"{program.name} Tahun Anggaran {program.fiscal_year}, sepakat mengadakan perjanjian "
        "hibah daerah dengan ketentuan sebagai berikut:",
        after=4,
        align=Align.L,
    )
    due_days = settings.REPORT_DUE_DAYS
    articles = [
        *_aid_clauses(grant, program, group),
        (
            "KEWAJIBAN PIHAK KEDUA",
            [
                "Menggunakan hibah hanya untuk modal usaha kelompok sesuai dengan proposal dan "
                "tidak memindahtangankan, menjual atau menjaminkan barang yang dibeli dengan "
                "hibah tanpa persetujuan PIHAK PERTAMA.",
                "Mencatat setiap penerimaan dan pengeluaran dalam buku kas kelompok dan "
                "menyimpan nota, kuitansi atau foto setiap belanja.",
                "Menyampaikan laporan perkembangan usaha setiap catur wulan (Januari-April, "
                "Mei-Agustus, September-Desember) melalui Dinas Sosial "
                f"{group.regency.name} paling lambat {due_days} hari setelah catur wulan "
                "berakhir.",
                "Menerima pendampingan, pemantauan dan evaluasi dari PIHAK PERTAMA dan Dinas "
                f"Sosial {group.regency.name}.",
            ],
        ),
        (
            "LAPORAN PERTANGGUNGJAWABAN",
            [
                "PIHAK KEDUA menyampaikan Laporan Pertanggungjawaban (LPJ) penggunaan hibah "
                f"tahun {program.fiscal_year} kepada PIHAK PERTAMA paling lambat tanggal 10 "
                f"Januari {program.fiscal_year + 1}, dan untuk setiap tahun berikutnya selama "
                "hibah digunakan paling lambat tanggal 10 Januari tahun berikutnya.",
                "LPJ memuat realisasi penggunaan dana beserta bukti belanja dan ringkasan "
                "perkembangan usaha, dan diterima PIHAK PERTAMA dengan tanda terima bernomor.",
            ],
        ),
        (
            "SANKSI",
            [
                "Apabila PIHAK KEDUA menggunakan hibah tidak sesuai dengan perjanjian ini, "
                "PIHAK PERTAMA dapat menghentikan pencairan tahap berikutnya, dan PIHAK KEDUA "
                "wajib mengembalikan dana yang tidak dapat dipertanggungjawabkan ke Kas Daerah "
                "Provinsi Kalimantan Timur.",
            ],
        ),
        (
            "PENUTUP",
            [
                "Perjanjian ini dibuat dalam rangkap 2 (dua), masing-masing bermeterai cukup "
                "dan mempunyai kekuatan hukum yang sama, untuk PIHAK PERTAMA dan PIHAK KEDUA.",
            ],
        ),
    ]
    for number, (title, items) in enumerate(articles, start=1):
        if number == len(articles) and pdf.will_page_break(95):
            pdf.add_page()  # the closing article stays with the signatures
        pdf.article(number, title, items)
    pdf.signatures(
        left=("PIHAK KEDUA,", Signer(chair_name, f"Ketua {group.name}")),
        right=("PIHAK PERTAMA,", Signer.of(official)),
        place_and_date=f"{ISSUED_AT}, {tanggal(day)}",
    )
    return pdf.render()


# The record of handover (BAST) of in-kind aid ------------------------------------------------


def handover_pdf(handover: Handover) -> bytes:
    """BERITA ACARA SERAH TERIMA: the official hands the goods over to the group's ketua,
    item by item with quantities and values, their total in figures and words equal to the
    grant of the agreement, and both signatures with position and NIP."""
    handover = Handover.objects.select_related(
        "letter",
        "official",
        "grant__program",
        "grant__group__regency",
        "grant__group__district",
        "grant__group__village",
    ).get(pk=handover.pk)
    grant = handover.grant
    group, program = grant.group, grant.program
    group._prefetched_objects_cache = {"members": list(group.members.all())}
    chair = _chair(group)
    chair_name = chair.full_name if chair else "(....................................)"
    agreement = grant.agreement
    day = handover.handed_over_on
    pdf = OfficialDocument(
        title=f"Berita Acara Serah Terima {group.name}", created=at_noon(day), page_numbers=True
    )
    pdf.set_subject(f"{handover.number} · {group.name} · {program.name}")
    pdf.letterhead()
    pdf.heading(
        f"BERITA ACARA SERAH TERIMA BARANG\n{program.name.upper()}",
        f"Nomor: {handover.number}",
    )
    official = handover.official
    pdf.paragraph(
        f"Pada hari ini {hari_tanggal_terbilang(day)} ({day:%d-%m-%Y}), bertempat di "
        f"{handover.place}, kami yang bertanda tangan di bawah ini:",
        after=1,
    )
    pdf.fields(
        [
            ("1. Nama", person_name(official), True),
            ("    NIP", official.nip_display),
            ("    Jabatan", official.position),
        ],
        label_width=34,
    )
    pdf.paragraph("yang menyerahkan, selanjutnya disebut PIHAK PERTAMA;")
    pdf.fields(
        [
            ("2. Nama", chair_name, True),
            ("    NIK", mask(chair.nik) if chair else "-"),
            ("    Jabatan", f"Ketua {group.name} ({group.registration_number})"),
            ("    Alamat", f"{group.address}, {group.village.name}, {group.regency.name}"),
        ],
        label_width=34,
    )
    pdf.paragraph("yang menerima, selanjutnya disebut PIHAK KEDUA.")
    pdf.paragraph(
        "Berdasarkan Naskah Perjanjian Hibah Daerah Nomor "
        f"{agreement.number if agreement else '-'} tanggal "
        f"{tanggal(agreement.issued_on) if agreement else '-'}, PIHAK PERTAMA menyerahkan "
        "kepada PIHAK KEDUA, dan PIHAK KEDUA menerima dari PIHAK PERTAMA, barang bantuan "
        "modal usaha dengan rincian sebagai berikut:",
        after=2,
        align=Align.L,
    )
    items = list(handover.items.order_by("position"))
    rows = [
        [
            str(item.position),
            item.name,
            f"{item.quantity:,}".replace(",", "."),
            item.unit,
            format_rupiah(item.unit_value),
            format_rupiah(item.value),
        ]
        for item in items
    ]
    rows.append(["", "JUMLAH", "", "", "", format_rupiah(handover.total)])
    pdf.data_table(
        widths=(10, 62, 16, 18, 28, 31),
        align=("CENTER", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
        headings=["No.", "Nama barang", "Jumlah", "Satuan", "Harga satuan", "Jumlah harga"],
        rows=rows,
        bold_last=True,
        size=9,
    )
    pdf.ln(3)
    pdf.fields(
        [
            ("Nilai barang", rupiah_terbilang(handover.total), True),
            ("Nilai hibah dalam NPHD", rupiah_terbilang(grant.amount)),
        ],
        indent=0,
        label_width=48,
    )
    pdf.paragraph(
        "Barang tersebut telah diterima PIHAK KEDUA dalam keadaan baik, lengkap dan sesuai "
        "dengan rincian di atas. Sejak penandatanganan berita acara ini, barang menjadi "
        "tanggung jawab PIHAK KEDUA untuk dipelihara dan digunakan bagi usaha kelompok, dan "
        "dilaporkan dalam laporan perkembangan usaha serta Laporan Pertanggungjawaban (LPJ) "
        f"yang disampaikan paling lambat tanggal 10 Januari {day.year + 1}.",
    )
    if pdf.will_page_break(75):
        pdf.add_page()  # the closing sentence stays with the signatures
    pdf.paragraph(
        "Demikian berita acara ini dibuat dalam rangkap 2 (dua) untuk dipergunakan "
        "sebagaimana mestinya.",
        after=5,
    )
    pdf.signatures(
        left=("Yang menerima, PIHAK KEDUA,", Signer(chair_name, f"Ketua {group.name}")),
        right=("Yang menyerahkan, PIHAK PERTAMA,", Signer.of(official)),
        place_and_date=f"{handover.place.split(',')[0]}, {tanggal(day)}",
    )
    return pdf.render()
