"""How fast the dashboard answers at national scale, against /healthz and raw SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/modal_usaha_dashboard_bench \\
        .venv/bin/python benchmarks/dashboard.py [--groups 100000] [--repeat 20] [--rebuild]
        [--spread province|national] [--explain] [--slow-ms 20]

Creates and migrates the database if needed and loads the regions of all of Indonesia
(514 regencies). Then builds, with set-based SQL (INSERT ... SELECT), N business groups
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
import datetime
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

PROGRAM_NAME = "Benchmark dasbor nasional"
STAFF, APPROVER, OFFICER = (
    "benchmark-dashboard-staff",
    "benchmark-dashboard-approver",
    "benchmark-dashboard-officer",
)
SECTORS = ("trade", "food", "livestock", "fishery", "farming", "craft", "services", "other")
MILLION = 1_000_000
APPROVER_NIP = "197305142001121007"

# Grant patterns: (share in per cent of the grants, grant status, tranches in order as
# (per cent of the grant, status)). At most three tranches hold money (requested, approved,
# withdrawn), the first at most 50 %, and a completed grant is withdrawn in full.
PATTERNS = (
    (5, "awarded", ()),
    (1, "cancelled", ()),
    (5, "transferred", ((50, "requested"),)),
    (5, "transferred", ((50, "rejected"), (50, "approved"))),
    (10, "active", ((50, "withdrawn"), (30, "requested"))),
    (20, "active", ((50, "withdrawn"), (30, "withdrawn"), (20, "requested"))),
    (20, "active", ((50, "withdrawn"), (30, "cancelled"), (30, "withdrawn"), (20, "approved"))),
    (14, "active", ((50, "withdrawn"), (30, "rejected"), (30, "withdrawn"), (20, "withdrawn"))),
    (20, "completed", ((50, "withdrawn"), (30, "rejected"), (30, "withdrawn"), (20, "withdrawn"))),
)
HOLDING = ("requested", "approved", "withdrawn")


def bucket(expression: str, seed: int) -> str:
    """SQL for a well-mixed number 0-99 from an integer expression (independent per seed)."""
    return f"((hashint8extended(({expression})::bigint, {seed}) & 65535) %% 100)"


def next_id(table: str) -> str:
    """SQL for the sequence of `table`'s id (for nextval: ids known before the insert)."""
    return f"pg_get_serial_sequence('{table}', 'id')"


ROMAN_MONTHS_SQL = "(ARRAY[{}])".format(
    ", ".join(
        f"'{m}'" for m in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
    )
)


def number_sql(pattern: str) -> str:
    """SQL writing a letter number as letters.models.render_number writes it, from the
    columns `seq` and `issued_on`; SystemExit for a placeholder it does not know."""
    parts = []
    position = 0
    for match in re.finditer(r"\{(\w+)(?::([^}]*))?\}", pattern):
        parts.append(pattern[position : match.start()])
        name, spec = match.groups()
        digits = re.fullmatch(r"0(\d+)d", spec or "")
        if name == "seq" and digits:  # zero-padded, never cut: {seq:04d} of 12345 is 12345
            width = int(digits[1])
            parts.append(f"lpad(seq::text, greatest({width}, length(seq::text)), '0')")
        elif name == "seq" and not spec:
            parts.append("seq::text")
        elif name == "year" and not spec:
            parts.append("extract(year FROM issued_on)::int::text")
        elif name == "month" and not spec:
            parts.append("to_char(issued_on, 'MM')")
        elif name == "roman_month" and not spec:
            parts.append(f"{ROMAN_MONTHS_SQL}[extract(month FROM issued_on)::int]")
        else:
            raise SystemExit(f"The benchmark cannot write letter numbers with {match[0]}.")
        position = match.end()
    parts.append(pattern[position:])
    return " || ".join(
        part if index % 2 else "'{}'".format(part.replace("'", "''").replace("%", "%%"))
        for index, part in enumerate(parts)
    )


def create_letter_queue(cursor):
    """The register entries to issue (ids taken beforehand, so the documents can name
    them): issue_letters numbers and writes them."""
    cursor.execute(
        "CREATE TEMP TABLE bench_letter (id bigint PRIMARY KEY, kind text, issued_on date, "
        "subject text, regency_id text, signed_by bigint, issued_by bigint) ON COMMIT DROP"
    )


def issue_letters(cursor, kind: str):
    """Writes the queued entries of `kind` into the register as letters.services would:
    numbered after the kind's counter for the year, in the order of their dates, without
    gaps, each number in the kind's pattern; then moves the counters on."""
    from letters.models import LetterSeries

    cursor.execute(
        f"""
        INSERT INTO letters_letter (
            id, kind, year, sequence, number, issued_on, subject, status, cancel_reason,
            issued_by_id, regency_id, signed_by_id, created_at, updated_at)
        SELECT id, kind, year, seq, {number_sql(LetterSeries.pattern_of(kind))}, issued_on,
               left(subject, 300), 'issued', '', issued_by, regency_id, signed_by, now(), now()
        FROM (
            SELECT b.*, y.year, coalesce(c.last_number, 0)
                       + row_number() OVER (PARTITION BY y.year ORDER BY b.issued_on, b.id)
                       AS seq
            FROM bench_letter AS b
            CROSS JOIN LATERAL (SELECT extract(year FROM b.issued_on)::int AS year) AS y
            LEFT JOIN letters_lettercounter AS c ON c.kind = b.kind AND c.year = y.year
            WHERE b.kind = %(kind)s
        ) AS numbered
        """,
        {"kind": kind},
    )
    cursor.execute(
        """
        INSERT INTO letters_lettercounter (kind, year, last_number)
        SELECT kind, year, max(sequence) FROM letters_letter WHERE kind = %(kind)s
        GROUP BY kind, year
        ON CONFLICT (kind, year) DO UPDATE SET last_number = EXCLUDED.last_number
        """,
        {"kind": kind},
    )


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


