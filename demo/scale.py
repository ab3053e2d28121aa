"""National-scale data, built with set-based SQL (INSERT ... SELECT) on PostgreSQL: what
`manage.py seed_scale` writes and what `make bench` (benchmarks/) measures the pages on.

`build` writes, in one transaction, N business groups spread round-robin over the
regencies of PROVINCE_CODE (the ten the dashboard shows) or, national, over every regency
of Indonesia, each in one of its own districts (and that district's first village), with
M members each (a chair, a secretary, a treasurer and members: a valid NIK from the
group's district, birth date and sex, one active group per NIK, every No. KK distinct;
the members of rejected and inactive groups are no longer active); one programme with a
quota per regency, a grant for each eligible group (about 0.96 N), about 3.1 tranches per
grant in every state and the progress reports those grants owe (one per period), keeping
the running totals (Program.awarded_amount, ProgramQuota.awarded_count,
Grant.committed_amount, withdrawn_amount and accounted_amount) equal to what the rows say.
The paper trail is built with them, as the services would leave it: a signed recipients'
decree per week of awards, an agreement (NPHD) per grant, signed with its scan before the
transfer, an approval letter per approved or withdrawn tranche, each numbered in the
letter register (gap-free per kind and year, in the kind's pattern, counters moved on),
and a spending report per withdrawn tranche, accepted with its purchase and receipt
before the next tranche (file rows only: no file is written). The same --seed and day
give the same data: every choice is a hash of a row's ordinal and the seed.

`check` then asks the rows what the services promise (running totals, sums within the
grants, the paper trail, gap-free letter numbers, the dashboard summaries equal to a
recomputation) and raises Inconsistent with the first that fails.
"""

import datetime
import re
import time
from dataclasses import dataclass

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
# A member's NIK tells it from the others by its birth date (one of 10,000 days) and its
# serial (0001-9999).
MAX_MEMBERS = 10_000 * 9_998  # the seed shifts the days by up to 9,999


# The build's temporary tables (session-local, ON COMMIT DROP).
TEMPORARY_TABLES = (
    "bench_pattern",
    "bench_template",
    "bench_plan",
    "bench_letter",
    "bench_decree",
    "bench_agreement",
    "bench_tranche",
    "bench_spending",
    "bench_period",
)


class Inconsistent(Exception):
    """The built rows break a promise of the services (the message says which)."""


def mixed(expression: str, salt: int) -> str:
    """SQL for a well-mixed number 0-65535 from an integer expression, independent per salt
    and per the build's seed (the query parameter `seed`)."""
    return f"(hashint8extended(({expression})::bigint, %(seed)s::bigint * 16 + {salt}) & 65535)"


def bucket(expression: str, salt: int) -> str:
    """SQL for a well-mixed number 0-99 from an integer expression (see `mixed`)."""
    return f"({mixed(expression, salt)} %% 100)"


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
    columns `seq` and `issued_on`; ValueError for a placeholder it does not know."""
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
            raise ValueError(f"Letter numbers with {match[0]} cannot be written in SQL.")
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
            SELECT b.*, y.year,
                   coalesce(c.last_number, 0) + row_number() OVER (
                       PARTITION BY y.year ORDER BY b.issued_on, b.subject, b.id) AS seq
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


def scale_users():
    """The province staff who registers the groups, the approver who signs, and a regency
    officer of the province's first regency (demo users: their addresses are in the demo's
    reserved domain, so demo/safety.py counts their rows as demo data)."""
    from accounts.models import User
    from accounts.roles import Role
    from demo.safety import demo_email
    from regions.models import Regency

    regency = Regency.objects.in_province().order_by("code").first()
    staff, _ = User.objects.get_or_create(
        username=STAFF, defaults={"role": Role.PROVINCE_STAFF, "email": demo_email(STAFF)}
    )
    approver, _ = User.objects.get_or_create(
        username=APPROVER, defaults={"role": Role.APPROVER, "email": demo_email(APPROVER)}
    )
    if not (approver.position and approver.nip):  # signs the decrees, agreements, letters
        approver.position, approver.nip = "Kepala Dinas Sosial", APPROVER_NIP
        approver.save(update_fields=["position", "nip"])
    officer, _ = User.objects.get_or_create(
        username=OFFICER,
        defaults={
            "role": Role.REGENCY_OFFICER,
            "regency": regency,
            "email": demo_email(OFFICER),
        },
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
    """Delete the rows of an earlier build (only those: the programme, its paper trail and
    the staff user's groups and their members); the register's counters go back to the
    last number left."""
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
        cursor.execute(
            "DELETE FROM groups_member WHERE group_id IN "
            "(SELECT id FROM groups_businessgroup WHERE created_by_id = %s)",
            [staff.pk],
        )
        cursor.execute("DELETE FROM groups_businessgroup WHERE created_by_id = %s", [staff.pk])
        cursor.execute(
            """
            UPDATE letters_lettercounter AS c SET last_number = coalesce(
                (SELECT max(sequence) FROM letters_letter AS l
                 WHERE l.kind = c.kind AND l.year = c.year), 0)
            """
        )


INSERT_INTO = re.compile(r"\bINSERT INTO (\w+)")


class CountingCursor:
    """The build's cursor: counts the rows each INSERT writes, per table (its temporary
    tables aside)."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.written: dict[str, int] = {}

    def execute(self, sql, params=None):
        self.cursor.execute(sql, params)
        match = INSERT_INTO.search(sql)
        if match and not match[1].startswith("bench_"):
            self.written[match[1]] = self.written.get(match[1], 0) + self.cursor.rowcount

    def __getattr__(self, name):
        return getattr(self.cursor, name)


