"""Every page of the URLconf runs as many queries with a little data as with more.

The test walks the whole URLconf (the app's pages and the admin's), builds a small world
(one of everything: groups with members, grants in several states, tranches, reports,
trainings, visits, documents and photos), opens every page that answers GET as the role
that uses it, then adds four times as much data and opens them again. It fails when a
page's count differs between the two sizes, differs from its baseline in
tests/core/query_counts.json (so that a page that gains a query says so in the diff), or a
page has no baseline. `UPDATE_QUERY_COUNTS=1` rewrites the baseline from a run.

Pages that do not answer GET (transitions: POST only) are recorded as "POST", admin
pages turned off (adding a grant, derived rows) as "403"; the few the test cannot open
are recorded with the reason.
"""

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from grants import services as grant_services
from grants.models import GrantDocument
from groups import services as group_services
from groups.models import DocumentKind
from letters.models import LetterSeries
from reports import services as report_services
from reports.models import AccountabilityReport, ReminderLog
from reports.periods import Period
from tests.factories import (
    BusinessGroupFactory,
    MentoringVisitFactory,
    TrainingSessionFactory,
    UserFactory,
)
from tests.grants.money import eligible_group, open_program, ready_for_aid, record_transfer
from tests.reports.conftest import figures
from training import services as training_services
from training.models import Attendance

BASELINE = Path(__file__).with_name("query_counts.json")
TODAY = datetime.date(2026, 11, 26)
CW1, CW2 = Period(2026, 1), Period(2026, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

# Pages the test does not open, with the reason (still listed, so a new one is noticed).
NOT_OPENED = {
    "admin:view_on_site": "a redirect to the object's page",
    "admin:logout": "POST only",
    "admin:jsi18n": "static JavaScript catalogue",
    "set_language": "POST only",
}
# The admin's delete confirmations list every row the deletion would take with it
# (Django's collector), so they grow with the data by design.
DELETE_PAGES = "the admin's delete confirmation lists every related row"
# Who opens each page (province staff unless named here).
PERSONA = {
    "grants:tranche_queue": "approver",
    "grants:tranche_detail": "approver",
    "grants:tranche_queue_export": "approver",
    "grants:tranche_letter": "approver",
    "grants:tranche_request": "officer",
    "reports:report_create": "officer",
    "reports:report_update": "officer",
    "training:visit_create": "officer",
    "training:visit_update": "officer",
    "training:visit_photos_add": "officer",
    "accounts:login": "anonymous",
    "admin:login": "anonymous",
}


def url_patterns():
    """(name, pattern) of every named URL, namespaces joined with ':'."""

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                yield namespace + pattern.name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver(), "", "")))


