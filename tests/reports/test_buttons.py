"""Every report action is offered on its page exactly when the service would accept it,
for every role (tests/contract.py)."""

import pytest
from django.urls import reverse

from reports import rules, services
from reports.periods import Period
from tests.contract import assert_contract
from tests.grants.money import open_program, transferred_grant
from tests.grants.test_buttons import contract
from tests.reports.conftest import figures

CW1, CW2, CW3 = Period(2026, 1), Period(2026, 2), Period(2026, 3)


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to("2026-11-26 10:00:00+08:00", tick=False)


@pytest.fixture
def reports(kaltim, province_staff, paser_officer, paser_head):
    """Reports of one Paser grant in every state."""
    grant = transferred_grant(open_program(), province_staff)

    def draft(period):
        return services.report_create(grant=grant, period=period, data=figures(1), by=paser_officer)

    def submit(report):
        return services.report_submit(report=report, by=paser_officer)

    accepted = services.report_accept(report=submit(draft(CW1)), by=paser_head)
    submitted = submit(draft(CW2))
    returned = services.report_return(report=submit(draft(CW3)), by=paser_head, reason="Cek")
    other = transferred_grant(open_program(name="Program kedua"), province_staff)
    drafted = services.report_create(grant=other, period=CW3, data=figures(1), by=paser_officer)
    return {
        "draft": drafted,
        "submitted": submitted,
        "returned": returned,
        "accepted": accepted,
        "grant": grant,
        "other": other,
    }


def _reports(reports):
    return {k: reports[k] for k in ("draft", "submitted", "returned", "accepted")}


def test_submit(client, everyone, reports):
    accepted = contract(
        client,
        everyone,
        _reports(reports),
        url_name="reports:report_submit",
        attempt=lambda report, user: services.report_submit(report=report, by=user),
    )
    assert accepted == {("paser_officer", "draft"), ("paser_officer", "returned")}


def test_edit(client, everyone, reports):
    accepted = contract(
        client,
        everyone,
        _reports(reports),
        url_name="reports:report_update",
        attempt=lambda report, user: services.report_update(
            report=report, data=figures(2), by=user
        ),
    )
    assert accepted == {("paser_officer", "draft"), ("paser_officer", "returned")}


@pytest.mark.parametrize("url_name", ["reports:report_accept", "reports:report_return"])
def test_review(client, everyone, reports, url_name):
    def review(report, user):
        if url_name.endswith("accept"):
            return services.report_accept(report=report, by=user)
        return services.report_return(report=report, by=user, reason="Angka tidak cocok")

    accepted = contract(client, everyone, _reports(reports), url_name=url_name, attempt=review)
    assert accepted == {("province_staff", "submitted"), ("paser_head", "submitted")}


def test_write_a_missing_report(client, everyone, reports):
    """The group's report page offers "Write" for a missing period exactly when the
    officer may create it (the other programme's grant owes catur wulan II)."""
    grant = reports["other"]
    page = reverse("reports:group_reports", args=[grant.group_id])
    query = f"?grant={grant.pk}&year=2026&term=2"
    accepted = set()
    for persona, user in everyone.items():
        if assert_contract(
            client,
            user,
            page_url=page,
            action_url=reverse("reports:report_create") + query,
            attempt=lambda user=user: services.report_create(
                grant=grant, period=CW2, data=figures(1), by=user
            ),
        ):
            accepted.add(persona)
    assert accepted == {"paser_officer"}


def test_the_review_queue_counts_what_the_rule_allows(everyone, reports):
    for user in everyone.values():
        for report in _reports(reports).values():
            assert bool(rules.report_review(report=report, user=user)) == (
                rules.reports_to_review(user).filter(pk=report.pk).exists()
            )
