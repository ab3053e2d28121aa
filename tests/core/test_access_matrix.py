"""The access matrix: every named route of the URLconf, by GET and by POST, as an anonymous
visitor and as each role, against Kabupaten Paser's objects, answers what EXPECTED says.

The routes come from the URLconf (the admin's own site aside: it has its own permissions,
tests/*/test_admin.py), the objects from one Paser world built once (tests/core/
paser_world.py, the query-count world: one object of each kind, each route given the
object it shows). A POST carries no data and runs in a savepoint rolled back after it, so
that a transition that goes through changes nothing for the next request.

The table is the expectation, written out: one line per route and method, one answer per
user. The test fails when a route has no line (a new route must say who may use it), when
a line names no route or lacks an answer, and when an answer differs. A Berau officer
gets 404 from every Paser object (or 403 where the role itself may not act).
"""

import datetime
import os
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.core.paser_world import paser_world
from tests.core.test_query_counts import url_patterns

USERS = ("anonymous", "staff", "approver", "head", "officer", "berau", "superuser")
METHODS = ("GET", "POST")

# route method: anonymous, province staff, approver, Paser head, Paser officer, Berau
# officer, superuser (no role). 302 for anonymous is the way to the login page.
EXPECTED = """
# route                       method anon staff appr head offi berau super
accounts:login                GET    200  302  302  302  302  302  302
accounts:login                POST   200  302  302  302  302  302  302
accounts:logout               GET    302  405  405  405  405  405  405
accounts:logout               POST   302  302  302  302  302  302  302
accounts:password_change      GET    302  200  200  200  200  200  200
accounts:password_change      POST   302  200  200  200  200  200  200
accounts:password_change_done GET    302  200  200  200  200  200  200
accounts:password_change_done POST   302  405  405  405  405  405  405
accounts:recovery_codes       GET    302  200  302  302  302  302  302
accounts:recovery_codes       POST   302  302  302  302  302  302  302
accounts:two_factor_setup     GET    302  302  200  200  200  200  200
accounts:two_factor_setup     POST   302  302  200  200  200  200  200
accounts:two_factor_verify    GET    302  302  302  302  302  302  302
accounts:two_factor_verify    POST   302  302  302  302  302  302  302
audit:entry_list              GET    302  200  403  403  403  403  403
audit:entry_list              POST   302  405  405  405  405  405  405
audit:entry_list_export       GET    302  200  403  403  403  403  403
audit:entry_list_export       POST   302  405  405  405  405  405  405
core:home                     GET    302  200  200  200  200  200  200
core:home                     POST   302  200  200  200  200  200  200
grants:agreement_cancel       GET    302  405  405  405  405  405  405
grants:agreement_cancel       POST   302  302  403  403  403  404  403
grants:agreement_issue        GET    302  405  405  405  405  405  405
grants:agreement_issue        POST   302  302  403  403  403  404  403
grants:agreement_list         GET    302  200  200  200  200  200  403
grants:agreement_list         POST   302  405  405  405  405  405  405
grants:agreement_list_export  GET    302  200  200  200  200  200  403
grants:agreement_list_export  POST   302  405  405  405  405  405  405
grants:agreement_pdf          GET    302  200  200  200  200  404  403
grants:agreement_pdf          POST   302  405  405  405  405  405  405
grants:agreement_sign         GET    302  405  405  405  405  405  405
grants:agreement_sign         POST   302  302  403  403  302  404  403
grants:decree_attachment_pdf  GET    302  200  200  200  200  200  403
grants:decree_attachment_pdf  POST   302  405  405  405  405  405  405
grants:decree_cancel          GET    302  405  405  405  405  405  405
grants:decree_cancel          POST   302  302  403  403  403  403  403
grants:decree_detail          GET    302  200  200  200  200  200  403
grants:decree_detail          POST   302  405  405  405  405  405  405
grants:decree_list            GET    302  200  200  200  200  200  403
grants:decree_list            POST   302  405  405  405  405  405  405
grants:decree_list_export     GET    302  200  200  200  200  200  403
grants:decree_list_export     POST   302  405  405  405  405  405  405
grants:decree_prepare         GET    302  405  405  405  405  405  405
grants:decree_prepare         POST   302  302  403  403  403  403  403
grants:decree_sign            GET    302  405  405  405  405  405  405
grants:decree_sign            POST   302  302  403  403  403  403  403
grants:document_download      GET    302  200  200  200  200  404  403
grants:document_download      POST   302  405  405  405  405  405  405
grants:grant_award            GET    302  405  405  405  405  405  405
grants:grant_award            POST   302  404  403  403  403  403  403
grants:grant_award_bulk       GET    302  405  405  405  405  405  405
grants:grant_award_bulk       POST   302  404  403  403  403  403  403
grants:grant_cancel           GET    302  405  405  405  405  405  405
grants:grant_cancel           POST   302  302  403  403  403  404  403
grants:grant_complete         GET    302  405  405  405  405  405  405
grants:grant_complete         POST   302  302  403  403  403  404  403
grants:grant_detail           GET    302  200  200  200  200  404  403
grants:grant_detail           POST   302  200  200  200  200  404  403
grants:grant_list             GET    302  200  200  200  200  200  403
grants:grant_list             POST   302  200  200  200  200  200  403
grants:grant_list_export      GET    302  200  200  200  200  200  403
grants:grant_list_export      POST   302  405  405  405  405  405  405
grants:grant_summary_pdf      GET    302  200  200  200  200  404  403
grants:grant_summary_pdf      POST   302  405  405  405  405  405  405
grants:grant_transfer         GET    302  405  405  405  405  405  405
grants:grant_transfer         POST   302  302  403  403  403  404  403
grants:handover_cancel        GET    302  405  405  405  405  405  405
grants:handover_cancel        POST   302  302  403  403  403  404  403
grants:handover_issue         GET    302  302  403  403  403  404  403
grants:handover_issue         POST   302  302  403  403  403  404  403
grants:handover_list          GET    302  200  200  200  200  200  403
grants:handover_list          POST   302  405  405  405  405  405  405
grants:handover_list_export   GET    302  200  200  200  200  200  403
grants:handover_list_export   POST   302  405  405  405  405  405  405
grants:handover_pdf           GET    302  200  200  200  200  404  403
grants:handover_pdf           POST   302  405  405  405  405  405  405
grants:handover_sign          GET    302  405  405  405  405  405  405
grants:handover_sign          POST   302  302  403  403  302  404  403
grants:program_close          GET    302  405  405  405  405  405  405
grants:program_close          POST   302  302  403  403  403  403  302
grants:program_create         GET    302  200  403  403  403  403  200
grants:program_create         POST   302  200  403  403  403  403  200
grants:program_detail         GET    302  200  200  200  200  200  403
grants:program_detail         POST   302  200  200  200  200  200  403
grants:program_list           GET    302  200  200  200  200  200  403
grants:program_list           POST   302  200  200  200  200  200  403
grants:program_list_export    GET    302  200  200  200  200  200  403
grants:program_list_export    POST   302  405  405  405  405  405  405
grants:program_open           GET    302  405  405  405  405  405  405
grants:program_open           POST   302  302  403  403  403  403  302
grants:program_update         GET    302  200  403  403  403  403  200
grants:program_update         POST   302  200  403  403  403  403  200
grants:spending_accept        GET    302  405  405  405  405  405  405
grants:spending_accept        POST   302  302  403  302  403  404  403
grants:spending_detail        GET    302  200  200  200  200  404  403
grants:spending_detail        POST   302  405  405  405  405  405  405
grants:spending_line_add      GET    302  405  405  405  405  405  405
grants:spending_line_add      POST   302  403  403  403  302  404  403
grants:spending_line_remove   GET    302  405  405  405  405  405  405
grants:spending_line_remove   POST   302  403  403  403  302  404  403
grants:spending_list          GET    302  200  200  200  200  200  403
grants:spending_list          POST   302  405  405  405  405  405  405
grants:spending_list_export   GET    302  200  200  200  200  200  403
grants:spending_list_export   POST   302  405  405  405  405  405  405
grants:spending_return        GET    302  405  405  405  405  405  405
grants:spending_return        POST   302  302  403  302  403  404  403
grants:spending_submit        GET    302  405  405  405  405  405  405
grants:spending_submit        POST   302  403  403  403  302  404  403
grants:tranche_approve        GET    302  405  405  405  405  405  405
grants:tranche_approve        POST   302  403  302  403  403  404  403
grants:tranche_cancel         GET    302  405  405  405  405  405  405
grants:tranche_cancel         POST   302  403  403  403  302  404  403
grants:tranche_detail         GET    302  200  200  200  200  404  403
grants:tranche_detail         POST   302  405  405  405  405  405  405
grants:tranche_letter         GET    302  200  200  200  200  404  403
grants:tranche_letter         POST   302  405  405  405  405  405  405
grants:tranche_queue          GET    302  200  200  403  403  403  403
grants:tranche_queue          POST   302  200  200  403  403  403  403
grants:tranche_queue_export   GET    302  200  200  403  403  403  403
grants:tranche_queue_export   POST   302  405  405  405  405  405  405
grants:tranche_reject         GET    302  405  405  405  405  405  405
grants:tranche_reject         POST   302  403  302  403  403  404  403
grants:tranche_request        GET    302  403  403  403  200  404  403
grants:tranche_request        POST   302  403  403  403  200  404  403
grants:tranche_withdrawn      GET    302  405  405  405  405  405  405
grants:tranche_withdrawn      POST   302  302  403  403  302  404  403
groups:document_download      GET    302  200  200  200  200  404  200
groups:document_download      POST   302  200  200  200  200  404  200
groups:document_upload        GET    302  405  405  405  405  405  405
groups:document_upload        POST   302  302  403  403  302  404  403
groups:group_create           GET    302  200  403  403  200  200  403
groups:group_create           POST   302  200  403  403  200  200  403
groups:group_deactivate       GET    302  405  405  405  405  405  405
groups:group_deactivate       POST   302  302  403  403  403  404  403
groups:group_detail           GET    302  200  200  200  200  404  403
groups:group_detail           POST   302  200  200  200  200  404  403
groups:group_export           GET    302  200  200  200  200  200  403
groups:group_export           POST   302  405  405  405  405  405  405
groups:group_import           GET    302  200  403  403  403  403  403
groups:group_import           POST   302  200  403  403  403  403  403
groups:group_import_template  GET    302  200  200  200  200  200  403
groups:group_import_template  POST   302  405  405  405  405  405  405
groups:group_list             GET    302  200  200  200  200  200  403
groups:group_list             POST   302  200  200  200  200  200  403
groups:group_mark_eligible    GET    302  405  405  405  405  405  405
groups:group_mark_eligible    POST   302  302  403  403  403  404  403
groups:group_reject           GET    302  405  405  405  405  405  405
groups:group_reject           POST   302  302  403  403  403  404  403
groups:group_update           GET    302  200  403  403  200  404  403
groups:group_update           POST   302  200  403  403  200  404  403
groups:group_verify           GET    302  405  405  405  405  405  405
groups:group_verify           POST   302  302  403  403  403  404  403
groups:member_identity        GET    302  405  405  405  405  405  405
groups:member_identity        POST   302  200  403  403  200  404  403
healthz                       GET    200  200  200  200  200  200  200
healthz                       POST   405  405  405  405  405  405  405
letters:letter_list           GET    302  200  200  200  200  200  403
letters:letter_list           POST   302  405  405  405  405  405  405
letters:letter_list_export    GET    302  200  200  200  200  200  403
letters:letter_list_export    POST   302  405  405  405  405  405  405
reports:dashboard             GET    302  200  200  200  200  200  403
reports:dashboard             POST   302  405  405  405  405  405  405
reports:dashboard_export      GET    302  200  200  200  200  200  403
reports:dashboard_export      POST   302  405  405  405  405  405  405
reports:group_reports         GET    302  200  200  200  200  404  403
reports:group_reports         POST   302  200  200  200  200  404  403
reports:group_reports_export  GET    302  200  200  200  200  404  403
reports:group_reports_export  POST   302  405  405  405  405  405  405
reports:lpj_detail            GET    302  302  302  302  302  404  302
reports:lpj_detail            POST   302  405  405  405  405  405  405
reports:lpj_group             GET    302  200  200  200  200  404  403
reports:lpj_group             POST   302  405  405  405  405  405  405
reports:lpj_list              GET    302  200  200  200  200  200  403
reports:lpj_list              POST   302  405  405  405  405  405  405
reports:lpj_list_export       GET    302  200  200  200  200  200  403
reports:lpj_list_export       POST   302  405  405  405  405  405  405
reports:lpj_pdf               GET    302  200  200  200  200  404  403
reports:lpj_pdf               POST   302  405  405  405  405  405  405
reports:lpj_receive           GET    302  405  405  405  405  405  405
reports:lpj_receive           POST   302  302  403  403  403  404  403
reports:lpj_resubmit          GET    302  405  405  405  405  405  405
reports:lpj_resubmit          POST   302  403  403  403  302  404  403
reports:lpj_return            GET    302  405  405  405  405  405  405
reports:lpj_return            POST   302  302  403  403  403  404  403
reports:lpj_submit            GET    302  405  405  405  405  405  405
reports:lpj_submit            POST   302  403  403  403  302  404  403
reports:overdue               GET    302  200  200  200  200  200  403
reports:overdue               POST   302  200  200  200  200  200  403
reports:overdue_export        GET    302  200  200  200  200  200  403
reports:overdue_export        POST   302  405  405  405  405  405  405
reports:program_recap_pdf     GET    302  200  200  200  200  200  403
reports:program_recap_pdf     POST   302  405  405  405  405  405  405
reports:program_rekap_xlsx    GET    302  200  200  200  200  200  403
reports:program_rekap_xlsx    POST   302  405  405  405  405  405  405
reports:report_accept         GET    302  405  405  405  405  405  405
reports:report_accept         POST   302  302  403  302  403  404  403
reports:report_create         GET    302  403  403  403  200  404  403
reports:report_create         POST   302  403  403  403  200  404  403
reports:report_detail         GET    302  200  200  200  200  404  403
reports:report_detail         POST   302  200  200  200  200  404  403
reports:report_return         GET    302  405  405  405  405  405  405
reports:report_return         POST   302  302  403  302  403  404  403
reports:report_submit         GET    302  405  405  405  405  405  405
reports:report_submit         POST   302  403  403  403  302  404  403
reports:report_update         GET    302  403  403  403  200  404  403
reports:report_update         POST   302  403  403  403  200  404  403
reports:review_queue          GET    302  200  403  200  403  403  403
reports:review_queue          POST   302  200  403  200  403  403  403
reports:review_queue_export   GET    302  200  403  200  403  403  403
reports:review_queue_export   POST   302  405  405  405  405  405  405
set_language                  GET    405  405  405  405  405  405  405
set_language                  POST   302  302  302  302  302  302  302
training:attendance_pdf       GET    302  200  200  200  200  404  403
training:attendance_pdf       POST   302  405  405  405  405  405  405
training:attendance_record    GET    302  405  405  405  405  405  405
training:attendance_record    POST   302  302  403  403  302  404  403
training:attendance_xlsx      GET    302  200  200  200  200  404  403
training:attendance_xlsx      POST   302  405  405  405  405  405  405
training:coverage             GET    302  200  200  200  200  200  403
training:coverage             POST   302  200  200  200  200  200  403
training:coverage_export      GET    302  200  200  200  200  200  403
training:coverage_export      POST   302  405  405  405  405  405  405
training:session_create       GET    302  200  403  403  200  200  403
training:session_create       POST   302  200  403  403  200  200  403
training:session_detail       GET    302  200  200  200  200  404  403
training:session_detail       POST   302  200  200  200  200  404  403
training:session_invite       GET    302  200  403  403  200  404  403
training:session_invite       POST   302  200  403  403  200  404  403
training:session_list         GET    302  200  200  200  200  200  403
training:session_list         POST   302  200  200  200  200  200  403
training:session_list_export  GET    302  200  200  200  200  200  403
training:session_list_export  POST   302  405  405  405  405  405  405
training:session_update       GET    302  200  403  403  200  404  403
training:session_update       POST   302  200  403  403  200  404  403
training:visit_create         GET    302  403  403  403  200  404  403
training:visit_create         POST   302  403  403  403  200  404  403
training:visit_detail         GET    302  200  200  200  200  404  403
training:visit_detail         POST   302  200  200  200  200  404  403
training:visit_list           GET    302  200  200  200  200  200  403
training:visit_list           POST   302  200  200  200  200  200  403
training:visit_list_export    GET    302  200  200  200  200  200  403
training:visit_list_export    POST   302  405  405  405  405  405  405
training:visit_photo          GET    302  200  200  200  200  404  200
training:visit_photo          POST   302  405  405  405  405  405  405
training:visit_photos_add     GET    302  405  405  405  405  405  405
training:visit_photos_add     POST   302  403  403  403  302  404  403
training:visit_update         GET    302  403  403  403  200  404  403
training:visit_update         POST   302  403  403  403  200  404  403
"""

