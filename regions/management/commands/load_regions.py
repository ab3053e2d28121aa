from django.core.management.base import BaseCommand, CommandError

from regions.services import regions_load


class Command(BaseCommand):
    help = "Load Kemendagri provinces, regencies, districts and villages (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", help="Kemendagri code of one province (e.g. 64); all when omitted"
        )

    def handle(self, *args, province=None, **options):
        try:
            result = regions_load(province_code=province)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for label in result.created:
            self.stdout.write(
                f"{label}: {result.created[label]} created, {result.updated[label]} updated"
            )
        if not result.changed:
            self.stdout.write("Regions already up to date.")
