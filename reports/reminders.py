"""Email reminders about progress reports that are due soon or late (send_report_reminders).

Who gets what, in one email per recipient and run:

- every active regency officer with an email address: the groups of their regency whose
  report is due within DUE_SOON_DAYS days (kind due_soon) or late (kind overdue);
- every active province staff member with an email address: the groups, per regency, whose
  report is more than ESCALATE_AFTER_DAYS days late (kind escalated).

A report is done once it is submitted or accepted; missing, draft or returned is not done.
The periods a group owes are the kept rows of reports.owed (those already due, plus the period
whose due date falls within the next DUE_SOON_DAYS days: with the default 15 days of grace,
the period that has just ended); each names the group's transferred or active grants that
owe it.

Never twice: each (recipient, grant, period, kind) reported gets a ReminderLog row, unique in
the database. In one transaction a run decides what is new and inserts its rows with
INSERT ... ON CONFLICT DO NOTHING RETURNING, which hands back only the rows this run inserted,
so two concurrent runs split the items between them instead of both sending them (on
PostgreSQL the second insert waits for the first transaction and then skips its rows; on
SQLite writers are serialised, and a run that loses the race fails before sending anything).
The emails are sent after the commit: a crash between the commit and the send loses those
reminders rather than repeating them ("at most once"). When the mail server refuses a message,
the rows of that message are deleted again so the next run retries it.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from accounts.roles import Role
from grants.models import TRANSFERRED_STATUSES, Grant, GrantStatus
from groups.models import BusinessGroup
from reports.models import (
    OwedReport,
    ReminderLog,
    ReportStatus,
)
from reports.owed import extend_owed_reports, last_due_index, owing_grants
from reports.periods import LpjYear, Period
from reports.selectors import OwedLpjs

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
ESCALATE_AFTER_DAYS = 30
REMINDED_GRANT_STATUSES = (GrantStatus.TRANSFERRED, GrantStatus.ACTIVE)
DONE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
Kind = ReminderLog.Kind

# (recipient_id, grant_id, year, term, kind): ReminderLog's unique key.
KEY_FIELDS = ("recipient", "grant", "year", "term", "kind")
INSERT_BATCH = 100  # rows per INSERT: 600 parameters, within any SQLite's limit


@dataclass(frozen=True)
class Outstanding:
    """A group's report for one period that is not done: one line of an email. A group with
    grants from two programmes owes one report, so it is one line logged for both grants."""

    group: object  # groups.BusinessGroup, with its regency
    period: Period | LpjYear  # a catur wulan's report, or the year's LPJ (term 0)
    grant_ids: tuple[int, ...]
    days_late: int  # 0 on the due date, negative before it

    @property
    def due(self) -> datetime.date:
        return self.period.due

    @property
    def officer_kind(self) -> str:
        return Kind.OVERDUE if self.days_late > 0 else Kind.DUE_SOON

    @property
    def escalated(self) -> bool:
        return self.days_late > ESCALATE_AFTER_DAYS


def _keys(recipient_id, item: Outstanding, kind: str) -> list[tuple]:
    period = item.period
    return [(recipient_id, grant_id, period.year, period.term, kind) for grant_id in item.grant_ids]


@dataclass(eq=False)
class Reminder:
    """One email: a recipient and the items that are new to them."""

    recipient: object  # accounts.User
    entries: list[tuple[Outstanding, str]]  # (item, kind)
    subject: str = ""
    body: str = ""
    logged: list[tuple] = field(default_factory=list)  # the log rows this run inserted

    @property
    def for_province(self) -> bool:
        return self.recipient.role == Role.PROVINCE_STAFF

    def log_keys(self) -> list[tuple]:
        return [key for item, kind in self.entries for key in _keys(self.recipient.pk, item, kind)]

    def keep(self, is_new) -> None:
        """Keep the entries with at least one key for which is_new(key) holds."""
        self.entries = [
            (item, kind)
            for item, kind in self.entries
            if any(is_new(key) for key in _keys(self.recipient.pk, item, kind))
        ]

    def message(self) -> EmailMessage:
        return EmailMessage(self.subject, self.body, to=[self.recipient.email])


@dataclass
class ReminderRun:
    today: datetime.date
    dry_run: bool
    reminders: list[Reminder] = field(default_factory=list)  # sent, or would be in a dry run
    failed: list[Reminder] = field(default_factory=list)  # refused by the mail server

    @property
    def emails(self) -> int:
        return len(self.reminders)

    @property
    def items(self) -> int:
        return sum(len(reminder.entries) for reminder in self.reminders)


def outstanding_reports(*, today: datetime.date) -> list[Outstanding]:
    """Reports of transferred or active grants that are late or due within DUE_SOON_DAYS:
    the kept rows of reports.owed (two queries), each with the grants that owe it."""
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    extend_owed_reports(today=today)
    rows = (
        OwedReport.objects.filter(period__lte=last_due_index(horizon))
        .select_related("group__regency")
        .order_by("group_id", "period")
    )
    owing = defaultdict(list)  # group -> [(period of the transfer, grant id)], by grant id
    for pk, group_id, transferred_on in (
        owing_grants()
        .filter(group_id__in=rows.values("group_id"))
        .order_by("pk")
        .values_list("pk", "group_id", "transferred_on")
    ):
        owing[group_id].append((Period.of(transferred_on).index, pk))
    items = []
    for row in rows:
        period = Period.from_index(row.period)
        items.append(
            Outstanding(
                group=row.group,
                period=period,
                grant_ids=tuple(pk for first, pk in owing[row.group_id] if first <= row.period),
                days_late=(today - period.due).days,
            )
        )
    return items


def outstanding_lpjs(*, today: datetime.date) -> list[Outstanding]:
    """Yearly accountability reports (LPJ, due 10 January) late or due within DUE_SOON_DAYS:
    neither submitted nor received (reports.selectors.OwedLpjs, the overdue page's rows), each
    with the grants of its group that cover the year (a completed grant still owes the LPJ
    of its last year). Three queries."""
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    rows = list(OwedLpjs(user=None, today=today, due_by=horizon))
    groups = BusinessGroup.objects.select_related("regency").in_bulk({row.group_id for row in rows})
    covering = defaultdict(list)  # group -> [(transferred_on, completed_on, grant id)]
    for pk, group_id, transferred_on, completed_on in (
        Grant.objects.filter(
            status__in=TRANSFERRED_STATUSES,
            transferred_on__isnull=False,
            group_id__in=list(groups),
        )
        .order_by("pk")
        .values_list("pk", "group_id", "transferred_on", "completed_on")
    ):
        covering[group_id].append((transferred_on, completed_on, pk))
    return [
        Outstanding(
            group=groups[row.group_id],
            period=row.year,
            grant_ids=tuple(
                pk
                for transferred_on, completed_on, pk in covering[row.group_id]
                if transferred_on <= row.year.end
                and (completed_on is None or completed_on >= row.year.start)
            ),
            days_late=row.days_late,
        )
        for row in rows
    ]


def _recipients():
    users = (
        get_user_model()
        .objects.filter(is_active=True, role__in=[Role.REGENCY_OFFICER, Role.PROVINCE_STAFF])
        .exclude(Q(email="") | Q(email__isnull=True))
        .select_related("regency")
        .order_by("pk")
    )
    return [u for u in users if u.role == Role.PROVINCE_STAFF or u.regency_id is not None]


def _candidates(today) -> list[Reminder]:
    """Per recipient, the items not yet logged for them (and that kind)."""
    items = outstanding_reports(today=today) + outstanding_lpjs(today=today)
    recipients = _recipients()
    logged = set(
        ReminderLog.objects.filter(
            recipient__in=[user.pk for user in recipients],
            grant__status__in=TRANSFERRED_STATUSES,
        ).values_list("recipient_id", "grant_id", "year", "term", "kind")
    )
    escalated = sorted(
        (item for item in items if item.escalated),
        key=lambda item: (item.group.regency_id, item.group.name, item.group.pk, item.due),
    )
    reminders = []
    for user in recipients:
        if user.role == Role.PROVINCE_STAFF:
            entries = [(item, Kind.ESCALATED) for item in escalated]
        else:
            entries = sorted(
                (
                    (item, item.officer_kind)
                    for item in items
                    if item.group.regency_id == user.regency_id
                ),
                key=lambda e: (e[1] != Kind.OVERDUE, e[0].group.name, e[0].group.pk, e[0].due),
            )
        reminder = Reminder(user, entries)
        reminder.keep(lambda key: key not in logged)
        if reminder.entries:
            reminders.append(reminder)
    return reminders


def _insert_log_rows(keys) -> set[tuple]:
    """Insert the ReminderLog rows that do not exist yet; return the keys of those inserted.

    INSERT ... ON CONFLICT DO NOTHING RETURNING (PostgreSQL, SQLite >= 3.35) returns only the
    rows this statement inserted: a row another run inserted first is skipped, and on
    PostgreSQL the statement waits for that run's transaction to end before deciding. The
    rows go in sorted order so that two runs take the same locks in the same order.
    (bulk_create(ignore_conflicts=True) cannot say which rows it inserted.)
    """
    opts = ReminderLog._meta
    quote = connection.ops.quote_name
    key_columns = ", ".join(quote(opts.get_field(name).column) for name in KEY_FIELDS)
    sent_at_field = opts.get_field("sent_at")
    sent_at = sent_at_field.get_db_prep_value(timezone.now(), connection)
    keys = sorted(set(keys))
    inserted = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), INSERT_BATCH):
            batch = keys[start : start + INSERT_BATCH]
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({key_columns}, "
                f"{quote(sent_at_field.column)}) VALUES {rows} "
                f"ON CONFLICT ({key_columns}) DO NOTHING RETURNING {key_columns}",
                [value for key in batch for value in (*key, sent_at)],
            )
            inserted.update(tuple(row) for row in cursor.fetchall())
    return inserted


def _line(item: Outstanding) -> dict:
    return {
        "name": item.group.name,
        "registration_number": item.group.registration_number,
        "period": str(item.period),
        "due": formats.date_format(item.due),
        "days": abs(item.days_late),
    }


def _render(reminder: Reminder, today) -> None:
    """Subject and body in Indonesian, from templates/reports/email/."""
    with translation.override("id"):
        context = {
            "recipient": reminder.recipient.get_full_name() or reminder.recipient.username,
            "today": formats.date_format(today),
            "count": len(reminder.entries),
            "has_lpj": any(isinstance(item.period, LpjYear) for item, _k in reminder.entries),
            "due_soon_days": DUE_SOON_DAYS,
            "escalate_after_days": ESCALATE_AFTER_DAYS,
        }
        if reminder.for_province:
            template = "reports/email/escalated"
            regencies = defaultdict(list)
            for item, _kind in reminder.entries:
                regencies[item.group.regency.name].append(_line(item))
            context["regencies"] = list(regencies.items())
        else:
            template = "reports/email/officer"
            context["regency"] = reminder.recipient.regency.name
            context["overdue"] = [_line(i) for i, k in reminder.entries if k == Kind.OVERDUE]
            context["due_soon"] = [_line(i) for i, k in reminder.entries if k == Kind.DUE_SOON]
        subject = render_to_string(f"{template}_subject.txt", context)
        reminder.subject = " ".join(subject.split())
        reminder.body = render_to_string(f"{template}_body.txt", context)


def _send(reminders) -> list[Reminder]:
    """Send each email on one connection to the default mailer; return those refused."""
    sent = []
    try:
        with mailers.default as mailer:
            for reminder in reminders:
                try:
                    mailer.send_messages([reminder.message()])
                except Exception:
                    logger.exception("Reminder to %s not sent", reminder.recipient.email)
                else:
                    sent.append(reminder)
    except Exception:  # opening or closing the connection
        logger.exception("The mail server could not be reached")
    return [reminder for reminder in reminders if reminder not in sent]  # by identity


def _release(reminders) -> None:
    """Delete the log rows of emails that were not sent, so the next run tries again."""
    condition = Q()
    for reminder in reminders:
        for recipient_id, grant_id, year, term, kind in reminder.logged:
            condition |= Q(
                recipient_id=recipient_id, grant_id=grant_id, year=year, term=term, kind=kind
            )
    if condition:
        ReminderLog.objects.filter(condition).delete()


def send_report_reminders(*, today=None, dry_run=False) -> ReminderRun:
    """Email each recipient the items new to them, and log them so no run repeats one.

    Call outside a transaction: the emails go after the log rows are committed. A dry run
    renders what would be sent, and neither logs nor sends anything.
    """
    today = today or timezone.localdate()
    run = ReminderRun(today=today, dry_run=dry_run)
    if dry_run:
        run.reminders = _candidates(today)
        for reminder in run.reminders:
            _render(reminder, today)
        return run
    with transaction.atomic():
        candidates = _candidates(today)
        inserted = _insert_log_rows(key for r in candidates for key in r.log_keys())
        for reminder in candidates:
            # Only what this run inserted: a concurrent run may have taken the rest.
            reminder.keep(inserted.__contains__)
            reminder.logged = [key for key in reminder.log_keys() if key in inserted]
            if reminder.entries:
                _render(reminder, today)  # inside: a template error logs nothing
                run.reminders.append(reminder)
    run.failed = _send(run.reminders)
    if run.failed:
        _release(run.failed)
        run.reminders = [r for r in run.reminders if r not in run.failed]
    return run