@dataclass
class Built:
    program_id: int
    written: dict[str, int]  # rows per table
    steps: list[str]  # what took how long

    @property
    def rows(self) -> int:
        return sum(self.written.values())


def step(label, started, steps):
    now = time.perf_counter()
    steps.append(f"{label} {now - started:.1f} s")
    return now


# Foreign keys checked set-based --------------------------------------------------------
#
# Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: PostgreSQL queues one check per
# row and key and runs them one by one at the commit (about 1.5 million at 20,000 groups,
# most of the commit's time). The build turns those checks off for its own transaction
# (only the foreign keys' triggers: the tables' other triggers, such as the group counts,
# still run) and then asks the same question once per key with an anti-join. Turning an
# internal trigger off needs a superuser; anyone else keeps the row-by-row checks.

# The tables the build inserts into whose foreign keys it checks itself.
CHECKED_TABLES = (
    "groups_businessgroup",
    "groups_member",
    "letters_letter",
    "grants_programquota",
    "grants_decree",
    "grants_grant",
    "grants_grantdocument",
    "grants_agreement",
    "grants_tranche",
    "grants_spendingreport",
    "grants_spendingline",
    "reports_progressreport",
)
# The tables refresh_all_summaries rewrites (and reports.owed's rebuild with it).
REFRESHED_TABLES = (
    "reports_regencysummary",
    "reports_reportsummary",
    "reports_owingspan",
    "reports_revenuechange",
    "reports_lpjowingspan",
    "reports_lpjsummary",
    "reports_owedreport",
    "reports_owedcount",
    "reports_owedhorizon",
)


@dataclass(frozen=True)
class ForeignKey:
    table: str
    name: str
    columns: tuple[str, ...]  # quoted
    referenced: str
    referenced_columns: tuple[str, ...]  # quoted
    triggers: tuple[str, ...]  # the checks on `table`'s inserts and updates, quoted

    def orphans_sql(self) -> str:
        """SQL counting the rows of `table` whose key no row of `referenced` has (MATCH
        SIMPLE, as Django's keys: a row with a NULL in its key refers to nothing)."""
        present = " AND ".join(f"c.{column} IS NOT NULL" for column in self.columns)
        same = " AND ".join(
            f"r.{theirs} = c.{ours}"
            for ours, theirs in zip(self.columns, self.referenced_columns, strict=True)
        )
        return (
            f"SELECT count(*) FROM {self.table} AS c WHERE {present} "
            f"AND NOT EXISTS (SELECT FROM {self.referenced} AS r WHERE {same})"
        )


def foreign_keys(cursor, tables) -> list[ForeignKey]:
    """The foreign keys of `tables`, with the triggers that check them on those tables."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text,
               ARRAY(SELECT quote_ident(a.attname)
                     FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
                     JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                     ORDER BY k.i),
               ARRAY(SELECT quote_ident(a.attname)
                     FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, i)
                     JOIN pg_attribute AS a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                     ORDER BY k.i),
               ARRAY(SELECT quote_ident(t.tgname) FROM pg_trigger AS t
                     WHERE t.tgconstraint = c.oid AND t.tgrelid = c.conrelid ORDER BY t.tgname)
        FROM pg_constraint AS c
        WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
        ORDER BY 1, 2
        """,
        [list(tables)],
    )
    return [
        ForeignKey(table, name, tuple(columns), referenced, tuple(theirs), tuple(triggers))
        for table, name, referenced, columns, theirs, triggers in cursor.fetchall()
    ]


