from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.glossary import markdown


class Command(BaseCommand):
    help = "Write docs/glosarium.md from the names the screens, workbooks and PDFs use."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "glosarium.md"
        path.write_text(markdown(), encoding="utf-8")
        self.stdout.write(f"{path}")
