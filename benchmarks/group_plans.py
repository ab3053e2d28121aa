"""The query plans of the group list at national scale: search by name, by NIK, deep pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/modal_usaha_group_plans \\
        .venv/bin/python benchmarks/group_plans.py [--groups 100000] [--rebuild]

Creates and migrates the database if needed and loads the regions of all of Indonesia;
when the database holds no groups (or --rebuild, which empties the groups tables and what
refers to them: give the script a database of its own), writes N groups over the regencies of
PROVINCE_CODE (benchmarks/dashboard.py's province spread: every group in the province
staff's list) and ten members each by COPY (benchmarks/bench.py's copy_members), then
VACUUM ANALYZE. Prints EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) of the queries the
group list runs for a province staff member: a name matching one group, a word every group
has, a member's NIK, the first page and page 100, and the dashboard's groups per regency
and status. PostgreSQL only. A script, not a test.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")  # DEBUG would log every query

GROUPS_SQL = """
WITH regencies AS (
    SELECT regency_id AS code, row_number() OVER (ORDER BY regency_id) - 1 AS idx,
           count(*) OVER () AS total
    FROM (SELECT DISTINCT regency_id FROM regions_district WHERE regency_id LIKE %(province)s) r
), districts AS (
    SELECT d.code, d.regency_id, min(v.code) AS village,
           row_number() OVER (PARTITION BY d.regency_id ORDER BY d.code) - 1 AS idx,
           count(*) OVER (PARTITION BY d.regency_id) AS total
    FROM regions_district AS d JOIN regions_village AS v ON v.district_id = d.code
    GROUP BY d.code, d.regency_id
)
INSERT INTO groups_businessgroup (
    registration_number, name, sector, regency_id, district_id, village_id, address, phone,
    date_formed, bank_name, account_number, account_holder, status, status_reason,
    status_changed_at, status_changed_by_id, created_by_id, created_at, updated_at)
SELECT r.code || '-2025-' || lpad((n / r.total + 1)::text, 5, '0'), 'KUBE Dasbor ' || n,
       (%(sectors)s::text[])[1 + n %% 8], r.code, d.code, d.village, 'Jl. Uji No. ' || n,
       '081200000000', DATE '2024-01-15' + (n %% 300), 'Bank Uji', lpad(n::text, 12, '0'),
       'KUBE Dasbor ' || n,
       (ARRAY['proposed', 'verified', 'eligible', 'eligible', 'eligible'])[1 + n %% 5], '',
       now(), %(staff)s, %(staff)s, now(), now()
FROM generate_series(0, %(groups)s - 1) AS n
JOIN regencies AS r ON r.idx = n %% r.total
JOIN districts AS d ON d.regency_id = r.code AND d.idx = (n / r.total) %% d.total
"""


def build(groups: int, staff) -> None:
    import time

    from bench import copy_members
    from dashboard import SECTORS
    from django.conf import settings
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE groups_member, groups_businessgroup CASCADE")
        params = {"province": f"{settings.PROVINCE_CODE}.%", "sectors": list(SECTORS)}
        cursor.execute(GROUPS_SQL, params | {"groups": groups, "staff": staff.pk})
        members = copy_members(staff)
    with connection.cursor() as cursor:
        for table in ("groups_businessgroup", "groups_member"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"built {groups:,} groups and {members:,} members in {time.perf_counter() - started:.0f} s"
    )


def explain(title, queryset) -> None:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) {sql}", params)
        print(f"#### {title}\n")
        print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import dashboard

    dashboard.setup()
    from django.conf import settings
    from django.db.models import Count

    from groups import selectors
    from groups.filters import GroupFilter
    from groups.models import BusinessGroup, Member

    staff, _approver, _officer = dashboard.bench_users()
    if args.rebuild or not BusinessGroup.objects.exists():
        build(args.groups, staff)

    def page(q=None, number=1):
        queryset = selectors.group_list(user=staff).order_by("regency_id", "name")
        if q:
            queryset = GroupFilter({"q": q}, queryset=queryset, user=staff).qs
        return selectors.group_list_rows(queryset)[(number - 1) * 25 : number * 25]

    count = BusinessGroup.objects.count()
    name = BusinessGroup.objects.order_by("pk")[count * 3 // 4].name.split()[-1]
    nik = Member.objects.order_by("pk")[count * 5].nik
    explain(f"Search by name (?q={name})", page(name))
    explain("Search by a word every group has (?q=kube)", page("kube"))
    explain(f"Search by NIK (?q={nik})", page(nik))
    explain("First page", page())
    explain("Page 100", page(number=100))
    explain(
        "Groups per regency and status (the dashboard)",
        BusinessGroup.objects.filter(regency__code__startswith=f"{settings.PROVINCE_CODE}.")
        .order_by()
        .values("regency_id", "status")
        .annotate(n=Count("id")),
    )


if __name__ == "__main__":
    main()
