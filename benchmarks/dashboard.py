"""How fast the dashboard answers at national scale, against /healthz and raw SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/modal_usaha_dashboard_bench \\
        .venv/bin/python benchmarks/dashboard.py [--groups 100000] [--repeat 20] [--rebuild]
        [--spread province|national] [--explain] [--slow-ms 20]

Creates and migrates the database if needed and loads the regions of all of Indonesia
(514 regencies). Then builds, with demo/scale.py's set-based SQL (INSERT ... SELECT, what
`manage.py seed_scale` writes), N business groups
spread over the regencies of PROVINCE_CODE (the ten the dashboard shows; with --spread
national, over all 514), one programme with a quota per regency, a grant for each
eligible group (about 0.96 N), about 3.1 tranches per grant in every state and the progress
reports those grants owe, keeping the running totals (Program.awarded_amount,
ProgramQuota.awarded_count, Grant.committed_amount, withdrawn_amount and accounted_amount)
equal to what the rows say, and rebuilds the dashboard summaries with `refresh_summaries`.
The paper trail is built with them, as the services would leave it: a signed recipients'
decree per week of awards, an agreement (NPHD) per grant, signed with its scan before the
transfer, an approval letter per approved or withdrawn tranche, each numbered in the
letter register (gap-free per kind and year, in the kind's pattern, counters moved on),
and a spending report per withdrawn tranche, accepted with its purchase and receipt
before the next tranche (file rows only: no file is written). The data stay in the
database: a rerun with the same --groups reuses them unless --rebuild is given.

Checks that the running totals and the paper trail agree with the rows (check_totals),
and that the summaries equal a recomputation from the raw rows (grant figures; owing
groups, report counts and conditions as the dashboard shows them), rebuilding them once if
the data were built before a summary existed. Times --repeat times each (median and p90):
GET /healthz (the floor of a request), the dashboard as province staff and as a regency
officer through the test client, the province-wide grant and tranche figures aggregated
straight from the raw rows (what the summaries save) and read from the summary table, the
owing groups and report counts recomputed from the raw rows, and the refreshes the
services run in a report review, a grant transfer and a grant completion or cancellation
(what keeping the summaries costs a write); prints the ratios and the queries the
dashboard ran. --explain prints EXPLAIN (ANALYZE, BUFFERS) of every dashboard query slower
than --slow-ms. PostgreSQL only. A script, not a test.
"""

import argparse
import io
import os
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

from import_groups import ensure_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")  # DEBUG would log every query
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic

# The build and its checks (no model is imported before django.setup()).
from demo.scale import (  # noqa: E402
    PROGRAM_NAME,
    Inconsistent,
    build,
    built_groups,
    check_totals,
    fetch,
    raw_figures,
    raw_reporting,
    remove_earlier_build,
    reporting_matches,
    shown_periods,
    summary_figures,
    vacuum_analyze,
)
from demo.scale import scale_users as bench_users  # noqa: E402


def setup():
    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from regions.services import regions_load

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    regions_load()  # every province: the regencies of all Indonesia