def bench_users():

    from accounts.models import User
    from accounts.roles import Role
    from regions.models import Regency

    regency = Regency.objects.in_province().order_by("code").first()
    staff, _ = User.objects.get_or_create(username=STAFF, defaults={"role": Role.PROVINCE_STAFF})
    approver, _ = User.objects.get_or_create(username=APPROVER, defaults={"role": Role.APPROVER})
    if not (approver.position and approver.nip):  # signs the decrees, agreements, letters
        approver.position, approver.nip = "Kepala Dinas Sosial", APPROVER_NIP
        approver.save(update_fields=["position", "nip"])
    officer, _ = User.objects.get_or_create(
        username=OFFICER, defaults={"role": Role.REGENCY_OFFICER, "regency": regency}
    )
    return staff, approver, officer


def built_groups(staff) -> tuple[int, bool]:
    """Groups of a complete earlier build (0 when there is none), and whether they are
    spread over all of Indonesia."""
    from django.conf import settings

    from grants.models import Program
    from groups.models import BusinessGroup

    if not Program.objects.filter(name=PROGRAM_NAME).exists():
        return 0, False
    built = BusinessGroup.objects.filter(created_by=staff)
    national = built.exclude(regency__province_id=settings.PROVINCE_CODE).exists()
    return built.count(), national


def remove_earlier_build(staff):
    """Delete the benchmark's rows (only those: the programme, its paper trail and the staff
    user's groups); the register's counters go back to the last number left."""
    from django.db import connection, transaction

    from grants.models import Program

    with transaction.atomic(), connection.cursor() as cursor:
        for program_id in Program.objects.filter(name=PROGRAM_NAME).values_list("pk", flat=True):
            grants = "SELECT id FROM grants_grant WHERE program_id = %(p)s"
            tranches = f"SELECT id FROM grants_tranche WHERE grant_id IN ({grants})"
            cursor.execute(
                f"""
                CREATE TEMP TABLE bench_old_letter ON COMMIT DROP AS
                SELECT letter_id AS id FROM grants_tranche WHERE grant_id IN ({grants})
                UNION SELECT letter_id FROM grants_agreement WHERE grant_id IN ({grants})
                UNION SELECT letter_id FROM grants_handover WHERE grant_id IN ({grants})
                UNION SELECT letter_id FROM grants_decree WHERE program_id = %(p)s
                UNION SELECT receipt_id FROM reports_accountabilityreport
                      WHERE grant_id IN ({grants})
                """,
                {"p": program_id},
            )
            for sql in (
                f"DELETE FROM reports_owedreport WHERE grant_id IN ({grants})",
                "DELETE FROM reports_revenuechange WHERE program_id = %(p)s",
                "DELETE FROM reports_owingspan WHERE program_id = %(p)s",
                "DELETE FROM reports_reportsummary WHERE program_id = %(p)s",
                f"DELETE FROM reports_reminderlog WHERE grant_id IN ({grants})",
                f"DELETE FROM reports_accountabilityreport WHERE grant_id IN ({grants})",
                f"DELETE FROM reports_progressreport WHERE grant_id IN ({grants})",
                "DELETE FROM grants_spendingline WHERE report_id IN (SELECT id FROM "
                f"grants_spendingreport WHERE tranche_id IN ({tranches}))",
                f"DELETE FROM grants_spendingreport WHERE tranche_id IN ({tranches})",
                f"DELETE FROM grants_tranche WHERE grant_id IN ({grants})",
                f"DELETE FROM grants_agreement WHERE grant_id IN ({grants})",
                f"DELETE FROM grants_handoveritem WHERE handover_id IN (SELECT id FROM "
                f"grants_handover WHERE grant_id IN ({grants}))",
                f"DELETE FROM grants_handover WHERE grant_id IN ({grants})",
                f"DELETE FROM grants_grantdocument WHERE grant_id IN ({grants})",
                "DELETE FROM grants_grant WHERE program_id = %(p)s",
                "DELETE FROM grants_decree WHERE program_id = %(p)s",
                "DELETE FROM letters_letter WHERE id IN (SELECT id FROM bench_old_letter)",
                "DROP TABLE bench_old_letter",
            ):
                cursor.execute(sql, {"p": program_id})
            cursor.execute("DELETE FROM reports_regencysummary WHERE program_id = %s", [program_id])
            cursor.execute("DELETE FROM grants_programquota WHERE program_id = %s", [program_id])
            cursor.execute("DELETE FROM grants_program WHERE id = %s", [program_id])
        cursor.execute("DELETE FROM groups_businessgroup WHERE created_by_id = %s", [staff.pk])
        cursor.execute(
            """
            UPDATE letters_lettercounter AS c SET last_number = coalesce(
                (SELECT max(sequence) FROM letters_letter AS l
                 WHERE l.kind = c.kind AND l.year = c.year), 0)
            """
        )


def step(label, started, steps):
    now = time.perf_counter()
    steps.append(f"{label} {now - started:.1f} s")
    return now