def skip_row_checks(cursor, tables) -> list[ForeignKey]:
    """Turn off, until the end of the transaction, the row-by-row checks of the foreign keys
    of `tables` (none when the role may not); returns the keys left to check_foreign_keys.
    ALTER TABLE is transactional: other sessions never see the triggers off, and wait for
    the tables until the commit."""
    from django.db import connection

    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if not cursor.fetchone()[0]:
        return []
    # A table with checks still pending cannot be altered: run now those of an enclosing
    # transaction (a test's, after remove_earlier_build), as Django's tests do at their end.
    connection.check_constraints()
    keys = foreign_keys(cursor, tables)
    for key in keys:
        for trigger in key.triggers:
            cursor.execute(f"ALTER TABLE {key.table} DISABLE TRIGGER {trigger}")
    return keys


# Indexes built once ----------------------------------------------------------------
#
# Keeping an index current row by row costs more than building it once over the rows: at
# 20,000 groups the members' seven secondary indexes took about 2 s of a 3 s insert and
# build in 0.8 s. A table the build fills from empty loses its secondary indexes for the
# build and gets them back, with the same definitions, before the commit (a unique one
# checks every row then, as it would have row by row). Indexes that back a constraint
# (primary keys, the unique keys foreign keys refer to) stay.

# The tables where that pays, measured index by index at 20,000 groups: keys in no order
# (NIKs, names, trigrams, regencies) cost more to keep than to build. The other tables'
# indexes mostly follow the ids or a handful of users (cheap to keep current), and each
# CREATE INDEX reads the whole table again.
REBUILT_INDEX_TABLES = (
    "groups_businessgroup",
    "groups_member",
    "letters_letter",
    "grants_grant",
    "grants_grantdocument",
)