class World:
    """The data the pages show; `grow(n)` adds n more of everything."""

    def __init__(self, staff, approver, officer, head):
        self.staff, self.approver, self.officer, self.head = staff, approver, officer, head
        self.program = open_program(total_budget=10**12, tranche_needs_report=False)
        self.program.quotas.update(group_count=1000)
        self.in_kind = open_program(
            name="Bantuan Alat Usaha", aid_form="in_kind", total_budget=10**12
        )
        self.in_kind.quotas.update(group_count=1000)
        self.first = {}
        AuthGroup.objects.create(name="Pembaca")
        LetterSeries.objects.order_by("pk").first().save()  # a version in its history
        # a row for each admin page of the login libraries' models
        address = {"ip_address": "203.0.113.7", "user_agent": "Chromium", "path_info": "/"}
        AccessAttempt.objects.create(username="rina", failures_since_start=1, **address)
        AccessLog.objects.create(username="rina", **address)
        AccessFailureLog.objects.create(username="rina", locked_out=False, **address)
        TOTPDevice.objects.create(user=staff, name="Ponsel", confirmed=True)
        StaticDevice.objects.create(user=staff, name="Kode pemulihan", confirmed=True)
        group_services.reserve_registration_numbers(regency_id="64.01", year=2026, count=1)

    def keep(self, **objects):
        for name, obj in objects.items():
            self.first.setdefault(name, obj)

    def grow(self, n):
        for _ in range(n):
            self.unit()

    def unit(self):
        staff, officer = self.staff, self.officer
        group = eligible_group()
        grant = grant_services.grant_award(program=self.program, group=group, by=staff)
        grant = record_transfer(
            grant=grant, by=staff, transferred_on=datetime.date(2026, 3, 2), reference="TRF"
        )
        tranche = grant_services.tranche_approve(  # its letter
            tranche=grant_services.tranche_request(
                grant=grant, amount=1_000_000, purpose="Bahan baku", by=officer
            ),
            by=self.approver,
        )
        tranche = grant_services.tranche_mark_withdrawn(  # its spending to account for
            tranche=tranche, by=officer, withdrawn_on=TODAY, reference="TRX"
        )
        line = grant_services.spending_line_add(
            report=tranche.spending,
            by=officer,
            item="Tepung tapioka",
            quantity=10,
            unit="kg",
            amount=500_000,
            spent_on=TODAY,
            supplier="Toko Sumber Rezeki",
            receipt=SimpleUploadedFile("nota.png", PNG, content_type="image/png"),
        )
        waiting = grant_services.tranche_request(  # one waiting in the queue
            grant=grant, amount=1_000_000, purpose="Alat", by=officer
        )
        for period, revenue in ((CW1, 10_000_000), (CW2, 12_000_000)):  # a revenue change
            accepted = report_services.report_create(
                grant=grant, period=period, data=figures(revenue), by=officer
            )
            report_services.report_submit(report=accepted, by=officer)
            report_services.report_accept(report=accepted, by=self.head)
        other = record_transfer(
            grant=grant_services.grant_award(
                program=self.program, group=eligible_group(), by=staff
            ),
            by=staff,
            transferred_on=datetime.date(2026, 3, 2),
            reference="TRF",
        )
        submitted = report_services.report_create(
            grant=other, period=CW2, data=figures(9_000_000), by=officer
        )
        report_services.report_submit(report=submitted, by=officer)
        draft = report_services.report_create(
            grant=other, period=CW1, data=figures(8_000_000), by=officer
        )
        ReminderLog.objects.create(
            recipient=officer, grant=other, year=2026, term=1, kind=ReminderLog.Kind.OVERDUE
        )
        in_kind = ready_for_aid(
            grant_services.grant_award(
                program=self.in_kind, group=eligible_group(), by=staff, amount=1_000_000
            ),
            staff,
        )
        handover = grant_services.handover_issue(
            grant=in_kind,
            items=[{"name": "Mesin jahit", "quantity": 1, "unit": "unit", "unit_value": 1_000_000}],
            official=staff,
            by=staff,
            handed_over_on=TODAY,
            place="Tanah Grogot",
        )
        lpj = AccountabilityReport.objects.create(
            group=other.group,
            grant=other,
            year=2026,
            statement="Dana digunakan sesuai rencana.",
            submitted_by=officer,
            submitted_at=timezone.now(),
        )
        proposed = BusinessGroupFactory(status="proposed")
        document = group_services.document_add(
            group=group,
            kind=DocumentKind.PROPOSAL,
            upload=SimpleUploadedFile("proposal.pdf", PDF, content_type="application/pdf"),
            by=staff,
        )
        session = TrainingSessionFactory(program=self.program, groups=[group])
        Attendance.objects.create(
            session=session, member=group.members.first(), present=True, recorded_by=staff
        )
        visit = MentoringVisitFactory(group=group, officer=officer)
        training_services.visit_photos_add(
            visit=visit,
            uploads=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")],
            by=officer,
        )
        self.keep(
            group=group,
            proposed=proposed,
            grant=grant,
            tranche=tranche,
            waiting=waiting,
            report=submitted,
            draft=draft,
            document=document,
            session=session,
            visit=visit,
            photo=visit.photos.first(),
            decree=grant.decree,
            agreement=grant.agreement,
            grant_document=GrantDocument.objects.order_by("pk").first(),
            spending=tranche.spending,
            line=line,
            handover=handover,
            lpj=lpj,
            lpj_group=other.group,
        )

    def kwargs(self, name, pattern):
        """The URL's arguments: the first object of the kind the page shows."""
        first = self.first
        objects = {
            "groups:group_detail": first["group"],
            "groups:group_update": first["proposed"],
            "groups:document_download": first["document"],
            "groups:member_identity": first["group"].members.first(),
            "grants:grant_detail": first["grant"],
            "grants:grant_summary_pdf": first["grant"],
            "grants:tranche_request": first["grant"],
            "grants:program_detail": self.program,
            "grants:program_open": self.program,
            "grants:program_update": self.program,
            "grants:program_close": self.program,
            "grants:grant_award": self.program,
            "grants:grant_award_bulk": self.program,
            "grants:grant_transfer": first["grant"],
            "grants:grant_cancel": first["grant"],
            "grants:grant_complete": first["grant"],
            "grants:tranche_detail": first["waiting"],
            "grants:tranche_approve": first["tranche"],
            "grants:tranche_reject": first["tranche"],
            "grants:tranche_cancel": first["tranche"],
            "grants:tranche_withdrawn": first["tranche"],
            "groups:group_verify": first["proposed"],
            "groups:group_mark_eligible": first["proposed"],
            "groups:group_reject": first["proposed"],
            "groups:group_deactivate": first["group"],
            "groups:document_upload": first["group"],
            "reports:report_submit": first["report"],
            "reports:report_accept": first["report"],
            "reports:report_return": first["report"],
            "grants:tranche_letter": first["tranche"],
            "training:session_detail": first["session"],
            "training:session_update": first["session"],
            "training:session_invite": first["session"],
            "training:attendance_record": first["session"],
            "training:attendance_pdf": first["session"],
            "training:attendance_xlsx": first["session"],
            "training:visit_detail": first["visit"],
            "training:visit_update": first["visit"],
            "training:visit_photos_add": first["visit"],
            "training:visit_photo": first["photo"],
            "reports:report_detail": first["report"],
            "reports:report_update": first["draft"],
            "reports:group_reports": first["group"],
            "reports:group_reports_export": first["group"],
            "reports:program_rekap_xlsx": self.program,
            "reports:program_recap_pdf": self.program,
            "grants:decree_detail": first["decree"],
            "grants:decree_attachment_pdf": first["decree"],
            "grants:decree_sign": first["decree"],
            "grants:decree_cancel": first["decree"],
            "grants:decree_prepare": self.program,
            "grants:agreement_issue": first["grant"],
            "grants:agreement_pdf": first["agreement"],
            "grants:agreement_sign": first["agreement"],
            "grants:agreement_cancel": first["agreement"],
            "grants:document_download": first["grant_document"],
            "grants:handover_issue": first["handover"].grant,
            "grants:handover_pdf": first["handover"],
            "grants:handover_sign": first["handover"],
            "grants:handover_cancel": first["handover"],
            "grants:spending_detail": first["spending"],
            "grants:spending_line_add": first["spending"],
            "grants:spending_submit": first["spending"],
            "grants:spending_accept": first["spending"],
            "grants:spending_return": first["spending"],
            "grants:spending_line_remove": first["line"],
            "reports:lpj_detail": first["lpj"],
            "reports:lpj_receive": first["lpj"],
            "reports:lpj_resubmit": first["lpj"],
            "reports:lpj_return": first["lpj"],
        }
        history = re.fullmatch(r"admin:(\w+?)_(\w+)_simple_history", name)
        if history:  # one past version of the first object (a regex pattern: positional)
            model = self.admin_model_named(history.group(1) + "_" + history.group(2))
            record = model.history.order_by("pk").first()
            assert record is not None, f"{name}: the world has no history of {model.__name__}"
            return [getattr(record, model._meta.pk.attname), record.history_id]
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        if not arguments:
            return {}
        if arguments == ["group_pk"]:
            return {"group_pk": first["group"].pk}
        if arguments == ["pk", "year"]:  # a group's LPJ of a year
            return {"pk": first["lpj_group"].pk, "year": 2026}
        if name in objects:
            return {arguments[0]: objects[name].pk}
        if name == "admin:auth_user_password_change":  # Django names it so for any user model
            return {"id": self.staff.pk}
        admin = re.fullmatch(r"admin:(\w+)_(change|history|delete)", name)
        if admin:
            model = self.admin_model_named(admin.group(1))
            obj = model._default_manager.order_by("pk").first()
            assert obj is not None, f"{name}: the world has no {model.__name__}"
            return {"object_id": obj.pk}
        if name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
            return {"pk": TOTPDevice.objects.order_by("pk").first().pk}
        if name == "admin:app_list":
            return {"app_label": "groups"}
        return None

    @staticmethod
    def admin_model_named(prefix):
        """The model whose admin URLs start with `prefix` ("otp_totp_totpdevice")."""
        for model in apps.get_models():
            if f"{model._meta.app_label}_{model._meta.model_name}" == prefix:
                return model
        raise LookupError(prefix)

    @staticmethod
    def admin_model(app_label, model_name):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.model_name == model_name:
                return model
        raise LookupError(f"{app_label}.{model_name}")

    def query(self, name):
        return {
            "reports:report_create": f"?grant={self.first['grant'].pk}&year=2026&term=3",
            # the district choices of a group's form in the admin
            "admin:autocomplete": "?app_label=groups&model_name=businessgroup"
            "&field_name=district&term=Tanah",
        }.get(name, "")


