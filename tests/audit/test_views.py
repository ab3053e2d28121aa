"""The access log page: province staff read and filter it and download it; other roles
get 403."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import audit
from audit.models import AuditEntry
from core.xlsx import DATETIME_FORMAT
from tests.factories import GrantFactory

pytestmark = pytest.mark.django_db

LIST = reverse("audit:entry_list")
EXPORT = reverse("audit:entry_list_export")
WITA = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def log(province_staff, approver, paser_officer, kaltim, time_machine):
    """Four entries on three days of November 2026 (WITA)."""
    grant = GrantFactory()

    def at(day, hour, event, **kwargs):
        time_machine.move_to(datetime.datetime(2026, 11, day, hour, 0, tzinfo=WITA), tick=False)
        return audit.record(event, **kwargs)

    entries = {
        "login": at(20, 8, audit.Event.LOGIN, user=paser_officer),
        "approved": at(21, 9, audit.Event.TRANCHE_APPROVED, user=approver, obj=grant),
        "export": at(21, 23, audit.Event.EXPORT, user=province_staff, detail="hibah.xlsx"),
        "denied": at(22, 0, audit.Event.PERMISSION_DENIED, user=paser_officer),
    }
    time_machine.move_to(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WITA), tick=False)
    return entries | {"grant": grant}


def shown(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [entry.pk for entry in response.context["table"].page.object_list.data]


class TestAccess:
    @pytest.mark.parametrize("persona", ["approver", "paser_officer", "superuser"])
    def test_other_roles_get_403(self, client, persona, request):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(LIST).status_code == 403
        assert client.get(EXPORT).status_code == 403

    def test_the_page_is_in_the_province_staffs_menu(self, client, province_staff):
        client.force_login(province_staff)
        page = client.get(reverse("core:home")).content.decode()
        assert f'href="{LIST}"' in page and "Log akses" in page


class TestFilters:
    def test_newest_first(self, client, province_staff, log):
        client.force_login(province_staff)
        ids = shown(client)
        # force_login's own entry comes last in time.
        assert ids[1:] == [log[k].pk for k in ("denied", "export", "approved", "login")]

    def test_by_user_event_and_object(self, client, province_staff, paser_officer, log):
        client.force_login(province_staff)
        assert shown(client, f"?user={paser_officer.pk}") == [log["denied"].pk, log["login"].pk]
        assert shown(client, "?event=export") == [log["export"].pk]
        grant = log["grant"]
        query = f"?object_type=grants.grant&object_id={grant.pk}"
        assert shown(client, query) == [log["approved"].pk]

    def test_by_days_in_the_sites_time_zone(self, client, province_staff, log):
        client.force_login(province_staff)
        # 21 November WITA: 09:00 and 23:00, not 00:00 on the 22nd.
        query = "?date_from=2026-11-21&date_to=2026-11-21"
        assert shown(client, query) == [log["export"].pk, log["approved"].pk]
        assert shown(client, "?date_to=2026-11-20") == [log["login"].pk]

    def test_days_typed_and_moments_shown_as_the_rest_of_the_site(
        self, client, province_staff, log
    ):
        """dd/mm/yyyy in the filter whatever the browser's language (no native date picker,
        which shows mm/dd/yyyy in an English browser); times as `21 November 2026 pukul
        23.00`, in WITA."""
        client.force_login(province_staff)
        response = client.get(LIST + "?date_from=21/11/2026&date_to=21/11/2026")
        assert shown(client, "?date_from=21/11/2026&date_to=21/11/2026") == [
            log["export"].pk,
            log["approved"].pk,
        ]
        page = response.content.decode()
        assert 'type="date"' not in page
        assert 'value="21/11/2026"' in page and 'placeholder="hh/bb/tttt"' in page
        assert "21 November 2026 pukul 23.00" in page

    def test_bad_filters_show_the_form_errors_not_a_crash(self, client, province_staff, log):
        client.force_login(province_staff)
        response = client.get(LIST + "?date_from=kemarin&event=zzz&user=abc")
        assert response.status_code == 200

    def test_query_count(self, client, province_staff, log, django_assert_num_queries):
        client.force_login(province_staff)
        # session, user, the users of the filter's choices, the count, the page, and the
        # idle-timeout session refresh (savepoint, update, release)
        with django_assert_num_queries(8):
            client.get(LIST)


class TestExport:
    def test_the_filtered_log_as_excel(self, client, province_staff, log):
        client.force_login(province_staff)
        response = client.get(EXPORT + "?date_from=2026-11-21&date_to=2026-11-21")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book["Log Akses"]
        header, *rows = sheet.iter_rows(values_only=True)
        assert header[:4] == ("Waktu", "Pengguna", "Kejadian", "Jenis Objek")
        assert [row[1] for row in rows] == ["rina", "hendra"]
        assert rows[0][0] == datetime.datetime(2026, 11, 21, 23, 0)
        assert sheet["A2"].number_format == DATETIME_FORMAT
        assert rows[1][2] == "Tahap disetujui"
        assert rows[1][3:5] == ("grants.grant", str(log["grant"].pk))
        # The download is itself in the log.
        assert AuditEntry.objects.filter(event=audit.Event.EXPORT, username="rina").count() == 2
