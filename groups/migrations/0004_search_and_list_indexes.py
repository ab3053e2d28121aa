# The group search served by indexes on PostgreSQL: trigram GIN indexes (pg_trgm) on
# upper(name) and upper(registration_number), which is what `icontains` compares, so that
# `LIKE '%...%'` is an index scan rather than a scan of every group. SQLite (the demo) has
# no GIN index and searches without one; these indexes are therefore created here only
# and are not part of the model's state. Also the sorts of the group list within a regency,
# and the dashboard's groups per regency and status counted from an index alone.

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper

TRIGRAM_INDEXES = {
    "group_name_trgm": "name",
    "group_registration_number_trgm": "registration_number",
}


def _indexes():
    return [
        GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)
        for name, field in TRIGRAM_INDEXES.items()
    ]


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("groups", "BusinessGroup")
    for index in _indexes():
        schema_editor.add_index(model, index)


def remove_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("groups", "BusinessGroup")
    for index in _indexes():
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_group_village"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes),
        migrations.AddIndex(
            model_name="businessgroup",
            index=models.Index(
                fields=["regency", "status", "id"], name="group_regency_status_count"
            ),
        ),
        migrations.AddIndex(
            model_name="businessgroup",
            index=models.Index(
                fields=["regency", "sector", "name"], name="group_regency_sector"
            ),
        ),
        migrations.AddIndex(
            model_name="businessgroup",
            index=models.Index(
                fields=["regency", "district", "name"], name="group_regency_district"
            ),
        ),
    ]
