"""What the access log records, and with which user, object and address."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

import audit
from audit.middleware import AuditMiddleware
from audit.models import AuditEntry
from core.client import client_address
from core.errors import NotAllowed
from tests.conftest import PASSWORD
from tests.factories import GrantFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("pk"))


def login(client, password, username="rina"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ADDRESS,
    )


class TestLogins:
    def test_login_and_logout(self, client, province_staff):
        login(client, PASSWORD)
        client.post(reverse("accounts:logout"), REMOTE_ADDR=ADDRESS)
        log = entries()
        assert [(e.event, e.user, e.username, e.address) for e in log] == [
            (audit.Event.LOGIN, province_staff, "rina", ADDRESS),
            (audit.Event.LOGOUT, province_staff, "rina", ADDRESS),
        ]
        assert log[0].path == reverse("accounts:login")

    def test_failed_logins_and_the_lockout(self, client, province_staff):
        for _ in range(5):
            login(client, "salah")
        login(client, PASSWORD)  # refused: locked
        login(client, "apa saja", username="tidak-ada")
        failed = entries(event=audit.Event.LOGIN_FAILED)
        assert [e.username for e in failed] == ["rina"] * 6 + ["tidak-ada"]
        assert all(e.user is None and e.address == ADDRESS for e in failed)
        # Refused while locked: at the fifth failure and at the right password after it.
        locked = entries(event=audit.Event.LOCKOUT)
        assert [(e.username, e.address) for e in locked] == [("rina", ADDRESS)] * 2
        assert not entries(event=audit.Event.LOGIN)


class TestRefusals:
    def test_a_403_is_recorded(self, client, paser_officer):
        client.force_login(paser_officer)
        url = reverse("audit:entry_list")
        assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 403
        (entry,) = entries(event=audit.Event.PERMISSION_DENIED)
        assert (entry.user, entry.address, entry.detail) == (paser_officer, ADDRESS, f"GET {url}")

    def test_a_service_refusal_is_kept_although_its_transaction_rolls_back(self, paser_officer):
        def view(request):
            try:
                with transaction.atomic():
                    audit.record(audit.Event.TRANCHE_APPROVED)  # rolled back with the change
                    raise NotAllowed("Peran Anda tidak mengizinkan ini.")
            except NotAllowed:
                return HttpResponse("refused")

        request = RequestFactory().post("/hibah/tahap/1/setujui/", REMOTE_ADDR=ADDRESS)
        request.user = paser_officer
        AuditMiddleware(view)(request)

        (entry,) = entries()
        assert entry.event == audit.Event.PERMISSION_DENIED
        assert (entry.user, entry.address) == (paser_officer, ADDRESS)
        assert entry.detail == "Peran Anda tidak mengizinkan ini."

    def test_a_refusal_outside_a_request_is_recorded_too(self):
        NotAllowed("Di luar kabupaten Anda.")
        (entry,) = entries()
        assert (entry.event, entry.user, entry.address) == (
            audit.Event.PERMISSION_DENIED,
            None,
            None,
        )


class TestFiles:
    def test_an_excel_export_is_recorded_with_its_file_name(self, client, province_staff):
        client.force_login(province_staff)
        response = client.get(reverse("grants:grant_list_export") + "?status=active")
        assert response.status_code == 200
        (entry,) = entries(event=audit.Event.EXPORT)
        assert entry.user == province_staff
        assert entry.object_repr.startswith("hibah-") and entry.object_repr.endswith(".xlsx")
        assert entry.path == reverse("grants:grant_list_export") + "?status=active"

    def test_a_pdf_is_recorded(self, client, province_staff, kaltim):
        grant = GrantFactory()
        client.force_login(province_staff)
        url = reverse("grants:grant_summary_pdf", args=[grant.pk])
        assert client.get(url).status_code == 200
        (entry,) = entries(event=audit.Event.EXPORT)
        assert entry.object_repr.endswith(".pdf") and entry.path == url

    def test_a_stored_document_is_recorded_against_its_object(
        self, client, paser_officer, kaltim, settings, tmp_path
    ):
        from tests.factories import BusinessGroupFactory

        settings.MEDIA_ROOT = tmp_path
        group = BusinessGroupFactory(created_by=paser_officer)
        client.force_login(paser_officer)
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        client.post(
            reverse("groups:document_upload", args=[group.pk]),
            {"kind": "proposal", "file": SimpleUploadedFile("proposal.pdf", pdf)},
        )
        document = group.documents.get()
        response = client.get(reverse("groups:document_download", args=[document.pk]))
        assert response.status_code == 200
        (entry,) = entries(event=audit.Event.DOWNLOAD)
        assert (entry.object_type, entry.object_id) == ("groups.groupdocument", str(document.pk))
        assert entry.object_repr == "proposal.pdf"
        assert not entries(event=audit.Event.EXPORT)

    def test_a_page_that_is_not_a_file_is_not_recorded(self, client, province_staff):
        client.force_login(province_staff)
        client.get(reverse("grants:grant_list"))
        assert [e.event for e in entries()] == [audit.Event.LOGIN]  # force_login's


class TestRecord:
    def test_a_service_without_a_request_names_the_user(self, approver, kaltim):
        grant = GrantFactory()
        entry = audit.record(audit.Event.TRANCHE_APPROVED, obj=grant, user=approver, detail="ok")
        entry.refresh_from_db()
        assert (entry.user, entry.username, entry.address, entry.path) == (
            approver,
            "hendra",
            None,
            "",
        )
        assert (entry.object_type, entry.object_id) == ("grants.grant", str(grant.pk))
        assert entry.object_repr == str(grant)
        assert entry.at.date() <= datetime.date.today() + datetime.timedelta(days=1)

    def test_a_deleted_user_leaves_the_log_as_it_was(self, approver):
        entry = audit.record(audit.Event.LOGIN, user=approver)
        user_id = approver.pk
        approver.delete()
        entry.refresh_from_db()
        assert (entry.user_id, entry.username) == (user_id, "hendra")


class TestClientAddress:
    def request(self, **meta):
        return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta)

    def test_the_socket_address_without_a_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        forged = self.request(HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_address(forged) == "10.0.0.2"

    def test_behind_one_proxy_the_address_it_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        proxied = self.request(HTTP_X_FORWARDED_FOR="198.51.100.4")
        assert client_address(proxied) == "198.51.100.4"
        # A client that sends its own header cannot choose the address recorded.
        spoofed = self.request(HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.4")
        assert client_address(spoofed) == "198.51.100.4"
        assert client_address(self.request()) == "10.0.0.2"
        assert client_address(self.request(HTTP_X_FORWARDED_FOR="bukan-alamat")) == "10.0.0.2"


class TestNoFileWithoutItsEntry:
    def test_a_file_whose_download_cannot_be_logged_is_not_delivered(self, client, province_staff):
        from unittest import mock

        from django.db import OperationalError

        client.force_login(province_staff)
        client.raise_request_exception = False
        with mock.patch("audit.log.AuditEntry.save", side_effect=OperationalError("down")):
            response = client.get(reverse("grants:grant_list_export"))
        assert response.status_code == 500
        assert "Content-Disposition" not in response
