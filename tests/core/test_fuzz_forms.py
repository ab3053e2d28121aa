"""Hostile input through every form of the project, posted to its real view as the role
that uses it (property-based, with hypothesis): no answer is a server error, and a post that
is refused (any answer but a redirect, or a redirect with an error message) changes no
row.

The forms are found, not listed: every Form or ModelForm class defined in a `forms` module
of the project's apps (forms.py, excel_forms.py...). Each needs an entry in FORM_PAGES (the
page that shows it, and who uses it); a form without one fails the test, so a new form is
fuzzed from the day it is added.

For each form the test opens its page, finds the form in the page's context (inside a
formset too), takes every value the page's HTML would post (hidden tokens, management
forms, choices made), and replaces some of the form's own fields with generated values:
huge and negative numbers, 5,000 digits, unicode digits, very long strings, NUL, markup,
impossible and far dates, empty strings, lists, hostile files. Every example runs in a
savepoint rolled back after it, against one Paser world built once.

The number of examples per form comes from the hypothesis profile (FUZZ_PROFILE: "fuzz",
the default: 15 examples a form, the same ones every run, which keeps this module and the
workbook one within a minute on SQLite and CI deterministic; "fuzz-long": 200 new random
examples a form, to look for new failures); the count run per form is printed (`pytest -s`).
"""

import datetime
import importlib
import os
import pkgutil
import time
from html.parser import HTMLParser

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms.formsets import BaseFormSet
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.core.paser_world import paser_world