PROVINCE_WIDE = {
    "grants:program_detail",
    "grants:decree_detail",
    "grants:decree_attachment_pdf",
    "reports:program_recap_pdf",
    "reports:program_rekap_xlsx",
}


def parse(table: str) -> tuple[dict[tuple[str, str], tuple[int, ...]], list[str]]:
    """{(route, method): answers} and the lines that are not a route, a method and one
    answer per user."""
    expected, malformed = {}, []
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = line.split()
        if len(words) != 2 + len(USERS) or words[1] not in METHODS:
            malformed.append(line)
            continue
        try:
            expected[(words[0], words[1])] = tuple(int(word) for word in words[2:])
        except ValueError:
            malformed.append(line)
    return expected, malformed


def routes() -> list[tuple[str, str]]:
    return [(name, pattern) for name, pattern in url_patterns() if not name.startswith("admin:")]


def table_problems(table: str, names: list[str]) -> list[str]:
    """What is wrong with the table itself, before any request: routes without their
    lines, lines of no route, lines that lack an answer."""
    expected, malformed = parse(table)
    problems = [f"not a line of the table: {line.strip()!r}" for line in malformed]
    for name in names:
        for method in METHODS:
            if (name, method) not in expected:
                problems.append(f"no expectation for {method} {name}")
    known = set(names)
    problems += [
        f"a line of no route: {name} {method}" for name, method in expected if name not in known
    ]
    return problems