def set_indexes_aside(cursor, tables) -> list[str]:
    """Drop the secondary indexes of those of `tables` that hold no rows; returns their
    definitions for restore_indexes. Only while the foreign keys' row checks are off: a
    table with checks pending cannot have an index built."""
    empty = []
    for table in tables:
        cursor.execute(f"SELECT NOT EXISTS (SELECT FROM {table})")
        if cursor.fetchone()[0]:
            empty.append(table)
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index AS i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
        ORDER BY i.indrelid::regclass::text, 1
        """,
        [empty],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes]


def restore_indexes(cursor, definitions) -> None:
    for definition in definitions:
        cursor.execute(definition)


def check_foreign_keys(cursor, keys) -> None:
    """Every row refers to a row that exists (one anti-join per key), then the row-by-row
    checks back on; Inconsistent naming the first key with orphans."""
    for key in keys:
        cursor.execute(key.orphans_sql())
        (orphans,) = cursor.fetchone()
        if orphans:
            raise Inconsistent(
                f"{orphans} rows of {key.table} refer to no {key.referenced} ({key.name})"
            )
    for key in keys:
        for trigger in key.triggers:
            cursor.execute(f"ALTER TABLE {key.table} ENABLE TRIGGER {trigger}")


def build(
    *, groups, national, staff, approver, officer, today, seed=0, members_per_group=0
) -> Built:
    """Every row the dashboard reads, in one transaction, with INSERT ... SELECT (the
    members only when `members_per_group` is given)."""
    from django.conf import settings
    from django.db import connection, transaction

    from grants.models import Program
    from reports.dashboard import last_due_period
    from reports.periods import Period, periods_between

    steps = []
    started = time.perf_counter()
    if groups * members_per_group > MAX_MEMBERS:
        raise ValueError(f"At most {MAX_MEMBERS:,} members: a NIK has four digits of serial.")
    with transaction.atomic(), connection.cursor() as raw_cursor:
        cursor = CountingCursor(raw_cursor)
        # Dropped at commit, but kept by an outer transaction (a test's) until its end.
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMPORARY_TABLES)}")
        unchecked = skip_row_checks(cursor, CHECKED_TABLES)
        set_aside = set_indexes_aside(cursor, REBUILT_INDEX_TABLES) if unchecked else []
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
        params |= {"tz": settings.TIME_ZONE, "seed": seed, "members": members_per_group}
        cursor.written["grants_program"] = 1

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
            ), numbered AS (  -- the regency's place computed first: a hash join, not a loop
                SELECT n, {status} AS s, n %% c.total AS regency_idx, n / c.total AS lap
                FROM generate_series(0, %(groups)s - 1) AS n
                CROSS JOIN (SELECT count(*) AS total FROM regencies) AS c
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
            JOIN regencies AS r ON r.idx = regency_idx
            JOIN districts AS d ON d.regency_id = r.code AND d.idx = lap %% d.total
            ORDER BY n
            """,
            params | {"sectors": list(SECTORS)},
        )
        started = step(f"groups {cursor.rowcount:,}", started, steps)

        # Members: the k-th member of the build has the NIK of its group's district, a birth
        # date in 1960-1987 and a serial that together tell it from every other (k's place
        # in a 10,000-day cycle, shifted by the seed, and the cycle's number), +40 on the day
        # for a woman; a No. KK of its own (one household each); the first three are the
        # group's chair, secretary and treasurer. Members of rejected and inactive groups
        # are no longer active (as after those decisions).
        if members_per_group:
            cursor.execute(
                f"""
                WITH numbered AS (
                    SELECT g.id, replace(g.district_id, '.', '') AS district,
                           g.status IN ('rejected', 'inactive') AS left_group,
                           row_number() OVER (ORDER BY g.id) - 1 AS n
                    FROM groups_businessgroup AS g WHERE g.created_by_id = %(staff)s
                ), members AS (
                    SELECT g.id AS group_id, g.district, g.left_group, m AS place,
                           g.n * %(members)s + m AS k,
                           g.n * %(members)s + m + {mixed("0", 9)} %% 10000 AS shifted
                    FROM numbered AS g CROSS JOIN generate_series(0, %(members)s - 1) AS m
                ), born AS (
                    SELECT *, DATE '1960-01-01' + (shifted %% 10000)::int AS birth,
                           shifted / 10000 + 1 AS serial, {bucket("k", 10)} < 50 AS woman
                    FROM members
                )
                INSERT INTO groups_member (
                    group_id, nik, kk_number, full_name, sex, birth_date, phone, role, decile,
                    active, created_at, updated_at)
                SELECT group_id,
                       district
                           || lpad((extract(day FROM birth)::int + CASE WHEN woman THEN 40
                                                                         ELSE 0 END)::text,
                                   2, '0')
                           || to_char(birth, 'MMYY') || lpad(serial::text, 4, '0'),
                       district || lpad((k %% 1000000)::text, 6, '0')
                           || lpad((k / 1000000 + 1)::text, 4, '0'),
                       'Anggota ' || k, CASE WHEN woman THEN 'P' ELSE 'L' END, birth, '',
                       CASE place WHEN 0 THEN 'ketua' WHEN 1 THEN 'sekretaris'
                                  WHEN 2 THEN 'bendahara' ELSE 'anggota' END,
                       1 + {bucket("k", 11)} %% 4, NOT left_group, now(), now()
                FROM born
                """,
                params,
            )
            started = step(f"members {cursor.rowcount:,}", started, steps)

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
            SELECT g.id AS group_id, g.n, g.regency_id, p.pattern, p.grant_status,
                   p.committed_percent, p.withdrawn_percent, p.accounted_percent,
                   (5 + 5 * {bucket("g.n", 3)} / 25) * {MILLION} AS amount,
                   %(today)s::date - 40 - ({mixed("g.n", 4)} %% 720)::int AS base
            FROM (SELECT id, regency_id, status, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM groups_businessgroup WHERE created_by_id = %(staff)s) AS g
            JOIN bench_pattern AS p ON {bucket("g.n", 2)} BETWEEN p.lo AND p.hi
            WHERE g.status = 'eligible'
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
                program_id, group_id, regency_id, amount, decree_id, awarded_on,
                awarded_by_id, transferred_on, transfer_reference, status, status_reason,
                completed_on, committed_amount, withdrawn_amount, accounted_amount,
                created_at, updated_at)
            SELECT %(program)s, group_id, regency_id, amount, d.id, base - 14,
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
            SELECT gr.id AS grant_id, p.n, gr.amount, t.sequence, t.percent, t.status,
                   t.accepted, at.requested, g.regency_id,
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
                       + (p.n %% 480) * interval '1 minute' AS requested
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
                   md5('scale-' || %(seed)s || '-' || n || '-' || sequence)::uuid,
                   status, %(officer)s, requested,
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
                       {bucket("plan.n * 64 + p.idx", 5)} AS skip,
                       {bucket("plan.n * 64 + p.idx", 6)} AS s,
                       {bucket("plan.n * 64 + p.idx", 7)} AS c,
                       {bucket("plan.n * 64 + p.idx", 8)} AS r
                FROM grants_grant AS gr
                JOIN bench_plan AS plan ON plan.group_id = gr.group_id
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
        started = step(f"progress reports {cursor.rowcount:,}", started, steps)
        restore_indexes(cursor, set_aside)
        started = step(f"indexes {len(set_aside)}", started, steps)
        check_foreign_keys(cursor, unchecked)
        started = step(f"foreign keys {len(unchecked)}", started, steps)
    # The foreign keys skip_row_checks could not turn off are checked row by row here.
    step("commit", started, steps)
    return Built(program_id=program.pk, written=cursor.written, steps=steps)


