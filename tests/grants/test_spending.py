"""Spending accountability per tranche: after a tranche is withdrawn the regency officer
records what it bought with a receipt per purchase; the head of the regency office or
province staff accept or return it; the next tranche waits until the accepted spending
covers the programme's share of what was withdrawn."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import DomainError, NotAllowed
from grants import rules, services
from grants.models import Grant, SpendingStatus
from tests.contract import assert_contract
from tests.grants.money import open_program, scan, transferred_grant
from tests.reports.test_summaries import check as summaries_match

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def receipt(name="nota.png"):
    """A photo of a receipt: a real PNG header, as the content check reads it."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    return SimpleUploadedFile(name, png + b"\x00" * 64, content_type="image/png")


def withdrawn(grant, officer, approver, amount=10_000_000):
    tranche = services.tranche_request(grant=grant, amount=amount, purpose="Bahan", by=officer)
    tranche = services.tranche_approve(tranche=tranche, by=approver)
    return services.tranche_mark_withdrawn(
        tranche=tranche, by=officer, withdrawn_on=TODAY(), reference="TRX"
    )


def buy(report, officer, amount, item="Tepung tapioka", **fields):
    return services.spending_line_add(
        report=report,
        by=officer,
        item=item,
        quantity=fields.get("quantity", 50),
        unit="kg",
        amount=amount,
        spent_on=fields.get("spent_on", TODAY()),
        supplier="Toko Sumber Rezeki, Tanah Grogot",
        receipt=fields.get("receipt") or receipt(),
    )


@pytest.fixture
def program(kaltim):
    return open_program(spending_share_percent=100)


@pytest.fixture
def tranche(program, province_staff, paser_officer, approver):
    """Tranche 1 of Rp10.000.000 of a Paser grant, withdrawn today."""
    return withdrawn(transferred_grant(program, province_staff), paser_officer, approver)


class TestRecording:
    def test_a_withdrawn_tranche_opens_its_spending(self, tranche):
        report = tranche.spending
        assert report.status == SpendingStatus.DRAFT and report.total == 0

    def test_purchases_with_receipts_add_up_within_the_tranche(self, tranche, paser_officer):
        report = tranche.spending
        line = buy(report, paser_officer, 6_000_000)
        buy(report, paser_officer, 4_000_000, item="Kemasan plastik")
        report.refresh_from_db()
        assert report.total == 10_000_000
        assert line.receipt.kind == "receipt" and line.receipt.content_type == "image/png"
        with pytest.raises(DomainError, match="seluruh nilai tahap"):
            buy(report, paser_officer, 1)
        services.spending_line_remove(line=line, by=paser_officer)
        report.refresh_from_db()
        assert report.total == 4_000_000 and report.lines.count() == 1

    def test_a_purchase_needs_a_real_receipt_and_date(self, tranche, paser_officer):
        report = tranche.spending
        fake = SimpleUploadedFile("nota.png", b"GIF89a not a png", content_type="image/png")
        with pytest.raises(DomainError, match="PDF, JPEG, atau PNG"):
            buy(report, paser_officer, 1_000_000, receipt=fake)
        with pytest.raises(DomainError, match="masa depan"):
            buy(report, paser_officer, 1_000_000, spent_on=TODAY() + datetime.timedelta(days=1))
        with pytest.raises(DomainError, match="sebelum tahap disetujui"):
            buy(report, paser_officer, 1_000_000, spent_on=TODAY() - datetime.timedelta(days=9))
        assert report.lines.count() == 0

    def test_only_the_regency_officer_records(self, tranche, berau_officer, province_staff):
        with pytest.raises(NotAllowed):
            buy(tranche.spending, berau_officer, 1_000_000)
        with pytest.raises(NotAllowed):
            buy(tranche.spending, province_staff, 1_000_000)