def test_the_table_has_a_line_for_every_route_and_method():
    assert not table_problems(EXPECTED, [name for name, _ in routes()])


def test_a_removed_expectation_is_reported():
    """The table checks itself: take one line out and it says which route lost it."""
    lines = [line for line in EXPECTED.strip().splitlines() if line.strip()]
    removed = lines[len(lines) // 2]
    route, method = removed.split()[:2]
    shorter = "\n".join(line for line in lines if line != removed)
    names = [name for name, _ in routes()]
    assert table_problems(shorter, names) == [f"no expectation for {method} {route}"]
    # and a line that lost one user's answer
    cut = "\n".join(line.rsplit(maxsplit=1)[0] if line == removed else line for line in lines)
    assert len(table_problems(cut, names)) == 2  # the line, and its route's expectation
    # and a new route
    assert table_problems(EXPECTED, [*names, "grants:brand_new"]) == [
        "no expectation for GET grants:brand_new",
        "no expectation for POST grants:brand_new",
    ]


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine, settings, tmp_path):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path


def answer(client, method, url) -> int:
    if method == "GET":
        response = client.get(url)
    else:
        with transaction.atomic():
            response = client.post(url)
            transaction.set_rollback(True)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.django_db
def test_every_route_answers_each_user_as_the_table_says(
    kaltim, province_staff, approver, paser_officer, paser_head, berau_officer, superuser
):
    world = paser_world(
        staff=province_staff, approver=approver, officer=paser_officer, head=paser_head
    )
    users = {
        "staff": province_staff,
        "approver": approver,
        "head": paser_head,
        "officer": paser_officer,
        "berau": berau_officer,
        "superuser": superuser,
    }
    clients = {"anonymous": Client()}
    for persona, user in users.items():
        clients[persona] = Client()
        clients[persona].force_login(user)

    observed = {}
    for name, pattern in routes():
        kwargs = world.kwargs(name, pattern)
        assert kwargs is not None, f"{name}: the world gives no object for {pattern}"
        url = reverse(name, kwargs=kwargs) + world.query(name)
        for method in METHODS:
            codes = []
            for persona in USERS:
                codes.append(answer(clients[persona], method, url))
                if persona != "anonymous" and "_auth_user_id" not in clients[persona].session:
                    clients[persona].force_login(users[persona])  # after the logout route
            observed[(name, method)] = tuple(codes)

    if os.environ.get("PRINT_ACCESS_MATRIX"):
        width = max(len(name) for name, _ in observed)
        print()
        for (name, method), codes in observed.items():
            print(f"{name:<{width}} {method:<4} " + " ".join(f"{c:>3}" for c in codes))
    print(f"\naccess matrix: {len(observed) // 2} routes x 2 methods x {len(USERS)} users = "
          f"{len(observed) * len(USERS)} requests")  # fmt: skip

    expected, _malformed = parse(EXPECTED)
    differ = [
        f"{method} {name}: expected {expected.get((name, method))}, got {codes}"
        for (name, method), codes in observed.items()
        if expected.get((name, method)) != codes
    ]
    assert not differ, "\n".join(differ)
    # no user of another regency reads a Paser object (programmes and decrees are the
    # province's, seen by every regency)
    berau = USERS.index("berau")
    for (name, method), codes in observed.items():
        if name in PROVINCE_WIDE:
            continue
        if re.search(r"<(int:)?(pk|group_pk)>", dict(routes())[name]):
            assert codes[berau] in (302, 403, 404, 405), (name, method, codes)
