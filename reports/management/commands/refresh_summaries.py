from django.core.management.base import BaseCommand

from reports.summaries import refresh_all_summaries


class Command(BaseCommand):
    help = (
        "Rebuild every summary of the dashboard (grants and tranches, progress reports, "
        "groups owing reports, revenue changes) and the owed reports of the overdue list from "
        "the raw rows."
    )

    def handle(self, *args, **options):
        counts = refresh_all_summaries()
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['grants']} grant summaries, {counts['reports']} report summaries, "
                f"{counts['spans']} owing spans, {counts['changes']} revenue changes and "
                f"{counts['owed']} owed reports rebuilt."
            )
        )