class TestReview:
    def test_submit_accept_and_the_grant_counts_it(self, tranche, paser_officer, paser_head):
        report = tranche.spending
        with pytest.raises(DomainError, match="minimal satu"):
            services.spending_submit(report=report, by=paser_officer)
        buy(report, paser_officer, 9_500_000)
        services.spending_submit(report=report, by=paser_officer)
        with pytest.raises(DomainError):
            buy(report, paser_officer, 500_000)  # submitted: no more changes
        services.spending_accept(report=report, by=paser_head)
        grant = Grant.objects.get(pk=tranche.grant_id)
        assert grant.accounted_amount == 9_500_000 <= grant.withdrawn_amount
        summaries_match("spending accepted")

    def test_returned_with_a_reason_then_fixed(self, tranche, paser_officer, province_staff):
        report = tranche.spending
        buy(report, paser_officer, 10_000_000)
        services.spending_submit(report=report, by=paser_officer)
        with pytest.raises(DomainError):
            services.spending_return(report=report, by=province_staff, reason=" ")
        services.spending_return(report=report, by=province_staff, reason="Nota tidak terbaca")
        report.refresh_from_db()
        assert (report.status, report.return_reason) == (
            SpendingStatus.RETURNED,
            "Nota tidak terbaca",
        )
        services.spending_submit(report=report, by=paser_officer)
        assert services.spending_accept(report=report, by=province_staff).status == "accepted"

    def test_an_officer_does_not_accept(self, tranche, paser_officer):
        buy(tranche.spending, paser_officer, 10_000_000)
        services.spending_submit(report=tranche.spending, by=paser_officer)
        with pytest.raises(NotAllowed):
            services.spending_accept(report=tranche.spending, by=paser_officer)


class TestTheNextTrancheWaits:
    def ask(self, grant, officer, amount=5_000_000):
        return services.tranche_request(grant=grant, amount=amount, purpose="Tahap 2", by=officer)

    def test_until_the_spending_is_accepted_and_covers_the_share(
        self, tranche, paser_officer, paser_head
    ):
        grant = tranche.grant
        with pytest.raises(DomainError, match=r"tahap 1 belum diterima \(Sedang dicatat\)"):
            self.ask(grant, paser_officer)
        report = tranche.spending
        buy(report, paser_officer, 8_000_000)
        services.spending_submit(report=report, by=paser_officer)
        with pytest.raises(DomainError, match="belum diterima"):
            self.ask(grant, paser_officer)
        services.spending_accept(report=report, by=paser_head)
        with pytest.raises(
            DomainError,
            match=re.escape("mencakup Rp8.000.000 dari Rp10.000.000; program meminta 100 %"),
        ):
            self.ask(grant, paser_officer)
        type(grant.program).objects.filter(pk=grant.program_id).update(spending_share_percent=80)
        assert self.ask(grant, paser_officer).sequence == 2

    def test_an_approved_tranche_not_withdrawn_holds_the_next(
        self, program, province_staff, paser_officer, approver
    ):
        grant = transferred_grant(program, province_staff)
        first = self.ask(grant, paser_officer)
        services.tranche_approve(tranche=first, by=approver)
        with pytest.raises(DomainError, match="belum dicairkan"):
            self.ask(grant, paser_officer)

    def test_a_programme_without_the_wait(self, kaltim, province_staff, paser_officer, approver):
        grant = transferred_grant(open_program(spending_share_percent=0), province_staff)
        withdrawn(grant, paser_officer, approver)
        assert self.ask(grant, paser_officer).sequence == 2

    def test_the_grant_page_says_why(self, client, tranche, paser_officer):
        client.force_login(paser_officer)
        content = client.get(tranche.grant.get_absolute_url()).content.decode()
        assert "Pertanggungjawaban belanja tahap 1 belum diterima" in content
        assert reverse("grants:tranche_request", args=[tranche.grant_id]) not in content


@pytest.fixture
def reports(program, province_staff, paser_officer, approver, paser_head):
    """Spending of Paser tranches: empty, with a line, submitted, returned and accepted."""
    made = {}
    for label in ("empty", "with a line", "submitted", "returned", "accepted"):
        report = withdrawn(
            transferred_grant(program, province_staff), paser_officer, approver
        ).spending
        if label != "empty":
            buy(report, paser_officer, 10_000_000)
        if label in ("submitted", "returned", "accepted"):
            services.spending_submit(report=report, by=paser_officer)
        if label == "returned":
            services.spending_return(report=report, by=paser_head, reason="Nota kabur")
        if label == "accepted":
            services.spending_accept(report=report, by=paser_head)
        report.refresh_from_db()
        made[label] = report
    return made


def contract(client, everyone, objects, *, url_name, attempt, page=None):
    accepted = set()
    for persona, user in everyone.items():
        for label, obj in objects.items():
            if assert_contract(
                client,
                user,
                page_url=page(obj) if page else obj.get_absolute_url(),
                action_url=reverse(url_name, args=[obj.pk]),
                attempt=lambda obj=obj, user=user: attempt(obj, user),
            ):
                accepted.add((persona, label))
    return accepted


