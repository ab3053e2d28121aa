"""Django's `flush`, which empties every table, meets the access log's triggers.

Outside the test suite the triggers refuse it and nothing is emptied (the flush runs in
one transaction). With settings.AUDIT_LOG_FLUSHABLE (config/settings/test.py only: each
transactional test ends with a flush) the triggers are lifted for the flush and put back
in the same transaction.
"""

from django.conf import settings
from django.core.management.commands import flush
from django.db import connections, transaction

from audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        if not settings.AUDIT_LOG_FLUSHABLE:
            return super().handle(**options)
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias):
            triggers.remove(connection)
            super().handle(**options)
            triggers.install(connection)