def refresh_summaries() -> dict[str, int]:
    """reports.summaries.refresh_all_summaries in a transaction of its own, its foreign
    keys checked once per key rather than row by row at the commit (skip_row_checks);
    returns the rows written per kind of summary."""
    from django.db import connection, transaction

    from reports.summaries import refresh_all_summaries

    with transaction.atomic(), connection.cursor() as cursor:
        unchecked = skip_row_checks(cursor, REFRESHED_TABLES)
        written = refresh_all_summaries()
        check_foreign_keys(cursor, unchecked)
    return written


def vacuum_analyze():
    """VACUUM ANALYZE every table (what a benchmark should time the pages on): the build's
    rows and the summaries and owed rows rebuilt from them, whatever autovacuum (off on some
    servers) has or has not done yet."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def analyze():
    """ANALYZE every table: the planner's statistics for the summaries and the checks
    (VACUUM is left to autovacuum)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def check_totals(program_id):
    """The running totals equal what the rows say (raises Inconsistent otherwise)."""
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
        "tranches holding more than their grant": """
            SELECT count(*) FROM grants_grant AS gr
            WHERE gr.program_id = %(p)s AND gr.amount < (
                SELECT coalesce(sum(amount), 0) FROM grants_tranche
                WHERE grant_id = gr.id AND status IN ('requested', 'approved', 'withdrawn'))
        """,
        "reports counting more capital used than the grant": """
            SELECT count(*) FROM reports_progressreport AS r
            JOIN grants_grant AS gr ON gr.id = r.grant_id
            WHERE gr.program_id = %(p)s AND r.capital_used > gr.amount
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
                raise Inconsistent(f"{label} ({wrong} rows)")
    check_letter_numbers()


def check_letter_numbers():
    """The first and last entries of each kind read as letters.models.render_number writes
    them (Inconsistent otherwise)."""
    from django.db.models import Max, Min

    from letters.models import Letter, LetterSeries, render_number

    for kind, first, last in (
        Letter.objects.order_by().values_list("kind").annotate(first=Min("id"), last=Max("id"))
    ):
        pattern = LetterSeries.pattern_of(kind)
        for letter in Letter.objects.filter(pk__in=(first, last)):
            expected = render_number(pattern, seq=letter.sequence, day=letter.issued_on)
            if letter.number != expected:
                raise Inconsistent(
                    f"letter {letter.pk} is numbered "
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


def counted(figures):
    """The regencies with a figure (a regency whose grants were all cancelled has no
    summary row: nothing to count)."""
    return {regency: row for regency, row in figures.items() if any(row)}


def check(*, program_id, staff, today):
    """Every promise the build keeps (check_totals), and the dashboard summaries equal to a
    recomputation from the raw rows; Inconsistent with the first that fails."""
    check_totals(program_id)
    from groups.models import GroupCount

    if drifted := GroupCount.drifted():
        raise Inconsistent(f"the groups per regency and status differ from a recount: {drifted}")
    if counted(raw_figures()) != counted(summary_figures()):
        raise Inconsistent("the grant summaries differ from the grants and tranches")
    if not reporting_matches(staff, today):
        raise Inconsistent(
            "the report summaries (owing groups, reports, conditions, revenue changes) "
            "differ from the reports"
        )
