"""The training and mentoring services: the whole attendance sheet at once, only the invited
groups' members, who may record what, invitations, and mentoring visits with photos."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import DomainError, NotAllowed
from groups.models import Member
from tests.factories import (
    MentoringVisitFactory,
    ProgramFactory,
    TrainingSessionFactory,
    group_with_members,
)
from training import services
from training.models import Attendance, MentoringVisit, TrainingInvitation, VisitPhoto
from training.selectors import open_follow_ups

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def program(kaltim):
    return ProgramFactory(name="Bantuan Modal Usaha KUBE 2026")


@pytest.fixture
def mekar(kaltim):
    return group_with_members(5, name="KUBE Mekar Sari", status="eligible")


@pytest.fixture
def lestari(kaltim):
    return group_with_members(4, name="KUBE Lestari", status="eligible")


@pytest.fixture
def session(program, mekar, lestari):
    """A Paser training a week ago with both Paser groups invited."""
    return TrainingSessionFactory(program=program, groups=[mekar, lestari])


def everyone(*groups, present=True):
    return {m.pk: present for g in groups for m in g.members.filter(active=True)}


class TestAttendanceSheet:
    def test_the_whole_sheet_is_recorded_at_once(self, session, mekar, lestari, province_staff):
        marks = everyone(mekar, lestari)
        absent = list(lestari.members.order_by("pk"))[:2]
        for member in absent:
            marks[member.pk] = False

        present, missing = services.attendance_record(
            session=session, marks=marks, by=province_staff
        )

        assert (present, missing) == (7, 2)
        rows = Attendance.objects.filter(session=session)
        assert rows.count() == 9
        assert {a.member_id for a in rows.filter(present=False)} == {m.pk for m in absent}
        assert set(rows.values_list("recorded_by", flat=True)) == {province_staff.pk}
        records = Attendance.history.filter(session_id=session.pk)
        assert records.count() == 9
        assert {r.history_change_reason for r in records} == {"recorded"}
        assert {r.history_user_id for r in records} == {province_staff.pk}

    def test_a_second_sheet_corrects_only_what_changed(self, session, mekar, province_staff):
        marks = everyone(mekar)
        services.attendance_record(session=session, marks=marks, by=province_staff)
        late = next(iter(marks))
        marks[late] = False

        services.attendance_record(session=session, marks=marks, by=province_staff)

        assert Attendance.objects.filter(session=session).count() == 5
        assert not Attendance.objects.get(session=session, member_id=late).present
        corrected = Attendance.history.filter(history_change_reason="corrected")
        assert list(corrected.values_list("member_id", flat=True)) == [late]

    def test_a_member_of_a_group_not_invited_refuses_the_whole_sheet(
        self, session, mekar, province_staff
    ):
        stranger = group_with_members(5, name="KUBE Tidak Diundang")
        marks = everyone(mekar) | everyone(stranger)
        with pytest.raises(DomainError, match="5"):
            services.attendance_record(session=session, marks=marks, by=province_staff)
        assert not Attendance.objects.exists()

    def test_a_member_who_left_the_group_is_refused_until_recorded(
        self, session, mekar, province_staff
    ):
        left = mekar.members.filter(role="anggota").first()
        Member.objects.filter(pk=left.pk).update(active=False)
        with pytest.raises(DomainError):
            services.attendance_record(session=session, marks={left.pk: True}, by=province_staff)

    def test_a_member_recorded_before_leaving_stays_on_the_sheet(
        self, session, mekar, province_staff
    ):
        marks = everyone(mekar)
        services.attendance_record(session=session, marks=marks, by=province_staff)
        left = mekar.members.filter(role="anggota").first()
        Member.objects.filter(pk=left.pk).update(active=False)
        marks[left.pk] = False
        services.attendance_record(session=session, marks=marks, by=province_staff)
        assert not Attendance.objects.get(member=left).present

    def test_not_before_the_session_begins(self, program, mekar, province_staff):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        session = TrainingSessionFactory(program=program, start_date=tomorrow, groups=[mekar])
        with pytest.raises(DomainError):
            services.attendance_record(session=session, marks=everyone(mekar), by=province_staff)

    def test_an_empty_sheet_is_refused(self, program, province_staff, kaltim):
        session = TrainingSessionFactory(program=program)
        with pytest.raises(DomainError):
            services.attendance_record(session=session, marks={}, by=province_staff)

    def test_the_officer_of_the_regency_records(self, session, mekar, paser_officer):
        services.attendance_record(session=session, marks=everyone(mekar), by=paser_officer)
        assert Attendance.objects.count() == 5

    @pytest.mark.parametrize("persona", ["berau_officer", "approver"])
    def test_others_may_not_record(self, session, mekar, personas, persona):
        with pytest.raises(NotAllowed):
            services.attendance_record(session=session, marks=everyone(mekar), by=personas[persona])
        assert not Attendance.objects.exists()

    def test_province_wide_sessions_are_recorded_by_province_staff_only(
        self, program, mekar, paser_officer, province_staff
    ):
        session = TrainingSessionFactory(program=program, regency_id=None, groups=[mekar])
        with pytest.raises(NotAllowed):
            services.attendance_record(session=session, marks=everyone(mekar), by=paser_officer)
        services.attendance_record(session=session, marks=everyone(mekar), by=province_staff)
        assert Attendance.objects.count() == 5


class TestSessions:
    def _session(self, program, **fields):
        from training.models import TrainingSession

        today = timezone.localdate()
        defaults = {
            "program": program,
            "regency_id": "64.01",
            "title": "Bimbingan Teknis Pengelolaan Keuangan",
            "topic": "Pembukuan kas kelompok",
            "start_date": today,
            "end_date": today,
            "venue": "Gedung Perempuan Berjaya, Paser",
            "facilitator": "Tim Dinsos Provinsi",
        }
        return TrainingSession(**(defaults | fields))

    def test_create_inviting_every_eligible_group(
        self, program, mekar, lestari, paser_officer, kaltim
    ):
        group_with_members(5, name="KUBE Usulan")  # proposed: not invited
        group_with_members(5, name="KUBE Berau", regency_id="64.03", status="eligible")
        session = services.session_create(
            session=self._session(program), by=paser_officer, invite_eligible=True
        )
        assert set(session.invited_groups.values_list("name", flat=True)) == {
            "KUBE Mekar Sari",
            "KUBE Lestari",
        }
        assert session.created_by == paser_officer
        assert session.history.get().history_change_reason == "created"
        assert TrainingInvitation.history.filter(history_change_reason="invited").count() == 2

    def test_officers_organise_in_their_regency_only(self, program, berau_officer, kaltim):
        with pytest.raises(NotAllowed):
            services.session_create(session=self._session(program), by=berau_officer)
        with pytest.raises(NotAllowed):
            services.session_create(
                session=self._session(program, regency_id=None), by=berau_officer
            )

    def test_the_end_is_not_before_the_start(self, program, province_staff, kaltim):
        today = timezone.localdate()
        session = self._session(program, end_date=today - datetime.timedelta(days=1))
        with pytest.raises(DomainError):
            services.session_create(session=session, by=province_staff)

    def test_invite_sets_the_groups_of_one_regency(self, session, mekar, lestari, province_staff):
        third = group_with_members(5, name="KUBE Ketiga", status="verified")
        added, removed = services.session_invite(
            session=session, regency_id="64.01", group_ids=[mekar.pk, third.pk], by=province_staff
        )
        assert (added, removed) == (1, 1)
        assert set(session.invited_groups.values_list("name", flat=True)) == {
            "KUBE Mekar Sari",
            "KUBE Ketiga",
        }
        assert TrainingInvitation.history.filter(history_change_reason="uninvited").count() == 1

    def test_a_group_with_attendance_stays_invited(self, session, mekar, lestari, province_staff):
        services.attendance_record(session=session, marks=everyone(mekar), by=province_staff)
        with pytest.raises(DomainError, match="KUBE Mekar Sari"):
            services.session_invite(
                session=session, regency_id="64.01", group_ids=[lestari.pk], by=province_staff
            )
        assert session.invitations.count() == 2

    def test_only_groups_of_the_sessions_regency(self, session, province_staff):
        berau = group_with_members(5, name="KUBE Berau", regency_id="64.03", status="eligible")
        with pytest.raises(DomainError):
            services.session_invite(
                session=session, regency_id="64.03", group_ids=[berau.pk], by=province_staff
            )
        with pytest.raises(DomainError):
            services.session_invite(
                session=session, regency_id="64.01", group_ids=[berau.pk], by=province_staff
            )

    def test_rejected_groups_are_not_invited(self, session, province_staff):
        rejected = group_with_members(5, status="rejected", status_reason="Ganda")
        with pytest.raises(DomainError):
            services.session_invite(
                session=session, regency_id="64.01", group_ids=[rejected.pk], by=province_staff
            )

    def test_the_regency_cannot_change_away_from_its_invited_groups(self, session, province_staff):
        session.regency_id = "64.03"
        with pytest.raises(DomainError):
            services.session_update(session=session, by=province_staff)


class TestVisits:
    def log(self, group, by, **fields):
        data = {
            "visited_on": timezone.localdate(),
            "kind": "visit",
            "findings": "Warung buka setiap hari; stok cukup.",
            "advice": "Pisahkan uang usaha dan uang pribadi.",
            "follow_up_due": timezone.localdate() + datetime.timedelta(days=30),
        }
        return services.visit_log(group=group, by=by, **(data | fields))

    def test_officer_logs_a_visit_with_photos(self, mekar, paser_officer):
        visit = self.log(
            mekar,
            paser_officer,
            photos=[upload("warung.png", PNG), upload("nota.pdf", PDF, "application/pdf")],
        )
        assert visit.officer == paser_officer
        photos = list(visit.photos.order_by("pk"))
        assert [(p.original_name, p.content_type) for p in photos] == [
            ("warung.png", "image/png"),
            ("nota.pdf", "application/pdf"),
        ]
        assert photos[0].file.read() == PNG
        record = visit.history.get()
        assert (record.history_change_reason, record.history_user) == ("logged", paser_officer)

    def test_a_bad_photo_refuses_the_whole_visit(self, mekar, paser_officer):
        with pytest.raises(DomainError, match=r"foto\.exe"):
            self.log(
                mekar,
                paser_officer,
                photos=[upload("a.png", PNG), upload("foto.exe", b"MZ\x90\x00" * 10)],
            )
        assert not MentoringVisit.objects.exists()
        assert not VisitPhoto.objects.exists()

    def test_a_photo_over_the_limit_is_refused(self, mekar, paser_officer, settings):
        settings.DOCUMENT_MAX_BYTES = 1024
        with pytest.raises(DomainError, match=r"(0|1) MB"):
            self.log(mekar, paser_officer, photos=[upload("big.png", PNG + b"\0" * 2000)])

    def test_only_officers_of_the_groups_regency(self, mekar, berau_officer, province_staff):
        for user in (berau_officer, province_staff):
            with pytest.raises(NotAllowed):
                self.log(mekar, user)
        assert not MentoringVisit.objects.exists()

    def test_dates_make_sense(self, mekar, paser_officer):
        today = timezone.localdate()
        with pytest.raises(DomainError):
            self.log(mekar, paser_officer, visited_on=today + datetime.timedelta(days=1))
        with pytest.raises(DomainError):
            self.log(mekar, paser_officer, follow_up_due=today - datetime.timedelta(days=1))
        with pytest.raises(DomainError):
            self.log(mekar, paser_officer, findings="  ")

    def test_a_later_visit_closes_the_follow_up(self, mekar, paser_officer):
        today = timezone.localdate()
        first = self.log(
            mekar, paser_officer, visited_on=today - datetime.timedelta(days=40),
            follow_up_due=today - datetime.timedelta(days=10),
        )  # fmt: skip
        assert list(open_follow_ups(MentoringVisit.objects.all())) == [first]
        self.log(mekar, paser_officer, follow_up_due=None)
        assert list(open_follow_ups(MentoringVisit.objects.all())) == []

    def test_photos_added_later_and_a_correction(self, mekar, paser_officer, berau_officer):
        visit = MentoringVisitFactory(group=mekar, officer=paser_officer)
        services.visit_photos_add(visit=visit, uploads=[upload("b.png", PNG)], by=paser_officer)
        with pytest.raises(NotAllowed):
            services.visit_photos_add(visit=visit, uploads=[upload("c.png", PNG)], by=berau_officer)
        visit.findings = "Diperbaiki"
        services.visit_update(visit=visit, by=paser_officer)
        visit.refresh_from_db()
        assert visit.findings == "Diperbaiki" and visit.photos.count() == 1
        assert io.BytesIO(visit.photos.get().file.read()).read() == PNG