def build(*, groups, national, staff, approver, officer, today):
    """Every row the dashboard reads, in one transaction, with INSERT ... SELECT."""
    from django.conf import settings
    from django.db import connection, transaction

    from grants.models import Program
    from reports.dashboard import last_due_period
    from reports.periods import Period, periods_between

    steps = []
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        program = Program.objects.create(
            name=PROGRAM_NAME,
            fiscal_year=today.year - 1,
            total_budget=groups * 20 * MILLION,
            default_amount=10 * MILLION,
            status="open",
            tranche_needs_report=True,
        )
        params = {"staff": staff.pk, "approver": approver.pk, "officer": officer.pk}
        params |= {"program": program.pk, "today": today, "groups": groups}
        params |= {"national": national, "province": f"{settings.PROVINCE_CODE}.%"}
        params |= {"program_name": PROGRAM_NAME, "fiscal_year": program.fiscal_year}
        params |= {"tz": settings.TIME_ZONE}

        # Groups: round-robin over the regencies, each in one of its own districts (and that
        # district's first village); 96 % eligible, the rest proposed, verified, rejected or
        # inactive (those two with a reason).
        status = bucket("n", 1)
        cursor.execute(
            f"""
            WITH regencies AS (
                SELECT regency_id AS code, row_number() OVER (ORDER BY regency_id) - 1 AS idx,
                       count(*) OVER () AS total
                FROM (SELECT DISTINCT regency_id FROM regions_district
                      WHERE %(national)s OR regency_id LIKE %(province)s) AS r
            ), districts AS (
                SELECT d.code, d.regency_id, min(v.code) AS village,
                       row_number() OVER (PARTITION BY d.regency_id ORDER BY d.code) - 1 AS idx,
                       count(*) OVER (PARTITION BY d.regency_id) AS total
                FROM regions_district AS d JOIN regions_village AS v ON v.district_id = d.code
                GROUP BY d.code, d.regency_id
            ), numbered AS (
                SELECT n, {status} AS s FROM generate_series(0, %(groups)s - 1) AS n
            )
            INSERT INTO groups_businessgroup (
                registration_number, name, sector, regency_id, district_id, village_id,
                address, phone, date_formed, bank_name, account_number,
                account_holder, status, status_reason, status_changed_at, status_changed_by_id,
                created_by_id, created_at, updated_at)
            SELECT r.code || '-2025-' || lpad((n / r.total + 1)::text, 5, '0'),
                   'KUBE Dasbor ' || n,
                   (%(sectors)s::text[])[1 + n %% 8],
                   r.code, d.code, d.village, 'Jl. Uji No. ' || n, '081200000000',
                   DATE '2024-01-15' + (n %% 300), 'Bank Uji', lpad(n::text, 12, '0'),
                   'KUBE Dasbor ' || n,
                   CASE s WHEN 0 THEN 'proposed' WHEN 1 THEN 'verified' WHEN 2 THEN 'rejected'
                          WHEN 3 THEN 'inactive' ELSE 'eligible' END,
                   CASE WHEN s IN (2, 3) THEN 'Data uji' ELSE '' END,
                   now(), %(staff)s, %(staff)s, now(), now()
            FROM numbered
            JOIN regencies AS r ON r.idx = n %% r.total
            JOIN districts AS d ON d.regency_id = r.code AND d.idx = (n / r.total) %% d.total
            """,
            params | {"sectors": list(SECTORS)},
        )
        started = step(f"groups {cursor.rowcount:,}", started, steps)

        # The patterns and their tranche templates, and one plan row per eligible group.
        cursor.execute(
            "CREATE TEMP TABLE bench_pattern (pattern int, lo int, hi int, grant_status text, "
            "committed_percent int, withdrawn_percent int, accounted_percent int) "
            "ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_template (pattern int, sequence int, percent int, "
            "status text, accepted bool) ON COMMIT DROP"
        )
        low = 0
        for number, (share, grant_status, tranches) in enumerate(PATTERNS):
            committed = sum(p for p, s in tranches if s in HOLDING)
            withdrawn = sum(p for p, s in tranches if s == "withdrawn")
            # The spending of a withdrawn tranche is accepted (in full) when a later tranche
            # was asked for (the programme's rule) or the grant is completed.
            accepted = [
                status == "withdrawn"
                and (grant_status == "completed" or any(s in HOLDING for _, s in tranches[i + 1 :]))
                for i, (_, status) in enumerate(tranches)
            ]
            accounted = sum(p for (p, _), a in zip(tranches, accepted, strict=True) if a)
            cursor.execute(
                "INSERT INTO bench_pattern VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [number, low, low + share - 1, grant_status, committed, withdrawn, accounted],
            )
            low += share
            for sequence, (percent, tranche_status) in enumerate(tranches, start=1):
                cursor.execute(
                    "INSERT INTO bench_template VALUES (%s, %s, %s, %s, %s)",
                    [number, sequence, percent, tranche_status, accepted[sequence - 1]],
                )
        assert low == 100, "the pattern shares must add up to 100 %"
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
            SELECT g.id AS group_id, g.regency_id, p.pattern, p.grant_status,
                   p.committed_percent, p.withdrawn_percent, p.accounted_percent,
                   (5 + 5 * {bucket("g.id", 3)} / 25) * {MILLION} AS amount,
                   %(today)s::date - 40 - ((hashint8extended(g.id, 4) & 65535) %% 720)::int AS base
            FROM groups_businessgroup AS g
            JOIN bench_pattern AS p ON {bucket("g.id", 2)} BETWEEN p.lo AND p.hi
            WHERE g.created_by_id = %(staff)s AND g.status = 'eligible'
            """,
            params,
        )

        # Recipients' decrees: one signed decree per week of awards, signed by the approver
        # on the week's last award day (a week or more before the first transfer), numbered
        # in the letter register. Cancelled grants are in none.
        create_letter_queue(cursor)
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_decree ON COMMIT DROP AS
            SELECT nextval({next_id("grants_decree")}) AS id,
                   nextval({next_id("letters_letter")}) AS letter_id, week, signed_on, grants
            FROM (SELECT date_trunc('week', base - 14)::date AS week,
                         max(base - 14) AS signed_on, count(*) AS grants
                  FROM bench_plan WHERE grant_status <> 'cancelled'
                  GROUP BY 1 ORDER BY 1) AS weeks
            """
        )
        cursor.execute(
            """
            INSERT INTO bench_letter
            SELECT letter_id, 'decree', signed_on,
                   'Penetapan penerima ' || %(program_name)s || ' Tahun Anggaran '
                       || %(fiscal_year)s || ' (' || grants || ' kelompok)',
                   NULL, %(approver)s, %(staff)s
            FROM bench_decree
            """,
            params,
        )
        issue_letters(cursor, "decree")
        cursor.execute(
            """
            INSERT INTO grants_decree (
                id, status, signed_on, cancel_reason, letter_id, prepared_by_id, program_id,
                signatory_id, created_at, updated_at)
            SELECT id, 'signed', signed_on, '', letter_id, %(staff)s, %(program)s,
                   %(approver)s, now(), now()
            FROM bench_decree
            """,
            params,
        )
        started = step(f"decrees {cursor.rowcount:,}", started, steps)

        # Grants: amounts of 5-20 million, transferred in the last two years (not the
        # awarded or cancelled ones), completed 120 days after the transfer at the latest.
        # What is accounted for: the accepted spending built below.
        cursor.execute(
            """
            INSERT INTO grants_grant (
                program_id, group_id, amount, decree_id, awarded_on,
                awarded_by_id, transferred_on, transfer_reference, status, status_reason,
                completed_on, committed_amount, withdrawn_amount, accounted_amount,
                created_at, updated_at)
            SELECT %(program)s, group_id, amount, d.id, base - 14,
                   %(staff)s,
                   CASE WHEN grant_status IN ('awarded', 'cancelled') THEN NULL ELSE base END,
                   CASE WHEN grant_status IN ('awarded', 'cancelled') THEN ''
                        ELSE 'TRF-' || group_id END,
                   grant_status,
                   CASE WHEN grant_status = 'cancelled' THEN 'Data uji' ELSE '' END,
                   CASE WHEN grant_status = 'completed' THEN LEAST(base + 120, %(today)s) END,
                   amount * committed_percent / 100, amount * withdrawn_percent / 100,
                   amount * accounted_percent / 100,
                   now(), now()
            FROM bench_plan
            LEFT JOIN bench_decree AS d ON grant_status <> 'cancelled'
                 AND d.week = date_trunc('week', base - 14)::date
            """,
            params,
        )
        started = step(f"grants {cursor.rowcount:,}", started, steps)

        # Grant agreements (NPHD), numbered in the register the day after the decree:
        # signed two days later, with the signed scan, before every transfer; still to be
        # signed for the grants only awarded. The scans are rows only (no file is written).
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_agreement ON COMMIT DROP AS
            SELECT nextval({next_id("grants_agreement")}) AS id,
                   nextval({next_id("letters_letter")}) AS letter_id,
                   CASE WHEN gr.status <> 'awarded'
                        THEN nextval({next_id("grants_grantdocument")}) END AS scan_id,
                   gr.id AS grant_id, d.signed_on + 1 AS issued_on, g.regency_id,
                   'NPHD ' || g.name || ' (' || g.registration_number || '), '
                       || %(program_name)s AS subject
            FROM grants_grant AS gr
            JOIN grants_decree AS d ON d.id = gr.decree_id
            JOIN groups_businessgroup AS g ON g.id = gr.group_id
            WHERE gr.program_id = %(program)s
            ORDER BY gr.id
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO bench_letter
            SELECT letter_id, 'agreement', issued_on, subject, regency_id, %(approver)s,
                   %(staff)s
            FROM bench_agreement
            """,
            params,
        )
        issue_letters(cursor, "agreement")
        cursor.execute(
            """
            INSERT INTO grants_grantdocument (
                id, stored_name, original_name, content_type, size, kind, file, grant_id,
                uploaded_by_id, created_at, updated_at)
            SELECT scan_id, stored, 'nphd-ditandatangani.pdf', 'application/pdf', 250000,
                   'agreement_scan', 'grant-documents/' || grant_id || '/' || stored,
                   grant_id, %(officer)s, now(), now()
            FROM (SELECT scan_id, grant_id, md5('nphd-' || grant_id) || '.pdf' AS stored
                  FROM bench_agreement WHERE scan_id IS NOT NULL) AS scans
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO grants_agreement (
                id, legacy_number, issued_on, status, signed_on, cancel_reason, grant_id,
                issued_by_id, letter_id, signatory_id, scan_id, created_at, updated_at)
            SELECT id, '', issued_on,
                   CASE WHEN scan_id IS NULL THEN 'issued' ELSE 'signed' END,
                   CASE WHEN scan_id IS NOT NULL THEN issued_on + 2 END, '', grant_id,
                   %(staff)s, letter_id, %(approver)s, scan_id, now(), now()
            FROM bench_agreement
            """,
            params,
        )
        started = step(f"agreements {cursor.rowcount:,}", started, steps)

        # Tranches a week apart from the transfer; requested by the officer, decided by the
        # approver (four eyes); cancelled by the requester (no decision). An approved or
        # withdrawn tranche has its approval letter in the register, dated its decision.
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_tranche ON COMMIT DROP AS
            SELECT gr.id AS grant_id, gr.amount, t.sequence, t.percent, t.status, t.accepted,
                   at.requested, g.regency_id,
                   CASE WHEN t.status IN ('approved', 'withdrawn')
                        THEN nextval({next_id("letters_letter")}) END AS letter_id,
                   'Persetujuan pencairan dana hibah tahap ' || t.sequence || ' ' || g.name
                       || ' (' || g.registration_number || ')' AS subject
            FROM bench_plan AS p
            JOIN grants_grant AS gr ON gr.program_id = %(program)s AND gr.group_id = p.group_id
            JOIN groups_businessgroup AS g ON g.id = gr.group_id
            JOIN bench_template AS t ON t.pattern = p.pattern
            CROSS JOIN LATERAL (
                SELECT (gr.transferred_on + 7 * t.sequence)::timestamptz
                       + (gr.id %% 480) * interval '1 minute' AS requested
            ) AS at
            ORDER BY gr.id, t.sequence
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO bench_letter
            SELECT letter_id, 'tranche_letter',
                   ((requested + interval '2 days') AT TIME ZONE %(tz)s)::date, subject,
                   regency_id, %(approver)s, %(approver)s
            FROM bench_tranche WHERE letter_id IS NOT NULL
            """,
            params,
        )
        issue_letters(cursor, "tranche_letter")
        cursor.execute(
            """
            INSERT INTO grants_tranche (
                grant_id, sequence, amount, purpose, request_token, status, requested_by_id,
                requested_at, decided_by_id, decided_at, decision_note, withdrawn_on,
                bank_reference, letter_id, created_at, updated_at)
            SELECT grant_id, sequence, amount * percent / 100, 'Pembelian bahan baku',
                   gen_random_uuid(), status, %(officer)s, requested,
                   CASE WHEN status IN ('approved', 'rejected', 'withdrawn')
                        THEN %(approver)s END,
                   CASE WHEN status IN ('approved', 'rejected', 'withdrawn')
                        THEN requested + interval '2 days' END,
                   CASE WHEN status = 'rejected' THEN 'Rincian belanja belum lengkap'
                        ELSE '' END,
                   CASE WHEN status = 'withdrawn'
                        THEN (requested + interval '3 days')::date END,
                   CASE WHEN status = 'withdrawn' THEN 'BANK-' || grant_id || '-' || sequence
                        ELSE '' END,
                   letter_id, requested, requested
            FROM bench_tranche
            """,
            params,
        )
        started = step(f"tranches {cursor.rowcount:,}", started, steps)

        # Each withdrawn tranche has its spending report, opened when it was withdrawn:
        # accepted, with one purchase of the whole tranche and its receipt (a row only, no
        # file), submitted by the officer and accepted by the staff before the next
        # tranche's request; still being recorded for the last tranche of an active grant.
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_spending ON COMMIT DROP AS
            SELECT nextval({next_id("grants_spendingreport")}) AS id, t.id AS tranche_id,
                   t.grant_id, t.amount, t.withdrawn_on, b.accepted,
                   CASE WHEN b.accepted
                        THEN nextval({next_id("grants_grantdocument")}) END AS receipt_id
            FROM grants_tranche AS t
            JOIN bench_tranche AS b ON b.grant_id = t.grant_id AND b.sequence = t.sequence
            WHERE t.status = 'withdrawn'
            ORDER BY t.id
            """
        )
        cursor.execute(
            """
            INSERT INTO grants_spendingreport (
                id, tranche_id, status, total, return_reason, submitted_by_id, submitted_at,
                reviewed_by_id, reviewed_at, created_at, updated_at)
            SELECT id, tranche_id, CASE WHEN accepted THEN 'accepted' ELSE 'draft' END,
                   CASE WHEN accepted THEN amount ELSE 0 END, '',
                   CASE WHEN accepted THEN %(officer)s END,
                   CASE WHEN accepted THEN withdrawn_on + 2 + interval '9 hours' END,
                   CASE WHEN accepted THEN %(staff)s END,
                   CASE WHEN accepted THEN withdrawn_on + 3 + interval '9 hours' END,
                   withdrawn_on + interval '9 hours', now()
            FROM bench_spending
            """,
            params,
        )
        reports = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO grants_grantdocument (
                id, stored_name, original_name, content_type, size, kind, file, grant_id,
                uploaded_by_id, created_at, updated_at)
            SELECT receipt_id, stored, 'nota.jpg', 'image/jpeg', 180000, 'receipt',
                   'grant-documents/' || grant_id || '/' || stored, grant_id, %(officer)s,
                   now(), now()
            FROM (SELECT receipt_id, grant_id, md5('nota-' || tranche_id) || '.jpg' AS stored
                  FROM bench_spending WHERE accepted) AS receipts
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO grants_spendingline (
                report_id, item, quantity, unit, amount, spent_on, supplier, receipt_id,
                added_by_id, created_at, updated_at)
            SELECT id, 'Bahan baku usaha', 1, 'paket', amount, withdrawn_on + 1, 'Toko Uji',
                   receipt_id, %(officer)s, now(), now()
            FROM bench_spending WHERE accepted
            """,
            params,
        )
        started = step(
            f"spending reports {reports:,} ({cursor.rowcount:,} accepted)", started, steps
        )

        cursor.execute(
            """
            INSERT INTO grants_programquota (
                program_id, regency_id, group_count, awarded_count, created_at, updated_at)
            SELECT %(program)s, regency_id, count(*) + 5,
                   count(*) FILTER (WHERE grant_status <> 'cancelled'), now(), now()
            FROM bench_plan GROUP BY regency_id
            """,
            params,
        )
        cursor.execute(
            """
            UPDATE grants_program SET awarded_amount = (
                SELECT coalesce(sum(amount), 0) FROM grants_grant
                WHERE program_id = %(program)s AND status <> 'cancelled')
            WHERE id = %(program)s
            """,
            params,
        )

        # Progress reports of every period each transferred grant owes up to the last due
        # one: 8 % never written, then draft, returned, submitted (more in the last period,
        # not reviewed yet) or accepted; revenue growing a little period after period.
        last = last_due_period(today)
        periods = periods_between(Period.of(today - datetime.timedelta(days=760)), last)
        cursor.execute(
            "CREATE TEMP TABLE bench_period (idx int, year int, term int, start_date date, "
            "end_date date, is_last bool) ON COMMIT DROP"
        )
        for idx, period in enumerate(periods):
            cursor.execute(
                "INSERT INTO bench_period VALUES (%s, %s, %s, %s, %s, %s)",
                [idx, period.year, period.term, period.start, period.end, period == last],
            )
        cursor.execute(
            f"""
            WITH owed AS (
                SELECT gr.id AS grant_id, gr.group_id, gr.amount, gr.withdrawn_amount,
                       p.idx, p.year, p.term, p.end_date, p.is_last,
                       {bucket("gr.id * 64 + p.idx", 5)} AS skip,
                       {bucket("gr.id * 64 + p.idx", 6)} AS s,
                       {bucket("gr.id * 64 + p.idx", 7)} AS c,
                       {bucket("gr.id * 64 + p.idx", 8)} AS r
                FROM grants_grant AS gr
                JOIN bench_period AS p ON gr.transferred_on <= p.end_date
                     AND (gr.completed_on IS NULL OR gr.completed_on >= p.start_date)
                WHERE gr.program_id = %(program)s
                  AND gr.status IN ('transferred', 'active', 'completed')
            ), graded AS (
                SELECT *,
                       CASE WHEN s < 3 THEN 'draft' WHEN s < 6 THEN 'returned'
                            WHEN s < CASE WHEN is_last THEN 30 ELSE 10 END THEN 'submitted'
                            ELSE 'accepted' END AS status,
                       3000000 + r * 250000 + idx * 100000 AS revenue
                FROM owed WHERE skip >= 8
            )
            INSERT INTO reports_progressreport (
                group_id, grant_id, year, term, revenue, costs, profit, capital_used,
                asset_value, cash_balance, active_members, jobs_created, condition, problems,
                narrative, status, return_reason, created_by_id, submitted_by_id, submitted_at,
                reviewed_by_id, reviewed_at, created_at, updated_at)
            SELECT group_id, grant_id, year, term, revenue, revenue * 7 / 10,
                   revenue - revenue * 7 / 10, LEAST(withdrawn_amount, amount), 5000000,
                   1000000, 8, c %% 3,
                   CASE WHEN c < 40 THEN 'berkembang' WHEN c < 75 THEN 'stabil'
                        WHEN c < 93 THEN 'menurun' ELSE 'berhenti' END,
                   '', '', status,
                   CASE WHEN status = 'returned' THEN 'Lengkapi foto usaha' ELSE '' END,
                   %(officer)s,
                   CASE WHEN status <> 'draft' THEN %(officer)s END,
                   CASE WHEN status <> 'draft' THEN end_date + 10 + interval '9 hours' END,
                   CASE WHEN status IN ('accepted', 'returned') THEN %(staff)s END,
                   CASE WHEN status IN ('accepted', 'returned')
                        THEN end_date + 20 + interval '9 hours' END,
                   end_date + 5 + interval '9 hours', now()
            FROM graded
            """,
            params,
        )
        step(f"progress reports {cursor.rowcount:,}", started, steps)
    return steps


