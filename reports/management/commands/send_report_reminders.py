"""Email progress-report reminders: meant for a daily cron job, safe to run repeatedly."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.reminders import DUE_SOON_DAYS, ESCALATE_AFTER_DAYS, send_report_reminders


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        f"Email each regency officer their regency's progress reports due within "
        f"{DUE_SOON_DAYS} days or late, and province staff those more than "
        f"{ESCALATE_AFTER_DAYS} days late. A reminder already sent is never sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print the emails that would be sent; send and record nothing",
        )
        parser.add_argument(
            "--today",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="the day to remind as of (default: today)",
        )

    def handle(self, *args, dry_run, today, **options):
        run = send_report_reminders(today=today, dry_run=dry_run)
        if dry_run:
            for reminder in run.reminders:
                self.stdout.write(
                    f"{_('To')}: {reminder.recipient.email}\n"
                    f"{_('Subject')}: {reminder.subject}\n\n{reminder.body}\n"
                )
        summary = {"emails": run.emails, "items": run.items, "today": run.today.isoformat()}
        if dry_run:
            line = _("Dry run for %(today)s: %(emails)d emails (%(items)d items) would be sent.")
        else:
            line = _("%(today)s: %(emails)d emails sent (%(items)d items).")
        self.stdout.write(line % summary)
        if run.failed:
            raise CommandError(
                _("%(count)d emails could not be sent (%(recipients)s); the next run retries them.")
                % {
                    "count": len(run.failed),
                    "recipients": ", ".join(r.recipient.email for r in run.failed),
                }
            )
