"""Grant.regency: the group's regency on the grant, so that grants are filtered, scoped and
sorted by regency through their own indexes.

Filled in from the groups, then kept equal to the group's by the database: on PostgreSQL
a foreign key on (group_id, regency_id) to the groups' (id, regency_id), made unique, that
follows a group moved to another regency (ON UPDATE CASCADE: a group whose grants are all
cancelled may move); on SQLite triggers that refuse a grant whose regency is not its
group's and follow a moved group. SQLite drops a table's triggers when Django's schema
editor rebuilds it: a later migration that alters grants_grant or groups_businessgroup on
SQLite must run `create_sqlite_triggers` again (tests/grants/test_grant_regency.py fails
if the triggers are missing).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL_IN = [
    "UPDATE grants_grant SET regency_id = (SELECT g.regency_id FROM groups_businessgroup g"
    " WHERE g.id = grants_grant.group_id)",
    "UPDATE grants_historicalgrant SET regency_id = (SELECT g.regency_id"
    " FROM groups_businessgroup g WHERE g.id = grants_historicalgrant.group_id)",
]



def fill_in(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in FILL_IN:
            cursor.execute(statement)
        if schema_editor.connection.vendor == "postgresql":
            # Check the new column's foreign key now: ALTER TABLE (NOT NULL, next) refuses
            # to run with the deferred checks of the rows just updated still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# The groups' (id, regency_id) is unique (id is): the key the grants' foreign key points
# at. Created here rather than declared on the model: on SQLite, Django adds a unique
# constraint by rebuilding the table, which would drop the groups' counting triggers.
POSTGRESQL = """
ALTER TABLE groups_businessgroup ADD CONSTRAINT group_id_regency UNIQUE (id, regency_id);
ALTER TABLE grants_grant ADD CONSTRAINT grant_regency_is_group_regency
    FOREIGN KEY (group_id, regency_id) REFERENCES groups_businessgroup (id, regency_id)
    ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
"""
POSTGRESQL_DROP = """
ALTER TABLE grants_grant DROP CONSTRAINT IF EXISTS grant_regency_is_group_regency;
ALTER TABLE groups_businessgroup DROP CONSTRAINT IF EXISTS group_id_regency;
"""

REFUSED = "grant_regency_is_group_regency: a grant is in the regency of its group"
SQLITE = [
    f"""
    CREATE TRIGGER grant_regency_insert BEFORE INSERT ON grants_grant
    WHEN NEW.regency_id IS NOT (
        SELECT regency_id FROM groups_businessgroup WHERE id = NEW.group_id
    ) BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
    f"""
    CREATE TRIGGER grant_regency_update BEFORE UPDATE OF group_id, regency_id ON grants_grant
    WHEN NEW.regency_id IS NOT (
        SELECT regency_id FROM groups_businessgroup WHERE id = NEW.group_id
    ) BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
    """
    CREATE TRIGGER grant_regency_follows_group AFTER UPDATE OF regency_id
    ON groups_businessgroup WHEN OLD.regency_id IS NOT NEW.regency_id BEGIN
        UPDATE grants_grant SET regency_id = NEW.regency_id WHERE group_id = NEW.id;
    END
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("grant_regency_insert", "grant_regency_update", "grant_regency_follows_group")
]


def create_sqlite_triggers(cursor):
    for statement in SQLITE:
        cursor.execute(statement)


def keep_equal(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        else:
            create_sqlite_triggers(cursor)


def let_differ(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_DROP)
        else:
            for statement in SQLITE_DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0011_input_bounds'),
        ('groups', '0005_group_counts'),
        ('regions', '0002_village'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='grant',
            name='regency',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.regency', verbose_name='regency/city'),
        ),
        migrations.AddField(
            model_name='historicalgrant',
            name='regency',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regions.regency', verbose_name='regency/city'),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='grant',
            name='regency',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.regency', verbose_name='regency/city'),
        ),
        migrations.RunPython(keep_equal, let_differ),
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(fields=['regency', 'awarded_on', 'id'], name='grant_regency_awarded'),
        ),
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(fields=['regency', 'id'], name='grant_regency_order'),
        ),
    ]
