"""GroupCount: groups per regency and status, kept by triggers on the groups table.

Triggers rather than Python so that every path that writes groups keeps the counts: the
forms and services, the admin, the import (which writes with COPY), bulk SQL. On
PostgreSQL inserts and deletes are counted once per statement from its transition table
(a COPY of 2,000 groups is one upsert per regency and status), a change of status or
regency once per row. SQLite (the demo) counts row by row.

SQLite drops a table's triggers when Django's schema editor rebuilds the table (it does
for many ALTERs): a later migration that alters groups_businessgroup on SQLite must
create them again (`create_triggers`); the tests comparing the counts with a recount
fail on SQLite if it does not.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = """
CREATE FUNCTION groups_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO groups_groupcount (regency_id, status, groups)
    SELECT regency_id, status, count(*) FROM new_groups
    GROUP BY regency_id, status ORDER BY regency_id, status
    ON CONFLICT (regency_id, status)
    DO UPDATE SET groups = groups_groupcount.groups + EXCLUDED.groups;
    RETURN NULL;
END $$;

CREATE FUNCTION groups_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_groupcount AS c SET groups = c.groups - d.n
    FROM (SELECT regency_id, status, count(*) AS n FROM old_groups
          GROUP BY regency_id, status) AS d
    WHERE c.regency_id = d.regency_id AND c.status = d.status;
    RETURN NULL;
END $$;

-- A group moved from one (regency, status) to another: the two rows are locked in key
-- order, so two opposite moves at once cannot deadlock.
CREATE FUNCTION groups_count_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.regency_id, OLD.status) < (NEW.regency_id, NEW.status) THEN
        UPDATE groups_groupcount SET groups = groups - 1
        WHERE regency_id = OLD.regency_id AND status = OLD.status;
    END IF;
    INSERT INTO groups_groupcount (regency_id, status, groups)
    VALUES (NEW.regency_id, NEW.status, 1)
    ON CONFLICT (regency_id, status) DO UPDATE SET groups = groups_groupcount.groups + 1;
    IF (OLD.regency_id, OLD.status) > (NEW.regency_id, NEW.status) THEN
        UPDATE groups_groupcount SET groups = groups - 1
        WHERE regency_id = OLD.regency_id AND status = OLD.status;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER groups_count_insert AFTER INSERT ON groups_businessgroup
    REFERENCING NEW TABLE AS new_groups
    FOR EACH STATEMENT EXECUTE FUNCTION groups_count_inserted();
CREATE TRIGGER groups_count_delete AFTER DELETE ON groups_businessgroup
    REFERENCING OLD TABLE AS old_groups
    FOR EACH STATEMENT EXECUTE FUNCTION groups_count_deleted();
CREATE TRIGGER groups_count_move AFTER UPDATE OF regency_id, status ON groups_businessgroup
    FOR EACH ROW
    WHEN (OLD.regency_id IS DISTINCT FROM NEW.regency_id OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION groups_count_moved();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS groups_count_insert ON groups_businessgroup;
DROP TRIGGER IF EXISTS groups_count_delete ON groups_businessgroup;
DROP TRIGGER IF EXISTS groups_count_move ON groups_businessgroup;
DROP FUNCTION IF EXISTS groups_count_inserted();
DROP FUNCTION IF EXISTS groups_count_deleted();
DROP FUNCTION IF EXISTS groups_count_moved();
"""

# Row by row; a delete only decrements an existing row (a flush that empties the counts
# before the groups leaves nothing behind).
SQLITE = [
    """
    CREATE TRIGGER groups_count_insert AFTER INSERT ON groups_businessgroup BEGIN
        INSERT OR IGNORE INTO groups_groupcount (regency_id, status, groups)
        VALUES (NEW.regency_id, NEW.status, 0);
        UPDATE groups_groupcount SET groups = groups + 1
        WHERE regency_id = NEW.regency_id AND status = NEW.status;
    END
    """,
    """
    CREATE TRIGGER groups_count_delete AFTER DELETE ON groups_businessgroup BEGIN
        UPDATE groups_groupcount SET groups = groups - 1
        WHERE regency_id = OLD.regency_id AND status = OLD.status;
    END
    """,
    """
    CREATE TRIGGER groups_count_move AFTER UPDATE OF regency_id, status ON groups_businessgroup
    WHEN OLD.regency_id IS NOT NEW.regency_id OR OLD.status IS NOT NEW.status BEGIN
        UPDATE groups_groupcount SET groups = groups - 1
        WHERE regency_id = OLD.regency_id AND status = OLD.status;
        INSERT OR IGNORE INTO groups_groupcount (regency_id, status, groups)
        VALUES (NEW.regency_id, NEW.status, 0);
        UPDATE groups_groupcount SET groups = groups + 1
        WHERE regency_id = NEW.regency_id AND status = NEW.status;
    END
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("groups_count_insert", "groups_count_delete", "groups_count_move")
]

COUNT_EXISTING = """
INSERT INTO groups_groupcount (regency_id, status, groups)
SELECT regency_id, status, count(*) FROM groups_businessgroup GROUP BY regency_id, status
"""


def create_triggers(apps, schema_editor):
    """Create the counting triggers and count the groups already there."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM groups_groupcount")
        cursor.execute(COUNT_EXISTING)
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        else:
            for statement in SQLITE:
                cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_DROP)
        else:
            for statement in SQLITE_DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0004_search_and_list_indexes'),
        ('regions', '0002_village'),
    ]

    operations = [
        migrations.CreateModel(
            name='GroupCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('proposed', 'Proposed'), ('verified', 'Verified'), ('eligible', 'Eligible'), ('rejected', 'Rejected'), ('inactive', 'Inactive')], max_length=20)),
                ('groups', models.IntegerField(default=0)),
                ('regency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.regency')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('regency', 'status'), name='group_count_unique')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