hypothesis_settings.register_profile(
    "fuzz",
    max_examples=15,
    derandomize=True,  # the same examples every run: CI fails only on a change of ours
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.register_profile(
    "fuzz-long",
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = os.environ.get("FUZZ_PROFILE", "fuzz")

PROJECT_APPS = ("accounts", "core", "audit", "regions", "letters", "groups", "grants")
PROJECT_APPS += ("reports", "training", "demo")

# Where each form is used: (who, route, the world's object in the URL or None, query).
# "staff" province staff, "officer" the Paser regency officer, "approver", "head" the head
# of the Paser office, "anonymous".
FORM_PAGES = {
    "accounts.forms.LoginForm": ("anonymous", "accounts:login", None, ""),
    "accounts.forms.CodeForm": ("staff", "accounts:two_factor_verify", None, ""),
    "grants.forms.TrancheRequestForm": ("officer", "grants:tranche_request", "to_request", ""),
    "grants.forms.TransferForm": ("staff", "grants:grant_transfer", "to_transfer", ""),
    "grants.forms.WithdrawalForm": ("officer", "grants:tranche_withdrawn", "approved", ""),
    "grants.forms.DecisionNoteForm": ("approver", "grants:tranche_reject", "tranche", ""),
    "grants.forms.BulkAwardForm": ("staff", "grants:grant_award_bulk", "program", ""),
    "grants.forms.AwardForm": ("staff", "grants:grant_award", "program", ""),
    "grants.forms.ProgramForm": ("staff", "grants:program_create", None, ""),
    "grants.forms.QuotaForm": ("staff", "grants:program_update", "program", ""),
    "grants.forms.DecreePrepareForm": ("staff", "grants:decree_prepare", "program", ""),
    "grants.forms.DecreeSignForm": ("staff", "grants:decree_sign", "draft_decree", ""),
    "grants.forms.AgreementIssueForm": ("staff", "grants:agreement_issue", "to_issue", ""),
    "grants.forms.UploadForm": ("staff", "grants:handover_sign", "handover", ""),
    "grants.forms.ScanForm": ("staff", "grants:agreement_sign", "to_sign", ""),
    "grants.forms.HandoverForm": ("staff", "grants:handover_issue", "in_kind", ""),
    "grants.forms.HandoverItemForm": ("staff", "grants:handover_issue", "in_kind", ""),
    "grants.forms.SpendingLineForm": ("officer", "grants:spending_line_add", "spending", ""),
    "groups.forms.GroupForm": ("staff", "groups:group_create", None, ""),
    "groups.forms.MemberForm": ("staff", "groups:group_update", "proposed", ""),
    "groups.forms.ReasonForm": ("staff", "groups:group_reject", "proposed", ""),
    "groups.forms.DocumentForm": ("staff", "groups:document_upload", "group", ""),
    "groups.excel_forms.ImportUploadForm": ("staff", "groups:group_import", None, ""),
    "groups.excel_forms.ImportConfirmForm": ("staff", "groups:group_import", None, ""),
    "reports.forms.ReportForm": ("officer", "reports:report_create", None, "report"),
    "training.forms.SessionForm": ("staff", "training:session_create", None, ""),
    "training.forms.InviteForm": ("staff", "training:session_invite", "session", ""),
    "training.forms.AttendanceForm": ("staff", "training:attendance_record", "session", ""),
    "training.forms.VisitForm": ("officer", "training:visit_create", "group", ""),
    "training.forms.PhotoForm": ("officer", "training:visit_photos_add", "visit", ""),
}
# The list each filter set narrows, and who reads it.
FILTER_PAGES = {
    "audit.filters.AuditEntryFilter": ("staff", "audit:entry_list"),
    "grants.filters.GrantFilter": ("staff", "grants:grant_list"),
    "grants.filters.TrancheQueueFilter": ("approver", "grants:tranche_queue"),
    "grants.filters.DecreeFilter": ("staff", "grants:decree_list"),
    "grants.filters.AgreementFilter": ("staff", "grants:agreement_list"),
    "grants.filters.HandoverFilter": ("staff", "grants:handover_list"),
    "grants.filters.SpendingFilter": ("staff", "grants:spending_list"),
    "groups.filters.GroupFilter": ("staff", "groups:group_list"),
    "letters.filters.LetterFilter": ("staff", "letters:letter_list"),
    "reports.filters.OverdueFilter": ("staff", "reports:overdue"),
    "reports.filters.ReviewQueueFilter": ("head", "reports:review_queue"),
    "reports.filters.LpjFilter": ("staff", "reports:lpj_list"),
    "training.filters.SessionFilter": ("staff", "training:session_list"),
    "training.filters.VisitFilter": ("staff", "training:visit_list"),
}
# Forms whose page is slow to render (every village of the province in a select) run fewer
# examples than the profile's.
FEWER_EXAMPLES = {"groups.forms.GroupForm": 8, "groups.forms.MemberForm": 8}
# Settings a form's page needs (the second login step is asked only where it is required).
FORM_SETTINGS = {"accounts.forms.CodeForm": {"TWO_FACTOR_REQUIRED_ROLES": ["province_staff"]}}
# Tables that record what happened rather than hold data: a refused post may add to them.
LOG_TABLES = ("audit_", "axes_", "django_session")


def project_classes(suffix: str, base: type) -> dict[str, type]:
    """Every subclass of `base` defined in a module of the project's apps whose name is
    `suffix` or ends with `_suffix` (forms.py, excel_forms.py...)."""
    found = {}
    for label in PROJECT_APPS:
        package = apps.get_app_config(label).module
        for info in pkgutil.iter_modules(package.__path__):
            if not (info.name == suffix or info.name.endswith(f"_{suffix}")):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, base)
                    and value.__module__ == module.__name__
                ):
                    found[f"{module.__name__}.{value.__name__}"] = value
    return dict(sorted(found.items()))


FORMS = project_classes("forms", forms.BaseForm)
FILTERS = project_classes("filters", django_filters.FilterSet)


def test_every_form_is_found_and_has_its_page():
    assert len(FORMS) >= 25
    assert not sorted(set(FORMS) - set(FORM_PAGES)), "forms without a page in FORM_PAGES"
    assert not sorted(set(FORM_PAGES) - set(FORMS)), "FORM_PAGES entries of no form"
    assert len(FILTERS) >= 10
    assert not sorted(set(FILTERS) - set(FILTER_PAGES)), "filters without their list"
    assert not sorted(set(FILTER_PAGES) - set(FILTERS)), "FILTER_PAGES entries of no filter"


# --- the page's own values ------------------------------------------------------------


class PostedValues(HTMLParser):
    """What a browser would post from the page's POST forms aimed at `action`: inputs
    (checked boxes only), selected options, textareas."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.values = action, False, []
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            target = attrs.get("action") or self.action
            self.inside = method == "post" and target.split("?")[0] == self.action
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.values.append((self.textarea, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.values and self.values[-1][0] == self.textarea:
            self.values[-1] = (self.textarea, self.values[-1][1] + data)


def page_values(html: str, action: str) -> dict[str, list[str]]:
    parser = PostedValues(action)
    parser.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in parser.values:
        values.setdefault(name, []).append(value)
    return values


def forms_in(context, form_class) -> list[forms.BaseForm]:
    """Instances of `form_class` in a page's context, those inside formsets included (a
    model formset's forms are of a subclass made by its factory)."""
    found = []
    for value in context.flatten().values() if context else ():
        candidates = [value]
        if isinstance(value, BaseFormSet):
            candidates = list(value.forms)
        found += [c for c in candidates if isinstance(c, form_class)]
    return found


