from django.core.management.base import BaseCommand

from reports.summaries import refresh_all_summaries


class Command(BaseCommand):
    help = "Rebuild every regency summary of the dashboard from the grants and tranches."

    def handle(self, *args, **options):
        count = refresh_all_summaries()
        self.stdout.write(self.style.SUCCESS(f"{count} summaries rebuilt."))