def vacuum_analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "groups_businessgroup",
            "grants_program",
            "grants_programquota",
            "grants_grant",
            "grants_tranche",
            "reports_progressreport",
            "reports_regencysummary",
            "reports_reportsummary",
            "reports_owingspan",
            "reports_revenuechange",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def check_totals(program_id):
    """The running totals equal what the rows say (raises SystemExit otherwise)."""
    from django.db import connection

    checks = {
        "grant committed/withdrawn": """
            SELECT count(*) FROM grants_grant AS gr LEFT JOIN (
                SELECT grant_id,
                       sum(amount) FILTER (WHERE status IN ('requested', 'approved', 'withdrawn'))
                           AS held,
                       sum(amount) FILTER (WHERE status = 'withdrawn') AS withdrawn
                FROM grants_tranche GROUP BY grant_id) AS t ON t.grant_id = gr.id
            WHERE gr.program_id = %(p)s AND (gr.committed_amount <> coalesce(t.held, 0)
                  OR gr.withdrawn_amount <> coalesce(t.withdrawn, 0))
        """,
        "programme awarded amount": """
            SELECT count(*) FROM grants_program AS pr
            WHERE pr.id = %(p)s AND pr.awarded_amount <> (
                SELECT coalesce(sum(amount), 0) FROM grants_grant
                WHERE program_id = pr.id AND status <> 'cancelled')
        """,
        "quota awarded count": """
            SELECT count(*) FROM grants_programquota AS q
            WHERE q.program_id = %(p)s AND q.awarded_count <> (
                SELECT count(*) FROM grants_grant AS gr
                JOIN groups_businessgroup AS g ON g.id = gr.group_id
                WHERE gr.program_id = q.program_id AND g.regency_id = q.regency_id
                  AND gr.status <> 'cancelled')
        """,
        "grant accounted amount (accepted spending)": """
            SELECT count(*) FROM grants_grant AS gr
            WHERE gr.program_id = %(p)s AND gr.accounted_amount <> coalesce((
                SELECT sum(s.total) FROM grants_spendingreport AS s
                JOIN grants_tranche AS t ON t.id = s.tranche_id
                WHERE t.grant_id = gr.id AND s.status = 'accepted'), 0) + coalesce((
                SELECT sum(h.total) FROM grants_handover AS h
                WHERE h.grant_id = gr.id AND h.status = 'signed'), 0)
        """,
        "withdrawn tranche without its spending report": """
            SELECT count(*) FROM grants_tranche AS t
            JOIN grants_grant AS gr ON gr.id = t.grant_id
            LEFT JOIN grants_spendingreport AS s ON s.tranche_id = t.id
            WHERE gr.program_id = %(p)s AND t.status = 'withdrawn' AND s.id IS NULL
        """,
        "later tranche before the earlier one's spending was accepted": """
            SELECT count(*) FROM grants_tranche AS later
            JOIN grants_grant AS gr ON gr.id = later.grant_id
            JOIN grants_program AS pr ON pr.id = gr.program_id
            JOIN grants_tranche AS earlier ON earlier.grant_id = later.grant_id
                 AND earlier.sequence < later.sequence
                 AND earlier.status IN ('requested', 'approved', 'withdrawn')
            LEFT JOIN grants_spendingreport AS s ON s.tranche_id = earlier.id
            WHERE gr.program_id = %(p)s AND pr.spending_share_percent > 0
              AND later.status IN ('requested', 'approved', 'withdrawn')
              AND (earlier.status <> 'withdrawn' OR s.status IS DISTINCT FROM 'accepted'
                   OR s.total * 100 < earlier.amount * pr.spending_share_percent
                   OR s.reviewed_at > later.requested_at)
        """,
        "accepted spending whose lines do not add up": """
            SELECT count(*) FROM grants_spendingreport AS s
            JOIN grants_tranche AS t ON t.id = s.tranche_id
            JOIN grants_grant AS gr ON gr.id = t.grant_id
            WHERE gr.program_id = %(p)s AND s.total <> coalesce(
                (SELECT sum(amount) FROM grants_spendingline WHERE report_id = s.id), 0)
        """,
        "grant given its aid without a signed decree dated before it": """
            SELECT count(*) FROM grants_grant AS gr
            LEFT JOIN grants_decree AS d ON d.id = gr.decree_id AND d.status = 'signed'
            WHERE gr.program_id = %(p)s AND gr.status IN ('transferred', 'active', 'completed')
              AND (d.id IS NULL OR d.signed_on > gr.transferred_on)
        """,
        "grant given its aid without a signed agreement (scan, signed before it)": """
            SELECT count(*) FROM grants_grant AS gr
            WHERE gr.program_id = %(p)s AND gr.status IN ('transferred', 'active', 'completed')
              AND NOT EXISTS (
                  SELECT 1 FROM grants_agreement AS a
                  WHERE a.grant_id = gr.id AND a.status = 'signed' AND a.scan_id IS NOT NULL
                    AND a.signed_on <= gr.transferred_on)
        """,
        "register numbers with gaps or counters behind them": """
            SELECT count(*) FROM (
                SELECT l.kind, l.year, count(*) AS n, max(l.sequence) AS last
                FROM letters_letter AS l GROUP BY l.kind, l.year) AS r
            LEFT JOIN letters_lettercounter AS c ON c.kind = r.kind AND c.year = r.year
            WHERE r.n <> r.last OR c.last_number IS DISTINCT FROM r.last
        """,
    }
    with connection.cursor() as cursor:
        for label, sql in checks.items():
            cursor.execute(sql, {"p": program_id})
            (wrong,) = cursor.fetchone()
            if wrong:
                raise SystemExit(f"The benchmark data are inconsistent: {label} ({wrong} rows).")
    check_letter_numbers()


