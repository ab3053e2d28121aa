"""Handover records (BAST) of in-kind aid: the goods item by item, adding up to the grant,
numbered from the register; once the signed record is uploaded the aid has reached the
group, in place of the bank transfer."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.errors import DomainError
from grants import pdf, rules, services
from grants.models import GrantStatus
from letters.models import LetterStatus
from reports.periods import Period, periods_owed
from tests.contract import assert_contract
from tests.grants.money import eligible_group, open_program, ready_for_aid, scan, sign_decree
from tests.reports.test_summaries import check as summaries_match

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 3)
ITEMS = [
    {"name": "Mesin jahit portable", "quantity": 3, "unit": "unit", "unit_value": 4_500_000},
    {"name": "Mesin obras", "quantity": 1, "unit": "unit", "unit_value": 3_500_000},
    {"name": "Kain katun", "quantity": 40, "unit": "meter", "unit_value": 62_500},
]
TOTAL = 3 * 4_500_000 + 3_500_000 + 40 * 62_500  # Rp19.500.000


@pytest.fixture
def program(kaltim):
    return open_program(aid_form="in_kind")


@pytest.fixture
def grant(program, province_staff):
    """An in-kind Paser grant of Rp19.500.000 with its decree and NPHD signed."""
    grant = services.grant_award(
        program=program,
        group=eligible_group(name="KUBE Jahit Melati"),
        by=province_staff,
        amount=TOTAL,
    )
    return ready_for_aid(grant, province_staff)


def issue(grant, by, items=ITEMS, day=DAY):
    return services.handover_issue(
        grant=grant, items=items, official=by, by=by, handed_over_on=day, place="Tanah Grogot"
    )


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


class TestServices:
    def test_in_kind_aid_is_not_transferred(self, grant, province_staff):
        with pytest.raises(DomainError, match="BAST"):
            services.grant_record_transfer(
                grant=grant, by=province_staff, transferred_on=DAY, reference="X"
            )

    def test_the_handover_gives_the_aid(self, grant, province_staff, paser_officer):
        handover = issue(grant, province_staff)
        assert handover.number == "400.9.5/0001/BAST/DINSOS/2026"
        assert handover.total == TOTAL and handover.items.count() == 3
        assert handover.letter.regency_id == "64.01"
        services.handover_sign(handover=handover, by=province_staff, scan=scan("bast.pdf"))

        grant.refresh_from_db()
        assert grant.status == GrantStatus.ACTIVE
        assert (grant.transferred_on, grant.transfer_reference) == (DAY, handover.number)
        assert grant.committed_amount == grant.withdrawn_amount == grant.amount
        # It owes progress reports from the handover, like a transferred grant.
        assert periods_owed(
            transferred_on=grant.transferred_on, today=datetime.date(2026, 6, 1)
        ) == [Period(2026, 1)]
        summaries_match("handover")
        with pytest.raises(DomainError, match="tidak memiliki tahap"):
            services.tranche_request(grant=grant, amount=1, purpose="X", by=paser_officer)
        assert services.grant_complete(grant=grant, by=province_staff).status == "completed"

    def test_the_items_add_up_to_the_grant(self, grant, province_staff):
        short = [*ITEMS[:2]]
        with pytest.raises(DomainError, match=re.escape("Rp2.500.000 kurang")):
            issue(grant, province_staff, items=short)
        too_much = [*ITEMS, {"name": "Gunting", "quantity": 2, "unit": "buah", "unit_value": 1}]
        with pytest.raises(DomainError, match="Rp2 lebih"):
            issue(grant, province_staff, items=too_much)
        with pytest.raises(DomainError, match="Baris 1"):
            issue(grant, province_staff, items=[{"name": "", "quantity": 1, "unit_value": 1}])

    def test_not_before_the_decree_and_the_agreement(self, program, province_staff):
        grant = services.grant_award(
            program=program, group=eligible_group(), by=province_staff, amount=TOTAL
        )
        with pytest.raises(DomainError, match="SK penerima"):
            issue(grant, province_staff)
        sign_decree(program, province_staff)
        with pytest.raises(DomainError, match="NPHD"):
            issue(grant, province_staff)

    def test_cash_aid_has_no_handover(self, kaltim, province_staff):
        grant = services.grant_award(
            program=open_program(), group=eligible_group(), by=province_staff
        )
        grant = ready_for_aid(grant, province_staff)
        with pytest.raises(DomainError, match="Hanya bantuan berupa barang"):
            issue(grant, province_staff)

    def test_a_later_handover_is_uploaded_from_its_day(self, grant, province_staff):
        future = datetime.date.today() + datetime.timedelta(days=3)
        handover = issue(grant, province_staff, day=future)
        with pytest.raises(DomainError, match="dari hari itu"):
            services.handover_sign(handover=handover, by=province_staff, scan=scan())

    def test_a_cancelled_record_keeps_its_number(self, grant, province_staff):
        first = issue(grant, province_staff)
        services.handover_cancel(handover=first, by=province_staff, reason="Harga salah")
        second = issue(grant, province_staff)
        assert second.number == "400.9.5/0002/BAST/DINSOS/2026"
        first.letter.refresh_from_db()
        assert first.letter.status == LetterStatus.CANCELLED
        with pytest.raises(DomainError):
            services.handover_cancel(handover=first, by=province_staff, reason="Lagi")

    def test_a_training_the_programme_asks_for_holds_the_handover(
        self, program, grant, province_staff
    ):
        type(program).objects.filter(pk=program.pk).update(transfer_needs_training=True)
        handover = issue(grant, province_staff)
        with pytest.raises(DomainError, match="pelatihan"):
            services.handover_sign(handover=handover, by=province_staff, scan=scan())


class TestPdf:
    def test_items_total_in_words_and_signatures(self, grant, province_staff):
        handover = issue(grant, province_staff)
        text = text_of(pdf.handover_pdf(handover))
        agreement = grant.agreement
        for expected in [
            "BERITA ACARA SERAH TERIMA BARANG",
            "Nomor: 400.9.5/0001/BAST/DINSOS/2026",
            "Pada hari ini Selasa tanggal tiga bulan Februari tahun dua ribu dua puluh enam "
            "(03-02-2026), bertempat di Tanah Grogot",
            f"Naskah Perjanjian Hibah Daerah Nomor {agreement.number}",
            "1 Mesin jahit portable 3 unit Rp4.500.000 Rp13.500.000",
            "3 Kain katun 40 meter Rp62.500 Rp2.500.000",
            "JUMLAH Rp19.500.000",
            "Nilai barang : Rp19.500.000 (sembilan belas juta lima ratus ribu rupiah)",
            "Nilai hibah dalam NPHD : Rp19.500.000",
            "Yang menerima, PIHAK KEDUA,",
            "Yang menyerahkan, PIHAK PERTAMA,",
            f"NIP. {province_staff.nip_display}",
        ]:
            assert expected in text, expected


@pytest.fixture
def handovers(program, province_staff):
    """An in-kind grant ready for its BAST, one with its BAST issued, one handed over."""
    made = {}
    for label in ("ready", "issued", "signed"):
        made[label] = ready_for_aid(
            services.grant_award(
                program=program,
                group=eligible_group(name=f"KUBE {label}"),
                by=province_staff,
                amount=TOTAL,
            ),
            province_staff,
        )
    issued = issue(made["issued"], province_staff)
    signed = issue(made["signed"], province_staff)
    signed = services.handover_sign(handover=signed, by=province_staff, scan=scan())
    return {"grants": made, "handovers": {"issued": issued, "signed": signed}}


class TestButtons:
    def test_prepare(self, client, everyone, handovers, province_staff):
        accepted = set()
        for persona, user in everyone.items():
            for label, grant in handovers["grants"].items():
                if assert_contract(
                    client,
                    user,
                    page_url=grant.get_absolute_url(),
                    action_url=reverse("grants:handover_issue", args=[grant.pk]),
                    attempt=lambda grant=grant, user=user: issue(grant, user),
                ):
                    accepted.add((persona, label))
        assert accepted == {("province_staff", "ready")}

    @pytest.mark.parametrize(
        ("url_name", "attempt", "expected"),
        [
            (
                "grants:handover_sign",
                lambda h, u: services.handover_sign(handover=h, by=u, scan=scan()),
                {("province_staff", "issued"), ("paser_officer", "issued")},
            ),
            (
                "grants:handover_cancel",
                lambda h, u: services.handover_cancel(handover=h, by=u, reason="Salah"),
                {("province_staff", "issued")},
            ),
        ],
    )
    def test_sign_and_cancel(self, client, everyone, handovers, url_name, attempt, expected):
        accepted = set()
        for persona, user in everyone.items():
            for label, handover in handovers["handovers"].items():
                if assert_contract(
                    client,
                    user,
                    page_url=handover.grant.get_absolute_url(),
                    action_url=reverse(url_name, args=[handover.pk]),
                    attempt=lambda handover=handover, user=user: attempt(handover, user),
                ):
                    accepted.add((persona, label))
        assert accepted == expected

    def test_the_home_page_counts_what_the_rules_allow(self, everyone, handovers):
        for user in everyone.values():
            for grant in handovers["grants"].values():
                grant.refresh_from_db()
                assert bool(rules.handover_issue(grant=grant, user=user)) == (
                    rules.grants_to_hand_over(user).filter(pk=grant.pk).exists()
                )
            for handover in handovers["handovers"].values():
                handover.refresh_from_db()
                assert bool(rules.handover_sign(handover=handover, user=user)) == (
                    rules.handovers_to_sign(user).filter(pk=handover.pk).exists()
                )


class TestPages:
    def test_issue_from_its_page(self, client, province_staff, handovers):
        grant = handovers["grants"]["ready"]
        url = reverse("grants:handover_issue", args=[grant.pk])
        client.force_login(province_staff)
        assert client.get(url).status_code == 200
        data = {
            "official": province_staff.pk,
            "handed_over_on": "2026-02-03",
            "place": "Tanah Grogot",
            "items-TOTAL_FORMS": "6",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "1000",
        }
        for index, item in enumerate(ITEMS):
            for key, value in item.items():
                data[f"items-{index}-{key}"] = str(value)
        data["items-0-unit_value"] = "4.000.000"  # Rp1.500.000 short of the grant
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Rp1.500.000 kurang" in response.content.decode()
        data["items-0-unit_value"] = "4.500.000"
        response = client.post(url, data)
        assert response.status_code == 302
        assert rules.handover_in_force(grant).total == TOTAL

    def test_the_list_and_its_export_of_items(
        self, client, province_staff, berau_officer, handovers
    ):
        client.force_login(province_staff)
        page = client.get(reverse("grants:handover_list")).content.decode()
        assert handovers["handovers"]["signed"].number in page
        response = client.get(reverse("grants:handover_list_export"), {"status": "signed"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["BAST"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 3
        first = dict(zip(header, rows[0], strict=True))
        assert first["Nomor BAST"] == handovers["handovers"]["signed"].number
        assert (first["Nama Barang"], first["Jumlah"], first["Harga Satuan (Rp)"]) == (
            "Mesin jahit portable",
            3,
            4_500_000,
        )
        assert first["Jumlah Harga (Rp)"] == 13_500_000
        assert first["Status BAST"] == "Diserahkan"
        client.force_login(berau_officer)
        response = client.get(reverse("grants:handover_list_export"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert len(list(sheet.iter_rows(values_only=True))) == 1

    def test_the_grant_page_says_in_kind_aid_is_handed_over(
        self, client, province_staff, handovers
    ):
        grant = handovers["grants"]["ready"]
        client.force_login(province_staff)
        content = client.get(grant.get_absolute_url()).content.decode()
        assert "diserahkan dengan berita acara serah terima (BAST), bukan ditransfer" in content
        assert reverse("grants:handover_issue", args=[grant.pk]) in content
