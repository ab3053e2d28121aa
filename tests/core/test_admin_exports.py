"""The admin's "Export the selected rows to Excel" actions: the selected rows only, in the
layout of the page's download, and never a row outside the admin user's scope."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from tests.factories import (
    BusinessGroupFactory,
    MemberFactory,
    MentoringVisitFactory,
    ProgramFactory,
    TrainingSessionFactory,
    TrancheFactory,
    UserFactory,
)
from tests.grants.money import open_program, transferred_grant


def run_action(client, changelist, action, objects):
    return client.post(
        reverse(f"admin:{changelist}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book, list(book.worksheets[0].iter_rows(min_row=2, values_only=True))


@pytest.mark.django_db
class TestExportActions:
    def test_groups_in_the_import_layout(self, client, superuser, kaltim):
        chosen = BusinessGroupFactory(name="KUBE Dipilih")
        MemberFactory(group=chosen)
        BusinessGroupFactory(name="KUBE Tidak Dipilih")
        client.force_login(superuser)
        book, _notice = sheet_rows(
            run_action(client, "groups_businessgroup", "export_groups", [chosen])
        )
        # The personal-data notice first, then the import layout.
        assert book.sheetnames[:3] == ["Data Pribadi", "Kelompok", "Anggota"]
        rows = list(book["Kelompok"].iter_rows(min_row=2, values_only=True))
        assert [row[1] for row in rows] == ["KUBE Dipilih"]
        (member,) = book["Anggota"].iter_rows(min_row=2, values_only=True)
        assert (
            member[2] == chosen.members.get().nik[:4] + "********" + chosen.members.get().nik[-4:]
        )

    def test_grants_tranches_and_programmes(self, client, superuser, province_staff, kaltim):
        program = open_program()
        kept = transferred_grant(program, province_staff)
        transferred_grant(program, province_staff, regency="64.03")
        client.force_login(superuser)
        _book, rows = sheet_rows(run_action(client, "grants_grant", "export_to_excel", [kept]))
        assert [row[1] for row in rows] == [kept.group.name]
        _book, rows = sheet_rows(run_action(client, "grants_program", "export_to_excel", [program]))
        assert [row[0] for row in rows] == [program.name]
        tranche = TrancheFactory()
        _book, rows = sheet_rows(run_action(client, "grants_tranche", "export_to_excel", [tranche]))
        assert len(rows) == 1 and rows[0][5] == tranche.amount
        assert rows[0][9] == "Diajukan"  # the status, in Indonesian

    def test_programme_rekap_needs_exactly_one_programme(self, client, superuser, kaltim):
        first, second = ProgramFactory(), ProgramFactory()
        client.force_login(superuser)
        response = run_action(client, "grants_program", "export_rekap", [first, second])
        assert response.status_code == 302
        response = client.get(response["Location"])
        assert "Pilih satu program." in response.content.decode()
        book, _rows = sheet_rows(run_action(client, "grants_program", "export_rekap", [first]))
        assert book.sheetnames[0] == "Ringkasan"

    def test_reports_sessions_and_visits(self, client, superuser, kaltim, paser_officer):
        from reports.models import ProgressReport
        from tests.reports.conftest import figures

        grant = transferred_grant(open_program(), UserFactory(role=Role.PROVINCE_STAFF))
        report = ProgressReport.objects.create(
            group=grant.group,
            grant=grant,
            year=2026,
            term=2,
            created_by=paser_officer,
            **figures(7_500_000),
        )
        session = TrainingSessionFactory(title="Pelatihan Dipilih")
        visit = MentoringVisitFactory(findings="Temuan dipilih")
        client.force_login(superuser)
        _book, rows = sheet_rows(
            run_action(client, "reports_progressreport", "export_to_excel", [report])
        )
        assert rows[0][5] == 7_500_000
        _book, rows = sheet_rows(
            run_action(client, "training_trainingsession", "export_to_excel", [session])
        )
        assert rows[0][0] == "Pelatihan Dipilih"
        _book, rows = sheet_rows(
            run_action(client, "training_mentoringvisit", "export_to_excel", [visit])
        )
        assert rows[0][6] == "Temuan dipilih"

    def test_an_admin_user_with_regency_scope_gets_only_their_regency(
        self, client, province_staff, kaltim
    ):
        """Were a Berau officer ever given admin access, the action still reads through
        the pages' scope: a selected Paser grant is not in the file."""
        program = open_program()
        paser_grant = transferred_grant(program, province_staff)
        berau_grant = transferred_grant(program, province_staff, regency="64.03")
        officer = UserFactory(
            username="admin.berau", role=Role.REGENCY_OFFICER, regency_id="64.03", is_staff=True
        )
        officer.user_permissions.add(Permission.objects.get(codename="view_grant"))
        client.force_login(officer)
        _book, rows = sheet_rows(
            run_action(client, "grants_grant", "export_to_excel", [paser_grant, berau_grant])
        )
        assert [row[1] for row in rows] == [berau_grant.group.name]
