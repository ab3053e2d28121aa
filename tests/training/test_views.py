"""The training and mentoring pages: scope (404), roles (403), POST-only actions (405), each
role's happy path, and the query counts of the lists, the attendance sheet and the coverage."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import ERROR, SUCCESS
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groups.models import BusinessGroup
from tests.factories import (
    GrantFactory,
    MemberFactory,
    MentoringVisitFactory,
    ProgramFactory,
    TrainingSessionFactory,
    group_with_members,
)
from tests.training.pages import page_timeline
from training import services
from training.models import Attendance, MentoringVisit, TrainingSession, VisitPhoto

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
TODAY = timezone.localdate


def messages_of(response, level):
    return [str(m) for m in response.context["messages"] if m.level == level]


@pytest.fixture
def program(kaltim):
    return ProgramFactory(name="Bantuan Modal Usaha KUBE 2026")


@pytest.fixture
def mekar(kaltim):
    return group_with_members(5, name="KUBE Mekar Sari", status="eligible")


@pytest.fixture
def paser_session(program, mekar):
    return TrainingSessionFactory(
        program=program, title="Pelatihan Kewirausahaan Paser", groups=[mekar]
    )


@pytest.fixture
def paser_visit(mekar, paser_officer):
    visit = MentoringVisitFactory(group=mekar, officer=paser_officer)
    VisitPhoto.objects.create(
        visit=visit,
        file=SimpleUploadedFile("x.png", PNG),
        stored_name="x.png",
        original_name="warung.png",
        content_type="image/png",
        size=len(PNG),
        uploaded_by=paser_officer,
    )
    return visit


def sheet_data(session, present=()):
    members = [m.pk for m in BusinessGroup.objects.get(training_invitations__session=session)
               .members.filter(active=True)]  # fmt: skip
    return {"members": members, "present": list(present)}


SESSION_PAGES = ["training:session_detail", "training:session_update", "training:session_invite"]
SESSION_ACTIONS = ["training:attendance_record"]
VISIT_PAGES = ["training:visit_detail", "training:visit_update"]
VISIT_ACTIONS = ["training:visit_photos_add"]


@pytest.mark.django_db
class TestScope:
    """The Berau officer cannot see or record Paser sessions or visits: 404 everywhere."""

    @pytest.mark.parametrize("name", [*SESSION_PAGES, "training:attendance_pdf"])
    def test_session_pages_out_of_scope_are_404(self, client, berau_officer, paser_session, name):
        client.force_login(berau_officer)
        assert client.get(reverse(name, args=[paser_session.pk])).status_code == 404

    def test_recording_a_paser_session_is_404(self, client, berau_officer, paser_session):
        client.force_login(berau_officer)
        url = reverse("training:attendance_record", args=[paser_session.pk])
        data = sheet_data(paser_session, present=sheet_data(paser_session)["members"])
        assert client.post(url, data).status_code == 404
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("name", VISIT_PAGES)
    def test_visit_pages_out_of_scope_are_404(self, client, berau_officer, paser_visit, name):
        client.force_login(berau_officer)
        assert client.get(reverse(name, args=[paser_visit.pk])).status_code == 404

    def test_visit_actions_out_of_scope_are_404(self, client, berau_officer, paser_visit, mekar):
        client.force_login(berau_officer)
        photo = paser_visit.photos.get()
        assert client.get(reverse("training:visit_photo", args=[photo.pk])).status_code == 404
        data = {"photos": SimpleUploadedFile("a.png", PNG, content_type="image/png")}
        url = reverse("training:visit_photos_add", args=[paser_visit.pk])
        assert client.post(url, data).status_code == 404
        url = reverse("training:visit_create", args=[mekar.pk])
        assert client.get(url).status_code == 404
        data = {"visited_on": TODAY().isoformat(), "kind": "visit", "findings": "x"}
        assert client.post(url, data).status_code == 404
        assert MentoringVisit.objects.count() == 1
        assert VisitPhoto.objects.count() == 1

    def test_lists_and_coverage_hide_paser(self, client, berau_officer, paser_session, paser_visit):
        client.force_login(berau_officer)
        for url in [
            reverse("training:session_list"),
            reverse("training:session_list") + "?regency=64.01",
            reverse("training:visit_list"),
            reverse("training:visit_list") + "?regency=64.01",
            reverse("training:coverage"),
            reverse("training:coverage") + "?regency=64.01",
        ]:
            content = client.get(url).content.decode()
            assert "Pelatihan Kewirausahaan Paser" not in content, url
            assert "KUBE Mekar Sari" not in content, url
            assert "Kabupaten Paser" not in content, url

    def test_a_province_wide_session_shows_an_officer_only_their_groups(
        self, client, program, mekar, berau_officer
    ):
        berau = group_with_members(3, name="KUBE Berau Jaya", regency_id="64.03", status="eligible")
        session = TrainingSessionFactory(
            program=program, regency_id=None, title="Bimtek Provinsi", groups=[mekar, berau]
        )
        client.force_login(berau_officer)
        response = client.get(reverse("training:session_detail", args=[session.pk]))
        content = response.content.decode()
        assert "KUBE Berau Jaya" in content and "KUBE Mekar Sari" not in content
        assert {row.member.group_id for row in response.context["rows"]} == {berau.pk}
        assert response.context["attendance_form"] is None  # province staff record it
        listed = client.get(reverse("training:session_list")).context["table"].data
        assert [(s.title, s.invited_count) for s in listed] == [("Bimtek Provinsi", 1)]


@pytest.mark.django_db
class TestRolesAndMethods:
    def test_get_on_post_only_actions_is_405(self, client, province_staff, paser_session):
        client.force_login(province_staff)
        url = reverse("training:attendance_record", args=[paser_session.pk])
        assert client.get(url).status_code == 405

    def test_get_on_photo_upload_is_405(self, client, paser_officer, paser_visit):
        client.force_login(paser_officer)
        url = reverse("training:visit_photos_add", args=[paser_visit.pk])
        assert client.get(url).status_code == 405

    def test_approver_reads_but_does_not_manage_sessions(self, client, approver, paser_session):
        client.force_login(approver)
        assert (
            client.get(reverse("training:session_detail", args=[paser_session.pk])).status_code
            == 200
        )
        for name in ["training:session_update", "training:session_invite"]:
            assert client.get(reverse(name, args=[paser_session.pk])).status_code == 403, name
        assert client.get(reverse("training:session_create")).status_code == 403
        url = reverse("training:attendance_record", args=[paser_session.pk])
        assert client.post(url, sheet_data(paser_session)).status_code == 403
        assert not Attendance.objects.exists()

    def test_officer_does_not_manage_a_province_wide_session(
        self, client, program, mekar, paser_officer
    ):
        session = TrainingSessionFactory(program=program, regency_id=None, groups=[mekar])
        client.force_login(paser_officer)
        assert client.get(reverse("training:session_detail", args=[session.pk])).status_code == 200
        assert client.get(reverse("training:session_update", args=[session.pk])).status_code == 403
        url = reverse("training:attendance_record", args=[session.pk])
        assert client.post(url, sheet_data(session)).status_code == 403

    @pytest.mark.parametrize("persona", ["province_staff", "approver"])
    def test_only_regency_officers_log_visits(self, client, personas, mekar, paser_visit, persona):
        client.force_login(personas[persona])
        assert client.get(reverse("training:visit_create", args=[mekar.pk])).status_code == 403
        assert (
            client.get(reverse("training:visit_update", args=[paser_visit.pk])).status_code == 403
        )
        url = reverse("training:visit_photos_add", args=[paser_visit.pk])
        data = {"photos": SimpleUploadedFile("a.png", PNG, content_type="image/png")}
        assert client.post(url, data).status_code == 403
        assert VisitPhoto.objects.count() == 1

    @pytest.mark.parametrize("persona", ["province_staff", "approver", "paser_officer"])
    def test_every_role_reads_the_pages(
        self, client, personas, paser_session, paser_visit, persona
    ):
        client.force_login(personas[persona])
        for url in [
            reverse("training:session_list"),
            reverse("training:session_detail", args=[paser_session.pk]),
            reverse("training:attendance_pdf", args=[paser_session.pk]),
            reverse("training:visit_list"),
            reverse("training:visit_detail", args=[paser_visit.pk]),
            reverse("training:visit_photo", args=[paser_visit.photos.get().pk]),
            reverse("training:coverage"),
        ]:
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
class TestSessions:
    def test_province_staff_create_a_session_with_the_eligible_groups(
        self, client, province_staff, program, mekar
    ):
        client.force_login(province_staff)
        response = client.post(
            reverse("training:session_create"),
            {
                "program": program.pk,
                "regency": "64.01",
                "title": "Pelatihan Kewirausahaan KUBE Kabupaten Paser",
                "topic": "Pengelolaan usaha dan dana hibah",
                "start_date": "2026-07-29",
                "end_date": "2026-07-29",
                "venue": "Gedung Perempuan Berjaya, Paser",
                "facilitator": "Tim Dinsos Provinsi",
                "invite_eligible": "on",
            },
            follow=True,
        )
        session = TrainingSession.objects.get()
        assert response.redirect_chain[-1][0] == session.get_absolute_url()
        assert list(session.invited_groups.all()) == [mekar]
        assert session.created_by == province_staff
        assert "Gedung Perempuan Berjaya, Paser" in response.content.decode()

    def test_officer_creates_in_their_regency_only(self, client, berau_officer, program):
        client.force_login(berau_officer)
        form = client.get(reverse("training:session_create")).context["form"]
        assert [r.pk for r in form.fields["regency"].queryset] == ["64.03"]
        data = {
            "program": program.pk,
            "regency": "64.01",
            "title": "x",
            "topic": "x",
            "start_date": "2026-07-29",
            "end_date": "2026-07-29",
            "venue": "x",
            "facilitator": "x",
        }
        response = client.post(reverse("training:session_create"), data)
        assert response.status_code == 200 and response.context["form"].has_error("regency")
        assert not TrainingSession.objects.exists()

    def test_the_whole_sheet_in_one_post(self, client, province_staff, paser_session, mekar):
        client.force_login(province_staff)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(paser_session.get_absolute_url())
        content = page.content.decode()
        members = list(mekar.members.order_by("pk"))
        for member in members:
            assert f'name="present" value="{member.pk}"' in content
        present = [m.pk for m in members[:3]]
        response = client.post(
            reverse("training:attendance_record", args=[paser_session.pk]),
            sheet_data(paser_session, present=present),
            follow=True,
        )
        assert messages_of(response, SUCCESS) == [
            "The attendance is recorded: 3 present, 2 absent."
        ]
        recorded = dict(Attendance.objects.values_list("member_id", "present"))
        assert recorded == {m.pk: m.pk in present for m in members}
        assert response.context["present_count"] == 3

    def test_a_forged_member_refuses_the_whole_sheet(
        self, client, province_staff, paser_session, kaltim
    ):
        stranger = MemberFactory(group=group_with_members(5, name="KUBE Lain"))
        client.force_login(province_staff)
        data = sheet_data(paser_session)
        data["members"].append(stranger.pk)
        data["present"] = data["members"]
        response = client.post(
            reverse("training:attendance_record", args=[paser_session.pk]), data, follow=True
        )
        assert messages_of(response, ERROR)
        assert not Attendance.objects.exists()

    def test_invite_page_sets_the_regencys_groups(
        self, client, paser_officer, paser_session, mekar
    ):
        other = group_with_members(5, name="KUBE Harapan", status="verified")
        client.force_login(paser_officer)
        url = reverse("training:session_invite", args=[paser_session.pk])
        form = client.get(url).context["form"]
        assert form.initial["groups"] == [str(mekar.pk)]
        client.post(url, {"groups": [str(other.pk)]})
        assert list(paser_session.invited_groups.all()) == [other]

    def test_edit_a_session_and_see_the_change_in_its_history(
        self, client, paser_officer, paser_session
    ):
        client.force_login(paser_officer)
        url = reverse("training:session_update", args=[paser_session.pk])
        form = client.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data["venue"] = "Aula Kantor Camat Tanah Grogot"
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == paser_session.get_absolute_url()
        paser_session.refresh_from_db()
        assert paser_session.venue == "Aula Kantor Camat Tanah Grogot"
        changes = [c for e in response.context["history"] for c in e.changes]
        assert any(c[2] == "Aula Kantor Camat Tanah Grogot" for c in changes)

    def test_the_attendance_list_pdf(self, client, paser_officer, paser_session):
        client.force_login(paser_officer)
        response = client.get(reverse("training:attendance_pdf", args=[paser_session.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "daftar-hadir-" in response["Content-Disposition"]


@pytest.mark.django_db
class TestVisits:
    def test_officer_logs_a_visit_with_a_photo_from_the_group_page(
        self, client, paser_officer, mekar
    ):
        client.force_login(paser_officer)
        page = client.get(mekar.get_absolute_url()).content.decode()
        url = reverse("training:visit_create", args=[mekar.pk])
        assert url in page
        response = client.post(
            url,
            {
                "visited_on": TODAY().isoformat(),
                "kind": "visit",
                "findings": "Produksi amplang 20 kg per minggu.",
                "advice": "Tambah label kemasan.",
                "follow_up_due": (TODAY() + datetime.timedelta(days=30)).isoformat(),
                "photos": [SimpleUploadedFile("produksi.png", PNG, content_type="image/png")],
            },
            follow=True,
        )
        visit = MentoringVisit.objects.get()
        assert response.redirect_chain[-1][0] == visit.get_absolute_url()
        assert visit.officer == paser_officer and visit.group == mekar
        photo = visit.photos.get()
        served = client.get(reverse("training:visit_photo", args=[photo.pk]))
        assert served["Content-Type"] == "image/png"
        assert b"".join(served.streaming_content) == PNG
        timeline = page_timeline(client.get(mekar.get_absolute_url()))
        assert [event.kind for event in timeline] == ["visit"]

    def test_a_refused_photo_keeps_the_form_and_saves_nothing(self, client, paser_officer, mekar):
        client.force_login(paser_officer)
        response = client.post(
            reverse("training:visit_create", args=[mekar.pk]),
            {
                "visited_on": TODAY().isoformat(),
                "kind": "phone",
                "findings": "Ketua menelepon.",
                "photos": [SimpleUploadedFile("virus.exe", b"MZ" * 50)],
            },
        )
        assert response.status_code == 200
        assert "virus.exe" in " ".join(response.context["form"].non_field_errors())
        assert not MentoringVisit.objects.exists()

    def test_follow_ups_due_are_listed_and_waiting(self, client, paser_officer, mekar):
        MentoringVisitFactory(
            group=mekar,
            officer=paser_officer,
            visited_on=TODAY() - datetime.timedelta(days=40),
            follow_up_due=TODAY() - datetime.timedelta(days=3),
        )
        client.force_login(paser_officer)
        listed = client.get(reverse("training:visit_list") + "?follow_up=due")
        assert len(listed.context["table"].rows) == 1
        lines = client.get(reverse("core:home")).context["waiting"]
        due = [line for line in lines if "follow_up=due" in line.url]
        assert [line.count for line in due] == [1]


@pytest.mark.django_db
class TestCoverage:
    def test_per_regency_trained_visited_and_not_visited(
        self, client, province_staff, paser_officer, program
    ):
        trained = group_with_members(5, name="KUBE Dilatih", status="eligible")
        visited = group_with_members(5, name="KUBE Dikunjungi", status="eligible")
        forgotten = group_with_members(5, name="KUBE Terlupa", status="eligible")
        funded = GrantFactory(program=program, group__name="KUBE Didanai", group__status="verified")
        group_with_members(5, name="KUBE Usulan")  # proposed: not followed up yet
        session = TrainingSessionFactory(program=program, groups=[trained])
        services.attendance_record(
            session=session,
            marks={m.pk: True for m in trained.members.all()},
            by=province_staff,
        )
        MentoringVisitFactory(group=visited, officer=paser_officer)
        MentoringVisitFactory(  # five months ago: outside the window
            group=forgotten, officer=paser_officer, visited_on=TODAY() - datetime.timedelta(150)
        )
        client.force_login(province_staff)
        response = client.get(reverse("training:coverage"))
        paser = next(r for r in response.context["rows"] if r.regency.pk == "64.01")
        assert (paser.groups, paser.followed, paser.trained, paser.visited, paser.not_visited) == (
            5, 4, 1, 1, 3,
        )  # fmt: skip
        unvisited = {row.record.name for row in response.context["table"].rows}
        assert unvisited == {"KUBE Dilatih", "KUBE Terlupa", funded.group.name}
        assert len(response.context["rows"]) == 10  # every regency, none visited elsewhere


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("sessions", [1, 30])
    def test_session_list_queries_do_not_grow_with_sessions(
        self, client, province_staff, program, mekar, sessions, django_assert_num_queries
    ):
        for _ in range(sessions):
            TrainingSessionFactory(program=program, groups=[mekar])
        client.force_login(province_staff)
        # session, user, COUNT for the paginator, the programme and regency filter choices,
        # the page of sessions (programme and regency joined; invited groups and members
        # present by correlated subqueries), and the idle-timeout session refresh
        # (savepoint, update, release)
        with django_assert_num_queries(9):
            response = client.get(reverse("training:session_list"))
        assert response.status_code == 200

    @pytest.mark.parametrize("members", [5, 200])
    def test_attendance_sheet_queries_do_not_grow_with_members(
        self, client, province_staff, program, members, django_assert_num_queries
    ):
        groups = [group_with_members(5, status="eligible") for _ in range(members // 5)]
        session = TrainingSessionFactory(program=program, groups=groups)
        marks = {m.pk: True for g in groups for m in g.members.all()}
        services.attendance_record(session=session, marks=marks, by=province_staff)
        client.force_login(province_staff)
        # session, user, the training session (programme, regency, created by), the sheet
        # (members with their group and recorded attendance), the invited groups (with
        # their regency), session history, invitation history, and the idle-timeout session
        # refresh (savepoint, update, release)
        with django_assert_num_queries(10):
            response = client.get(reverse("training:session_detail", args=[session.pk]))
        assert len(response.context["rows"]) == members
        assert response.context["present_count"] == members

    @pytest.mark.parametrize("visits", [1, 30])
    def test_visit_list_queries_do_not_grow_with_visits(
        self, client, paser_officer, mekar, visits, django_assert_num_queries
    ):
        for _ in range(visits):
            MentoringVisitFactory(group=mekar, officer=paser_officer)
        client.force_login(paser_officer)
        # session, user, COUNT for the paginator, the officer's regency (in the navbar), the
        # page of visits (group, regency and officer joined; photos counted and the
        # follow-up's later visit looked up by correlated subqueries), and the idle-timeout
        # session refresh (savepoint, update, release). No regency filter: an officer's has
        # one possible value, so it is not shown and its choices are not read.
        with django_assert_num_queries(8):
            response = client.get(reverse("training:visit_list"))
        assert response.status_code == 200

    @pytest.mark.parametrize("groups", [1, 30])
    def test_coverage_queries_do_not_grow_with_groups(
        self, client, province_staff, paser_officer, groups, django_assert_num_queries, kaltim
    ):
        for n in range(groups):
            group = group_with_members(5, status="eligible")
            if n % 2:
                MentoringVisitFactory(group=group, officer=paser_officer)
        client.force_login(province_staff)
        # session, user, the regencies, the per-regency counts (one GROUP BY with EXISTS
        # subqueries), COUNT and page of the groups not visited, and the idle-timeout
        # session refresh (savepoint, update, release)
        with django_assert_num_queries(9):
            response = client.get(reverse("training:coverage"))
        assert response.status_code == 200


@pytest.mark.django_db
class TestAdmin:
    def test_superuser_opens_the_training_admin(
        self, client, superuser, province_staff, paser_session, paser_visit, mekar
    ):
        services.attendance_record(
            session=paser_session,
            marks={m.pk: True for m in mekar.members.all()},
            by=province_staff,
        )
        client.force_login(superuser)
        attendance = Attendance.objects.first()
        for url in [
            reverse("admin:training_trainingsession_changelist"),
            reverse("admin:training_trainingsession_change", args=[paser_session.pk]),
            reverse("admin:training_trainingsession_history", args=[paser_session.pk]),
            reverse("admin:training_attendance_changelist"),
            reverse("admin:training_attendance_change", args=[attendance.pk]),
            reverse("admin:training_mentoringvisit_changelist"),
            reverse("admin:training_mentoringvisit_change", args=[paser_visit.pk]),
            reverse("admin:training_visitphoto_changelist"),
        ]:
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
class TestWaitingLines:
    def lines(self, client, user, fragment):
        client.force_login(user)
        lines = client.get(reverse("core:home")).context["waiting"]
        return [(line.url, line.count) for line in lines if fragment in line.url]

    def test_attendance_to_record_waits_for_those_who_record_it(
        self, client, province_staff, paser_officer, berau_officer, approver, paser_session, mekar
    ):
        TrainingSessionFactory(  # not begun yet: nothing to record
            program=paser_session.program,
            start_date=TODAY() + datetime.timedelta(days=3),
            groups=[mekar],
        )
        TrainingSessionFactory(program=paser_session.program, regency_id=None, groups=[mekar])
        url = reverse("training:session_list") + "?attendance=missing"
        assert self.lines(client, province_staff, "attendance=") == [(url, 2)]
        assert self.lines(client, paser_officer, "attendance=") == [(url, 1)]
        assert self.lines(client, berau_officer, "attendance=") == []
        assert self.lines(client, approver, "attendance=") == []
        client.force_login(paser_officer)
        listed = client.get(url).context["table"].data
        assert [s.pk for s in listed] == [paser_session.pk]  # the one the officer records
        services.attendance_record(
            session=paser_session,
            marks={m.pk: True for m in mekar.members.all()},
            by=paser_officer,
        )
        assert self.lines(client, paser_officer, "attendance=") == []

    def test_groups_to_visit_wait_for_their_officer(
        self, client, paser_officer, berau_officer, mekar
    ):
        group_with_members(5, name="KUBE Usulan")  # proposed: not followed up yet
        url = reverse("training:coverage") + "?regency=64.01#unvisited"
        assert self.lines(client, paser_officer, "cakupan") == [(url, 1)]
        assert self.lines(client, berau_officer, "cakupan") == []
        MentoringVisitFactory(group=mekar, officer=paser_officer)
        assert self.lines(client, paser_officer, "cakupan") == []
