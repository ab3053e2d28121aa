"""The access log is append-only in the database: the ORM, a queryset and raw SQL all
fail to change or delete an entry, on SQLite and on PostgreSQL."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(province_staff):
    return audit.record(audit.Event.EXPORT, detail="hibah.xlsx", user=province_staff)


def refused(change):
    """Run `change` in its own transaction (PostgreSQL aborts it) and say if it failed."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


def test_an_entry_cannot_be_deleted(entry):
    refused(entry.delete)
    refused(AuditEntry.objects.all().delete)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_entry_cannot_be_changed(entry):
    entry.detail = "tidak ada"
    refused(entry.save)
    refused(lambda: AuditEntry.objects.update(username="orang lain"))
    entry.refresh_from_db()
    assert (entry.detail, entry.username) == ("hibah.xlsx", "rina")


def test_raw_sql_cannot_change_or_delete_an_entry(entry):
    table = AuditEntry._meta.db_table

    def execute(sql):
        return lambda: connection.cursor().execute(sql, [entry.pk])

    refused(execute(f"UPDATE {table} SET username = 'x' WHERE id = %s"))
    refused(execute(f"DELETE FROM {table} WHERE id = %s"))
    if connection.vendor == "postgresql":
        refused(lambda: connection.cursor().execute(f"TRUNCATE {table}"))
    assert AuditEntry.objects.get(pk=entry.pk).username == "rina"


def test_new_entries_are_still_written(entry, approver):
    audit.record(audit.Event.LOGIN, user=approver)
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_only_in_the_test_suite(entry, settings):
    settings.AUDIT_LOG_FLUSHABLE = False  # as everywhere but config/settings/test.py
    with pytest.raises(CommandError) as refusal:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert "append-only" in str(refusal.value.__cause__)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()

    settings.AUDIT_LOG_FLUSHABLE = True
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not AuditEntry.objects.exists()
    # The triggers are back.
    kept = audit.record(audit.Event.LOGIN, user=entry.user)
    refused(kept.delete)