def count_queries(client, url) -> tuple[int, int]:
    ContentType.objects.clear_cache()  # every page counted cold, in either pass
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response.status_code, len(queries)


def visit_every_page(clients, world) -> dict[str, object]:
    counts = {}
    for name, pattern in url_patterns():
        if name in NOT_OPENED:
            counts[name] = f"not opened: {NOT_OPENED[name]}"
            continue
        if name.startswith("admin:") and name.endswith("_delete"):
            counts[name] = f"not opened: {DELETE_PAGES}"
            continue
        kwargs = world.kwargs(name, pattern)
        assert kwargs is not None, f"{name} ({pattern}): say which object the page shows"
        persona = PERSONA.get(name) or ("admin" if name.startswith("admin:") else "staff")
        if isinstance(kwargs, list):
            url = reverse(name, args=kwargs) + world.query(name)
        else:
            url = reverse(name, kwargs=kwargs) + world.query(name)
        status, queries = count_queries(clients[persona], url)
        if status == 405:
            counts[name] = "POST"
            continue
        if status == 403 and name.startswith("admin:"):  # an admin page turned off
            counts[name] = "403"
            continue
        if status == 302:  # a page that sends this persona elsewhere (two-factor steps)
            counts[name] = f"302 after {queries}"
            continue
        assert status == 200, f"{name} {url} as {persona}: {status}"
        counts[name] = queries
    return counts


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine, settings, tmp_path):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_every_page_runs_as_many_queries_with_more_data(
    kaltim, province_staff, approver, paser_officer, superuser
):
    head = UserFactory(username="yusuf", role=Role.REGENCY_HEAD, regency_id="64.01")
    clients = {"anonymous": Client()}
    for persona, user in {
        "staff": province_staff,
        "approver": approver,
        "officer": paser_officer,
        "admin": superuser,
    }.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    world = World(province_staff, approver, paser_officer, head)
    world.grow(1)
    small = visit_every_page(clients, world)
    world.grow(4)
    large = visit_every_page(clients, world)

    differ = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not differ, f"query counts that grow with the data (1 unit, 5 units): {differ}"
    if os.environ.get("UPDATE_QUERY_COUNTS"):
        BASELINE.write_text(json.dumps(small, indent=1, sort_keys=True) + "\n")
    baseline = json.loads(BASELINE.read_text())
    missing = sorted(set(small) - set(baseline))
    assert not missing, f"pages without a baseline in {BASELINE.name}: {missing}"
    changed = {
        name: (baseline[name], small[name]) for name in small if baseline[name] != small[name]
    }
    assert not changed, f"query counts that changed (baseline, now): {changed}"
    gone = sorted(set(baseline) - set(small))
    assert not gone, f"baseline entries of pages that no longer exist: {gone}"
