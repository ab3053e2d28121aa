"""The number pattern of every kind of document a fresh installation starts with."""

from django.db import migrations

PATTERNS = {
    "decree": "400.9.5/{seq:04d}/SK-PENERIMA/DINSOS/{year}",
    "agreement": "400.9.5/{seq:04d}/NPHD/DINSOS/{year}",
    "handover": "400.9.5/{seq:04d}/BAST/DINSOS/{year}",
    "tranche_letter": "400.9.5/{seq:04d}/PENCAIRAN/DINSOS/{year}",
    "lpj_receipt": "400.9.5/{seq:04d}/TT-LPJ/DINSOS/{year}",
}


def add_patterns(apps, schema_editor):
    LetterSeries = apps.get_model("letters", "LetterSeries")
    for kind, pattern in PATTERNS.items():
        LetterSeries.objects.get_or_create(kind=kind, defaults={"pattern": pattern})


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(add_patterns, migrations.RunPython.noop)]