def check_letter_numbers():
    """The first and last entries of each kind read as letters.models.render_number writes
    them (SystemExit otherwise)."""
    from django.db.models import Max, Min

    from letters.models import Letter, LetterSeries, render_number

    for kind, first, last in (
        Letter.objects.order_by().values_list("kind").annotate(first=Min("id"), last=Max("id"))
    ):
        pattern = LetterSeries.pattern_of(kind)
        for letter in Letter.objects.filter(pk__in=(first, last)):
            expected = render_number(pattern, seq=letter.sequence, day=letter.issued_on)
            if letter.number != expected:
                raise SystemExit(
                    f"The benchmark data are inconsistent: letter {letter.pk} is numbered "
                    f"{letter.number}, the register would write {expected}."
                )


RAW_GRANTS = """
    SELECT g.regency_id,
           count(*) FILTER (WHERE gr.status <> 'cancelled'),
           count(*) FILTER (WHERE gr.status IN ('transferred', 'active', 'completed')),
           coalesce(sum(gr.amount) FILTER (WHERE gr.status <> 'cancelled'), 0),
           coalesce(sum(gr.amount)
                    FILTER (WHERE gr.status IN ('transferred', 'active', 'completed')), 0),
           coalesce(sum(gr.withdrawn_amount) FILTER (WHERE gr.status <> 'cancelled'), 0)
    FROM grants_grant AS gr JOIN groups_businessgroup AS g ON g.id = gr.group_id
    GROUP BY g.regency_id
"""
RAW_TRANCHES = """
    SELECT g.regency_id,
           count(*) FILTER (WHERE t.status = 'requested'),
           min(t.requested_at) FILTER (WHERE t.status = 'requested'),
           coalesce(sum(t.amount) FILTER (WHERE t.status = 'withdrawn'), 0),
           count(*)
    FROM grants_tranche AS t
    JOIN grants_grant AS gr ON gr.id = t.grant_id
    JOIN groups_businessgroup AS g ON g.id = gr.group_id
    GROUP BY g.regency_id
"""
SUMMARY = """
    SELECT regency_id, sum(grants_awarded), sum(grants_transferred), sum(amount_awarded),
           sum(amount_transferred), sum(amount_withdrawn), sum(tranches_waiting),
           min(oldest_waiting_at)
    FROM reports_regencysummary GROUP BY regency_id
"""


