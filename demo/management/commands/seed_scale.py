"""National-scale demo data for benchmarks and load tests: N business groups with their
members, grants, tranches, progress reports and paper trail, written with set-based SQL
(demo/scale.py), then the dashboard summaries rebuilt and the data checked.

Refuses to run with production settings or against a database that holds data the demo
did not create (demo/safety.py), and anywhere but on PostgreSQL. A rerun replaces the data
of the previous run (the same --seed on the same day gives the same data)."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.indonesia import regions_under
from demo import scale
from demo.safety import DemoRefused, ensure_demo_allowed
from regions.models import Province, Regency

# What refresh_all_summaries rebuilds, by the table it writes.
SUMMARY_TABLES = {
    "grants": "reports_regencysummary",
    "reports": "reports_reportsummary",
    "spans": "reports_owingspan",
    "changes": "reports_revenuechange",
    "owed": "reports_owedreport",
    "lpj_spans": "reports_lpjowingspan",
    "lpjs": "reports_lpjsummary",
}
MIN_MEMBERS = 3  # a chair, a secretary and a treasurer
MAX_MEMBERS_PER_GROUP = 50


class Command(BaseCommand):
    help = (
        "Write national-scale demo data (groups, members, grants, tranches, reports and "
        "their paper trail) with set-based SQL on PostgreSQL, and check it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, required=True, help="business groups to write")
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same data (default 1)"
        )
        parser.add_argument(
            "--spread",
            choices=["national", "province"],
            default="national",
            help="over every regency of Indonesia (default) or the province's (PROVINCE_CODE)",
        )
        parser.add_argument(
            "--members-per-group",
            type=int,
            default=10,
            help=f"members of each group, {MIN_MEMBERS}-{MAX_MEMBERS_PER_GROUP} (default 10)",
        )

    def handle(self, *args, groups, seed, spread, members_per_group, **options):
        try:
            ensure_demo_allowed()
        except DemoRefused as refusal:
            raise CommandError(f"seed_scale refused: {refusal}") from None
        if connection.vendor != "postgresql":
            raise CommandError(
                f"seed_scale needs PostgreSQL (its SQL is PostgreSQL's), not "
                f"{connection.vendor}: set DATABASE_URL to a PostgreSQL database."
            )
        if groups < 1:
            raise CommandError("--groups must be at least 1.")
        if not MIN_MEMBERS <= members_per_group <= MAX_MEMBERS_PER_GROUP:
            raise CommandError(
                f"--members-per-group must be between {MIN_MEMBERS} and {MAX_MEMBERS_PER_GROUP}."
            )
        if groups * members_per_group > scale.MAX_MEMBERS:
            raise CommandError(f"At most {scale.MAX_MEMBERS:,} members in all.")
        if not 0 <= seed < 2**40:
            raise CommandError("--seed must be between 0 and 2^40.")
        national = spread == "national"
        self._load_regions(national)

        staff, approver, officer = scale.scale_users()
        started = time.perf_counter()
        scale.remove_earlier_build(staff)
        self.stdout.write(f"Earlier build removed in {time.perf_counter() - started:.1f} s.")

        today = timezone.localdate()
        started = time.perf_counter()
        try:
            built = scale.build(
                groups=groups,
                national=national,
                staff=staff,
                approver=approver,
                officer=officer,
                today=today,
                seed=seed,
                members_per_group=members_per_group,
            )
            inserted = time.perf_counter()
            scale.analyze()
            analyzed = time.perf_counter()
            summaries = scale.refresh_summaries()
        except scale.Inconsistent as problem:  # rows referring to none: rolled back
            raise CommandError(f"The data written are inconsistent: {problem}.") from None
        finished = time.perf_counter()
        seconds = finished - started
        written = dict(built.written)
        for key, table in SUMMARY_TABLES.items():
            written[table] = written.get(table, 0) + summaries.get(key, 0)
        rows = sum(written.values())

        width = max(len(table) for table in written)
        for table, count in sorted(written.items()):
            self.stdout.write(f"  {table:<{width}}  {count:>10,}")
        self.stdout.write(
            f"  ({', '.join(built.steps)}; ANALYZE {analyzed - inserted:.1f} s, "
            f"summaries {finished - analyzed:.1f} s)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{rows:,} rows in {seconds:.1f} s: {rows / seconds:,.0f} rows/s "
                f"({groups:,} groups, seed {seed}, {spread})."
            )
        )

        started = time.perf_counter()
        try:
            scale.check(program_id=built.program_id, staff=staff, today=today)
        except scale.Inconsistent as problem:
            raise CommandError(f"The data written are inconsistent: {problem}.") from None
        self.stdout.write(f"Checks passed in {time.perf_counter() - started:.1f} s.")

    def _load_regions(self, national: bool) -> None:
        """The regions the groups are spread over: every province's, or the province's."""
        if national:
            if Province.objects.count() < len(regions_under()):
                call_command("load_regions", stdout=self.stdout)
        elif not Regency.objects.in_province().exists():
            call_command("load_regions", province=settings.PROVINCE_CODE, stdout=self.stdout)