def fetch_none(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def timings(function, repeat):
    function()  # warm up: templates, translations, connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1] if repeat > 1 else times[0]
    return median, p90


def get(client, url):
    def request():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return response

    return request


# Which figure of reports/dashboard.py a query computes, recognised by a fragment of its SQL.
QUERY_LABELS = (
    ("OVER (PARTITION BY", "revenue-change medians per regency and overall (_middle_rows)"),
    ('FROM "reports_owingspan"', "groups owing each period from the owing spans"),
    ('FROM "reports_reportsummary"', "reports and conditions from the report summaries"),
    ('FROM "reports_regencysummary"', "grant figures from the summaries (_grant_figures)"),
    ('"groups_businessgroup"."status" AS "status"', "groups by status"),
)


def short(sql):
    for fragment, label in QUERY_LABELS:
        if fragment in sql:
            return label
    match = re.search(r'\bFROM\s+"?(\w+)"?', sql)
    return f"FROM {match.group(1) if match else '?'}: {sql[:100]}…"


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(f"      {line}" for (line,) in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="timings; median and p90")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slow queries")
    parser.add_argument("--slow-ms", type=float, default=20.0, help="slow query threshold")
    parser.add_argument(
        "--spread",
        choices=["province", "national"],
        default="province",
        help="groups in the regencies of PROVINCE_CODE (what the dashboard shows; default) "
        "or in all 514 regencies of Indonesia",
    )
    args = parser.parse_args()

    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from grants.models import Grant, Program, Tranche
    from groups.models import BusinessGroup
    from regions.models import Regency
    from reports.models import (
        OwingSpan,
        ProgressReport,
        RegencySummary,
        ReportSummary,
        RevenueChange,
    )
    from reports.summaries import (
        refresh_owing_spans,
        refresh_report_summary,
        refresh_reporting_summaries,
    )

    today = timezone.localdate()
    staff, approver, officer = bench_users()
    existing, national = built_groups(staff)
    wanted_national = args.spread == "national"
    if existing == args.groups and national == wanted_national and not args.rebuild:
        print(f"Reusing the {existing:,} groups built earlier (--rebuild builds them again).")
    else:
        started = time.perf_counter()
        remove_earlier_build(staff)
        vacuum_analyze()  # so the new rows reuse the space of the deleted ones
        removed = time.perf_counter() - started
        started = time.perf_counter()
        built = build(
            groups=args.groups,
            national=wanted_national,
            staff=staff,
            approver=approver,
            officer=officer,
            today=today,
        )
        inserted = time.perf_counter()
        vacuum_analyze()
        analysed = time.perf_counter()
        call_command("refresh_summaries", stdout=io.StringIO())
        vacuum_analyze()
        refreshed = time.perf_counter()
        print(
            f"build: {refreshed - started:.1f} s ({', '.join(built.steps)}; VACUUM ANALYZE "
            f"{analysed - inserted:.1f} s; refresh_summaries "
            f"{refreshed - analysed:.1f} s; removing an earlier build took {removed:.1f} s)"
        )
    program = Program.objects.get(name=PROGRAM_NAME)
    try:
        check_totals(program.pk)
    except Inconsistent as problem:
        raise SystemExit(f"The benchmark data are inconsistent: {problem}.") from None
    if not reporting_matches(staff, today):
        call_command("refresh_summaries", stdout=io.StringIO())  # data built before them
        vacuum_analyze()

    print(
        f"{connection.vendor}: {BusinessGroup.objects.count():,} groups in "
        f"{BusinessGroup.objects.values('regency').distinct().count()} of "
        f"{Regency.objects.count()} regencies, {Grant.objects.count():,} grants, "
        f"{Tranche.objects.count():,} tranches, {ProgressReport.objects.count():,} progress "
        f"reports; summary rows: {RegencySummary.objects.count()} grant, "
        f"{ReportSummary.objects.count():,} report, {OwingSpan.objects.count():,} owing spans, "
        f"{RevenueChange.objects.count():,} revenue changes"
    )
    raw, summary = raw_figures(), summary_figures()
    print(
        "summary rows equal the raw aggregates: "
        + ("yes" if raw == summary else "NO (run refresh_summaries)")
    )
    print(
        "owing groups, report counts, conditions and revenue changes equal a recomputation: "
        + ("yes" if reporting_matches(staff, today) else "NO")
    )
    last_period = shown_periods(today)[-1]

    url = reverse("reports:dashboard")
    anonymous, as_staff, as_officer = Client(), Client(), Client()
    as_staff.force_login(staff)
    as_officer.force_login(officer)

    jit = fetch("SHOW jit")[0][0]
    rows = [
        ("healthz", "GET /healthz", get(anonymous, "/healthz")),
        ("staff", "GET dashboard as province staff", get(as_staff, url)),
        (
            "officer",
            f"GET dashboard as regency officer ({officer.regency_id})",
            get(as_officer, url),
        ),
        ("raw", "raw SQL: grant+tranche figures by regency from raw rows", raw_figures),
        ("summary", "raw SQL: the same figures from the summary table", summary_figures),
        (
            "raw_reporting",
            "ORM: owing groups and report counts from raw rows",
            lambda: raw_reporting(shown_periods(today)),
        ),
        (
            "refresh_report",
            f"refresh after a report review ({officer.regency_id}, one period)",
            lambda: refresh_report_summary(
                program_id=program.pk, regency_id=officer.regency_id, period=last_period
            ),
        ),
        (
            "refresh_transfer",
            f"refresh after a grant transfer ({officer.regency_id}: owing spans)",
            lambda: refresh_owing_spans(regency_id=officer.regency_id),
        ),
        (
            "refresh_grant",
            f"refresh after a completion or cancellation ({officer.regency_id}: + reports)",
            lambda: refresh_reporting_summaries(
                program_id=program.pk, regency_id=officer.regency_id
            ),
        ),
    ]
    results = {key: (label, *timings(function, args.repeat)) for key, label, function in rows}
    if jit == "on":
        # The test client keeps the connection, so the setting holds for its requests.
        fetch_none("SET jit = off")
        label = "GET dashboard as province staff, SET jit = off"
        results["staff_nojit"] = (label, *timings(get(as_staff, url), args.repeat))
        fetch_none("RESET jit")
    width = max(len(label) for label, _m, _p in results.values())
    print(f"PostgreSQL jit = {jit} (jit_above_cost {fetch('SHOW jit_above_cost')[0][0]})")
    print(f"{'':{width}}  {'median':>10}  {'p90':>10}   ({args.repeat} runs each)")
    for label, median, p90 in results.values():
        print(f"{label:{width}}  {median * 1000:8.1f} ms  {p90 * 1000:8.1f} ms")

    median = {key: value[1] for key, value in results.items()}
    print(
        f"ratios: dashboard (staff) / healthz {median['staff'] / median['healthz']:,.0f}x, "
        f"dashboard (officer) / healthz {median['officer'] / median['healthz']:,.0f}x, "
        f"dashboard (staff) / raw aggregates {median['staff'] / median['raw']:.1f}x, "
        f"dashboard (officer) / raw aggregates {median['officer'] / median['raw']:.2f}x, "
        f"raw aggregates / summary read {median['raw'] / median['summary']:.0f}x, "
        f"raw reporting figures / dashboard (staff) "
        f"{median['raw_reporting'] / median['staff']:.1f}x"
    )
    if "staff_nojit" in median:
        print(
            f"        dashboard (staff, jit off) / healthz "
            f"{median['staff_nojit'] / median['healthz']:,.0f}x, "
            f"/ raw aggregates {median['staff_nojit'] / median['raw']:.1f}x"
        )

    for label, client in (("province staff", as_staff), ("regency officer", as_officer)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            get(client, url)()
            elapsed = time.perf_counter() - started
        queries = captured.captured_queries
        sql_time = sum(float(q["time"]) for q in queries)
        print(
            f"dashboard as {label}: {len(queries)} queries, {sql_time * 1000:.1f} ms of SQL "
            f"in a {elapsed * 1000:.1f} ms request ({sql_time / elapsed:.0%}); slowest:"
        )
        slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
        for query in slowest[:5]:
            print(f"  {float(query['time']) * 1000:6.0f} ms  {short(query['sql'])}")
        if args.explain:
            for query in slowest:
                if float(query["time"]) * 1000 < args.slow_ms:
                    break
                print(f"  EXPLAIN (ANALYZE, BUFFERS) of:\n      {query['sql']}")
                print(explain(query["sql"]))


if __name__ == "__main__":
    main()
