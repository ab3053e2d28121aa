"""Connection settings that the speed of the dashboard depends on."""

from django.db import connection


def test_postgresql_runs_our_queries_without_the_jit_compiler(postgres):
    """JIT compiled the dashboard's aggregates for longer than they ran (benchmarks/
    dashboard.py); config.settings.base.database_from turns it off per connection."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