class TestButtons:
    def test_add_a_purchase(self, client, everyone, reports):
        accepted = contract(
            client,
            everyone,
            reports,
            url_name="grants:spending_line_add",
            attempt=lambda r, u: buy(r, u, 1),
        )
        # The other drafts' purchases already account for their whole tranche.
        assert accepted == {("paser_officer", "empty")}

    def test_remove_a_purchase(self, client, everyone, reports):
        lines = {label: r.lines.first() for label, r in reports.items() if r.lines.exists()}
        accepted = contract(
            client,
            everyone,
            lines,
            url_name="grants:spending_line_remove",
            attempt=lambda line, u: services.spending_line_remove(line=line, by=u),
            page=lambda line: line.report.get_absolute_url(),
        )
        assert accepted == {("paser_officer", "with a line"), ("paser_officer", "returned")}

    def test_submit(self, client, everyone, reports):
        accepted = contract(
            client,
            everyone,
            reports,
            url_name="grants:spending_submit",
            attempt=lambda r, u: services.spending_submit(report=r, by=u),
        )
        assert accepted == {("paser_officer", "with a line"), ("paser_officer", "returned")}

    @pytest.mark.parametrize("url_name", ["grants:spending_accept", "grants:spending_return"])
    def test_review(self, client, everyone, reports, url_name):
        def attempt(report, user):
            if url_name.endswith("accept"):
                return services.spending_accept(report=report, by=user)
            return services.spending_return(report=report, by=user, reason="Kurang")

        accepted = contract(client, everyone, reports, url_name=url_name, attempt=attempt)
        assert accepted == {("province_staff", "submitted"), ("paser_head", "submitted")}

    def test_the_home_page_counts_what_the_rules_allow(self, everyone, reports):
        for user in everyone.values():
            for report in reports.values():
                assert bool(rules.spending_write(report=report, user=user)) == (
                    rules.spending_to_record(user).filter(pk=report.pk).exists()
                )
                assert bool(rules.spending_review(report=report, user=user)) == (
                    rules.spending_to_review(user).filter(pk=report.pk).exists()
                )


class TestPages:
    def test_record_a_purchase_from_the_page(self, client, tranche, paser_officer):
        report = tranche.spending
        client.force_login(paser_officer)
        response = client.post(
            reverse("grants:spending_line_add", args=[report.pk]),
            {
                "item": "Ikan pipih",
                "quantity": "40",
                "unit": "kg",
                "amount": "Rp2.400.000",
                "spent_on": TODAY().isoformat(),
                "supplier": "TPI Tanah Grogot",
                "receipt": receipt("nota-ikan.png"),
            },
            follow=True,
        )
        content = response.content.decode()
        assert "Belanja telah dicatat beserta buktinya" in content
        assert "Ikan pipih" in content and "nota-ikan.png" in content
        report.refresh_from_db()
        assert report.total == 2_400_000

    def test_pages_roles_and_scope(self, client, reports, berau_officer, paser_head):
        report = reports["submitted"]
        url = report.get_absolute_url()
        assert client.get(url).status_code == 302
        client.force_login(berau_officer)
        assert client.get(url).status_code == 404
        assert client.get(report.lines.first().receipt.get_absolute_url()).status_code == 404
        client.force_login(paser_head)
        assert client.get(url).status_code == 200
        assert client.get(reverse("grants:spending_accept", args=[report.pk])).status_code == 405
        assert client.post(reverse("grants:spending_line_add", args=[report.pk])).status_code == 403

    def test_the_list_and_its_export_of_purchases(
        self, client, reports, province_staff, berau_officer
    ):
        client.force_login(province_staff)
        page = client.get(reverse("grants:spending_list"), {"status": "submitted"})
        assert page.status_code == 200
        response = client.get(reverse("grants:spending_list_export"), {"status": "accepted"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Belanja per Tahap"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        (line,) = [dict(zip(header, row, strict=True)) for row in rows]
        assert line["Barang/Jasa"] == "Tepung tapioka"
        assert (line["Nilai Belanja (Rp)"], line["Jumlah"], line["Tahap"]) == (10_000_000, 50, 1)
        assert line["Status Pertanggungjawaban"] == "Diterima"
        assert line["Bukti (Nota/Foto)"] == "nota.png"
        assert isinstance(line["Tanggal Belanja"], datetime.datetime)
        client.force_login(berau_officer)
        response = client.get(reverse("grants:spending_list_export"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert len(list(sheet.iter_rows(values_only=True))) == 1

    def test_the_grant_page_shows_withdrawn_and_accounted_for(
        self, client, reports, province_staff
    ):
        grant = reports["accepted"].tranche.grant
        client.force_login(province_staff)
        content = client.get(grant.get_absolute_url()).content.decode()
        assert "Dari yang sudah dicairkan, Rp10.000.000 telah dipertanggungjawabkan" in content
        assert reports["accepted"].get_absolute_url() in content


def test_scan_helper_is_a_pdf():
    assert scan().read().startswith(b"%PDF")
