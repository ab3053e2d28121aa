"""Writing many rows at once, with their history: COPY on PostgreSQL, bulk_create elsewhere.

COPY through psycopg 3 writes tens of thousands of rows a second where `bulk_create` writes
about twelve thousand (DESIGN.md §8). A refused row raises Django's IntegrityError, as a save
would; the caller's transaction holds the whole write.
"""

from operator import attrgetter

from django.db import connection


def insert_rows(model, objects, *, now) -> None:
    """Save new rows of a TimeStampedModel (instances, or on PostgreSQL plain records with
    the same attributes); on PostgreSQL by COPY, with primary keys drawn from the table's
    sequence first so that related rows and history rows can name them."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        setattr(obj, meta.pk.attname, pk)
        obj.created_at = obj.updated_at = now
    fields = meta.concrete_fields
    values = attrgetter(*(f.attname for f in fields))
    copy_rows(meta.db_table, [f.column for f in fields], map(values, objects))


def record_history(model, objects, history_type, *, by, when, reason, batch_size=1000) -> None:
    """The simple_history rows `bulk_history_create` would write for saved objects ("+"
    created, "~" changed, "-" deleted), by `by`, with the change `reason` (an ASCII key);
    through COPY on PostgreSQL, which spares building a Django model instance per row."""
    if not objects:
        return
    history = model.history.model
    tracked = [history._meta.get_field(f.name) for f in history.tracked_fields]
    stamp = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": by.pk,
    }
    if connection.vendor != "postgresql":
        rows = [
            history(**{f.attname: getattr(o, f.attname) for f in tracked}, **stamp) for o in objects
        ]
        history.objects.bulk_create(rows, batch_size=batch_size)
        return
    columns = [f.column for f in tracked] + [history._meta.get_field(n).column for n in stamp]
    values, tail = attrgetter(*(f.attname for f in tracked)), tuple(stamp.values())
    copy_rows(history._meta.db_table, columns, (values(o) + tail for o in objects))


def copy_rows(table, columns, rows) -> None:
    """COPY rows into a table (PostgreSQL); a refused row raises Django's IntegrityError."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