def target_fields(response, form_class) -> dict[str, forms.Field]:
    """The HTML names of the form's fields on the page (the class's own fields when the page
    shows the form only at a later step)."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        instances = forms_in(context, form_class)
        if instances:
            return {
                instance.add_prefix(name): field
                for instance in instances
                for name, field in instance.fields.items()
            }
    return dict(form_class.base_fields)


# --- hostile values ---------------------------------------------------------------------

NUMBERS = [
    "9" * 5000,
    "-" + "9" * 30,
    "99999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "32768",
    "-1",
    "0",
    "1e308",
    "NaN",
    "inf",
    "١٢٣",  # Arabic-Indic digits
    "\uff11\uff12\uff13",  # full-width digits
    "Rp 9.999.999.999.999.999",
    "12.500.000",
    "1,5",
]
DATES = [
    "01/01/0001",
    "31/12/9999",
    "0001-01-01",
    "9999-12-31",
    "00/00/0000",
    "31/02/2026",
    "29/02/2023",
    "32/13/2026",
    "1/1/1",
    "26/11/2026",
    "27/11/2026",
    "01/01/1900",
]
TEXTS = ["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 100_000]
TEXTS += ["=1+1", "\u202e", "😀" * 500, "../../etc/passwd", "None", "[]", "{}"]


def day_text(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


SCALAR = st.one_of(
    st.sampled_from(NUMBERS + DATES + TEXTS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.dates().map(day_text),
    st.text(max_size=300),
)


@st.composite
def hostile_file(draw):
    content = draw(
        st.one_of(
            st.binary(max_size=2048),
            st.sampled_from(
                [
                    b"",
                    b"%PDF-1.4\n",
                    b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                    b"PK\x03\x04" + b"\0" * 64,
                    b"<html><script>alert(1)</script></html>",
                ]
            ),
        )
    )
    name = draw(
        st.sampled_from(
            ["nota.pdf", "foto.png", "kelompok.xlsx", "a" * 300 + ".pdf", "nota.pdf.exe", ".png"]
        )
    )
    return SimpleUploadedFile(name, content)


@st.composite
def hostile_post(draw, fields: dict[str, forms.Field]):
    """Generated values for some of the form's fields (the rest keep the page's own)."""
    chosen = draw(
        st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=len(fields), unique=True)
    )
    values = {}
    for name in chosen:
        if isinstance(fields[name], forms.FileField):
            values[name] = draw(st.one_of(hostile_file(), st.just("")))
        else:
            values[name] = draw(st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=4)))
    return values


# --- the test ---------------------------------------------------------------------------


def row_counts() -> tuple[int, ...]:
    """The number of rows of every data table (history tables included, so that an update
    of a tracked row counts too), in one query."""
    tables = sorted(
        name for name in connection.introspection.table_names() if not name.startswith(LOG_TABLES)
    )
    sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine, settings, tmp_path):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(kaltim, province_staff, approver, paser_officer, paser_head):
    return paser_world(
        staff=province_staff, approver=approver, officer=paser_officer, head=paser_head
    )


@pytest.fixture
def clients(province_staff, approver, paser_officer, paser_head):
    clients = {"anonymous": Client()}
    for persona, user in {
        "staff": province_staff,
        "approver": approver,
        "officer": paser_officer,
        "head": paser_head,
    }.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    return clients


def page_url(world, name) -> tuple[str, object]:
    _persona, route, obj, query = FORM_PAGES[name]
    target = world.program if obj == "program" else world.first.get(obj)
    url = reverse(route, args=[target.pk] if target else [])
    if query == "report":
        url += f"?grant={world.first['grant'].pk}&year=2026&term=3"
    return url, target


def fuzz_form(name, form_class, world, client) -> dict:
    url, target = page_url(world, name)
    page = client.get(url)
    if page.status_code == 405:  # a POST-only step: its form is on the object's page
        shown_on = target if hasattr(target, "get_absolute_url") else target.grant
        page = client.get(shown_on.get_absolute_url())
    assert page.status_code == 200, f"{name}: GET {url} answers {page.status_code}"
    fields = target_fields(page, form_class)
    defaults = page_values(page.content.decode(), url.split("?")[0])
    tally = {"examples": 0, "refused": 0, "accepted": 0, "seconds": time.perf_counter()}

    profile = hypothesis_settings.get_profile(PROFILE)
    examples = min(profile.max_examples, FEWER_EXAMPLES.get(name, profile.max_examples))

    @hypothesis_settings(profile, max_examples=examples)
    @given(values=hostile_post(fields))
    def post(values):
        tally["examples"] += 1
        data = {**defaults, **values}
        for upload in values.values():
            if hasattr(upload, "seek"):
                upload.seek(0)
        client.cookies.pop("messages", None)  # only this answer's messages
        with transaction.atomic():
            before = row_counts()
            response = client.post(url, data)
            assert response.status_code < 500, (name, response.status_code)
            refusals = [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
            if response.status_code in (301, 302, 303) and not refusals:
                tally["accepted"] += 1
            else:
                tally["refused"] += 1
                assert row_counts() == before, f"{name}: a refused post changed rows"
            transaction.set_rollback(True)

    post()
    tally["seconds"] = time.perf_counter() - tally["seconds"]
    return tally


@pytest.mark.django_db
def test_hostile_posts_to_every_form_answer_without_a_server_error(world, clients):
    figures = {}
    for name, form_class in FORMS.items():
        persona = FORM_PAGES[name][0]
        with override_settings(**FORM_SETTINGS.get(name, {})):
            figures[name] = fuzz_form(name, form_class, world, clients[persona])
    width = max(map(len, figures))
    print(f"\nhypothesis profile {PROFILE!r}, {django_settings.DATABASES['default']['ENGINE']}")
    for name, tally in figures.items():
        print(
            f"{name:<{width}}  {tally['examples']:>4} examples, "
            f"{tally['refused']:>4} refused, {tally['accepted']:>4} accepted, 0 server errors "
            f"({tally['seconds']:.1f} s)"
        )
    print(f"{'total':<{width}}  {sum(t['examples'] for t in figures.values()):>4} examples")
    profile = hypothesis_settings.get_profile(PROFILE)
    for name, tally in figures.items():
        minimum = min(profile.max_examples, FEWER_EXAMPLES.get(name, profile.max_examples))
        assert tally["examples"] >= minimum, (name, tally)


def fuzz_filter(name, filter_class, client) -> dict:
    url = reverse(FILTER_PAGES[name][1])
    keys = sorted([*filter_class.base_filters, "page", "sort", "per_page"])
    tally = {"examples": 0, "seconds": time.perf_counter()}
    for key in keys:  # the nastiest values in every parameter, whatever the draw
        for value in ("\x00", "9" * 5000, "-" + "9" * 20, "1e999", "NaN", "../"):
            response = client.get(url, {key: value})
            assert response.status_code < 500, (name, key, value[:20], response.status_code)

    @hypothesis_settings(hypothesis_settings.get_profile(PROFILE))
    @given(
        query=st.dictionaries(
            st.sampled_from(keys),
            st.one_of(SCALAR.filter(lambda v: len(v) < 6000), st.lists(SCALAR, max_size=3)),
            min_size=1,
        )
    )
    def get(query):
        tally["examples"] += 1
        response = client.get(url, query)
        assert response.status_code < 500, (name, response.status_code)

    get()
    tally["seconds"] = time.perf_counter() - tally["seconds"]
    return tally


@pytest.mark.django_db
def test_hostile_filters_of_every_list_answer_without_a_server_error(world, clients):
    """The lists' filter sets (GET forms) with the same values in their query strings:
    every parameter with the nastiest values, then generated query strings."""
    figures = {
        name: fuzz_filter(name, cls, clients[FILTER_PAGES[name][0]])
        for name, cls in FILTERS.items()
    }
    width = max(map(len, figures))
    print(f"\nhypothesis profile {PROFILE!r}, {django_settings.DATABASES['default']['ENGINE']}")
    for name, tally in figures.items():
        print(
            f"{name:<{width}}  {tally['examples']:>4} examples, 0 server errors "
            f"({tally['seconds']:.1f} s)"
        )
    minimum = hypothesis_settings.get_profile(PROFILE).max_examples
    assert all(tally["examples"] >= minimum for tally in figures.values()), figures