def fetch(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def fetch_none(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def raw_figures():
    """Province-wide grant and tranche figures per regency, from every grant and tranche."""
    figures = {}
    for regency, awarded, transferred, amount, amount_transferred, withdrawn in fetch(RAW_GRANTS):
        figures[regency] = [awarded, transferred, amount, amount_transferred, withdrawn, 0, None]
    for regency, waiting, oldest, _withdrawn, _count in fetch(RAW_TRANCHES):
        row = figures.setdefault(regency, [0, 0, 0, 0, 0, 0, None])
        row[5], row[6] = waiting, oldest
    return figures


def summary_figures():
    return {row[0]: list(row[1:]) for row in fetch(SUMMARY)}


def shown_periods(today):
    from reports.dashboard import COMPLIANCE_PERIODS, last_due_period

    periods = [last_due_period(today)]
    while len(periods) < COMPLIANCE_PERIODS:
        periods.insert(0, periods[0].previous())
    return periods


def raw_reporting(periods):
    """Groups owing each shown period and the reports counted, per regency, from every
    grant and report (what the report summaries and owing spans save)."""
    from django.db.models import Q

    from grants.models import Grant
    from reports.models import ProgressReport
    from reports.summaries import owing_groups_from_rows, report_figures_from_rows

    shown = Q()
    for p in periods:
        shown |= Q(year=p.year, term=p.term)
    owing = owing_groups_from_rows(Grant.objects.all(), periods)
    counted = {}
    for (_program, regency, year, term), counts in report_figures_from_rows(
        ProgressReport.objects.filter(shown)
    ).items():
        mine = counted.setdefault((regency, year, term), dict.fromkeys(counts, 0))
        for name, n in counts.items():
            mine[name] += n
    return owing, counted


def dashboard_reporting(user, today, periods):
    """The same figures as the dashboard shows them (from the summaries)."""
    from reports.dashboard import dashboard
    from reports.models import ReportSummary

    board = dashboard(user=user, today=today)
    owing = {row.code: {c.period: c.owing for c in row.compliance} for row in board.rows}
    counted = {}
    for row in board.rows:
        for c in row.compliance:
            counted[(row.code, c.period.year, c.period.term)] = (c.accepted, c.submitted)
        counted[(row.code, "conditions")] = row.conditions
    return owing, counted, ReportSummary.CONDITIONS


def revenue_changes_match():
    from reports.models import ProgressReport, RevenueChange
    from reports.summaries import revenue_changes_from_rows

    kept = {
        c.report_id: (c.program_id, c.program_year, c.regency_id, c.year, c.term, c.change)
        for c in RevenueChange.objects.all()
    }
    return kept == revenue_changes_from_rows(ProgressReport.objects.all())


def reporting_matches(user, today):
    """The dashboard's owing groups, report counts and conditions equal a recomputation,
    and so do the revenue changes behind its medians."""
    if not revenue_changes_match():
        return False
    periods = shown_periods(today)
    raw_owing, raw_counted = raw_reporting(periods)
    shown_owing, shown_counted, conditions = dashboard_reporting(user, today, periods)
    for code, owing in shown_owing.items():
        if owing != raw_owing.get(code, dict.fromkeys(periods, 0)):
            return False
        for p in periods:
            raw = raw_counted.get((code, p.year, p.term), {"accepted": 0, "submitted": 0})
            if shown_counted[(code, p.year, p.term)] != (raw["accepted"], raw["submitted"]):
                return False
        last = periods[-1]
        raw = raw_counted.get((code, last.year, last.term), {})
        if {c: raw.get(name, 0) for c, name in conditions.items()} != dict(
            shown_counted[(code, "conditions")]
        ):
            return False
    return True


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
        steps = build(
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
            f"build: {refreshed - started:.1f} s ({', '.join(steps)}; VACUUM ANALYZE "
            f"{analysed - inserted:.1f} s; refresh_summaries "
            f"{refreshed - analysed:.1f} s; removing an earlier build took {removed:.1f} s)"
        )
    program = Program.objects.get(name=PROGRAM_NAME)
    check_totals(program.pk)
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
