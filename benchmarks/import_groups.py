"""How fast the Excel import saves members, by the service and through the web.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/modal_usaha_bench \\
        .venv/bin/python benchmarks/import_groups.py [--members 20000] [--repeat 3] [--web]

Creates and migrates the database if needed, loads the regions of province 64, writes a
workbook of N members (valid synthetic NIKs, about 10 per group, spread over the province's
districts) in the export layout, and times `groups.imports.groups_import` end to end (reading,
checking, saving with history) --repeat times; the median is the figure. With --web it
times instead what a user waits for through the web (Django's test client, in process): the
upload and its preview page, then the confirmation (which saves the rows the preview
checked), against the 10,000 members/s target. For comparison it times the raw-SQL floor:
COPY of the same member rows into a scratch table (PostgreSQL), or executemany (SQLite).
A script, not a test.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")  # DEBUG would log every query
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

TARGET = 5000  # members per second, by the service
WEB_TARGET = 10000  # members per second, upload to saved, through the web
MEMBERS_PER_GROUP = 10


def ensure_database():
    """CREATE DATABASE when DATABASE_URL names a PostgreSQL database that does not exist."""
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    config = environ.Env.db_url_config(url)
    admin = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"Created database {config['NAME']}")


def setup():
    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command

    from regions.services import regions_load

    call_command("migrate", verbosity=0)
    regions_load(province_code="64")


def bench_user():
    from accounts.models import User
    from accounts.roles import Role

    user, _created = User.objects.get_or_create(
        username="benchmark-import", defaults={"role": Role.PROVINCE_STAFF}
    )
    return user


def remove_earlier_run(user):
    """Delete what a run wrote (its groups, members and their history rows) with plain SQL,
    then VACUUM ANALYZE those tables, so that every timed import starts from the same
    tables: deleting through the ORM would add a history row per deleted member, and dead
    rows would pile up run after run."""
    from django.db import connection, transaction

    from groups.models import BusinessGroup, Member

    groups = "SELECT id FROM groups_businessgroup WHERE created_by_id = %s"
    tables = [
        model._meta.db_table
        for model in (Member.history.model, BusinessGroup.history.model, Member, BusinessGroup)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tables[0]} WHERE group_id IN ({groups})", [user.pk])
        cursor.execute(f"DELETE FROM {tables[1]} WHERE id IN ({groups})", [user.pk])
        cursor.execute(f"DELETE FROM {tables[2]} WHERE group_id IN ({groups})", [user.pk])
        cursor.execute(f"DELETE FROM {tables[3]} WHERE created_by_id = %s", [user.pk])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")


def nik(district_code, birth_date, sex, serial):
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


def member_rows(count):
    """(group index, district code, member values) for `count` members."""
    from regions.models import District

    districts = list(District.objects.filter(regency__province_id="64").order_by("code"))
    rows = []
    for i in range(count):
        group = i // MEMBERS_PER_GROUP
        district = districts[group % len(districts)]
        sex = "P" if i % 2 else "L"
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(i * 7) % 14000)
        number = nik(district.code, birth, sex, i // 1000 + 1)
        role = "ketua" if i % MEMBERS_PER_GROUP == 0 else "anggota"
        rows.append(
            (
                group,
                district,
                {
                    "nik": number,
                    "kk_number": number[:6] + f"01{i:08d}",
                    "full_name": f"Anggota Uji {i}",
                    "sex": sex,
                    "birth_date": birth,
                    "phone": f"0812{i:08d}",
                    "role": role,
                    "decile": 1 + i % 10,
                },
            )
        )
    return rows


def workbook(rows) -> bytes:
    """The rows in the import layout, written like the export (openpyxl write-only)."""
    from openpyxl import Workbook

    from groups.workbook import GROUP_COLUMNS, MEMBER_COLUMNS
    from regions.models import Village

    villages = {}  # the first village of each district, as the file names it
    for code, district, name in Village.objects.order_by("-code").values_list(
        "code", "district_id", "name"
    ):
        villages[district] = (name, code)

    book = Workbook(write_only=True)
    groups_sheet = book.create_sheet("Kelompok")
    members_sheet = book.create_sheet("Anggota")
    groups_sheet.append([c.header for c in GROUP_COLUMNS])
    members_sheet.append([c.header for c in MEMBER_COLUMNS])
    seen = set()
    for group, district, member in rows:
        name = f"KUBE Uji {group:05d}"
        if group not in seen:
            seen.add(group)
            groups_sheet.append(
                [
                    None,
                    name,
                    "food",
                    district.regency_id,
                    district.code,
                    *villages[district.code],
                    f"Jl. Uji No. {group}",
                    "081200000000",
                    datetime.date(2024, 1, 15),
                    "Bankaltimtara",
                    f"0011{group:08d}",
                    name,
                    None,
                ]
            )
        members_sheet.append(
            [
                name,
                name,
                member["nik"],
                member["kk_number"],
                member["full_name"],
                member["sex"],
                member["birth_date"],
                member["phone"],
                member["role"],
                member["decile"],
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def time_import(data, user):
    from groups.imports import groups_import

    started, cpu = time.perf_counter(), time.process_time()
    result = groups_import(file=data, by=user)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not result.ok:
        for issue in result.errors[:20]:
            print(issue)
        raise SystemExit("The benchmark workbook did not import.")
    return elapsed, cpu, result


def time_dry_run(data, user):
    from groups.imports import groups_import

    started = time.perf_counter()
    groups_import(file=data, by=user, dry_run=True)
    return time.perf_counter() - started


def time_web(data, user):
    """Upload and preview, then confirm, as the import page does; seconds of each step."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(user)
    upload = SimpleUploadedFile("kelompok.xlsx", data)
    started = time.perf_counter()
    preview = client.post("/kelompok/impor/", {"file": upload})
    previewed = time.perf_counter()
    token = re.search(rb'name="token" value="([0-9a-f-]+)"', preview.content)
    if preview.status_code != 200 or token is None:
        raise SystemExit(f"The preview failed ({preview.status_code}).")
    confirmed = client.post("/kelompok/impor/", {"token": token.group(1).decode(), "confirm": ""})
    done = time.perf_counter()
    if confirmed.status_code != 302:
        raise SystemExit(f"The confirmation failed ({confirmed.status_code}).")
    return previewed - started, done - previewed


def time_raw_floor(rows) -> float:
    """The same member rows written with the least work the database allows."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    values = [
        (
            m["nik"],
            m["kk_number"],
            m["full_name"],
            m["sex"],
            m["birth_date"],
            m["phone"],
            m["role"],
            m["decile"],
            True,
            now,
            now,
        )
        for _group, _district, m in rows
    ]
    columns = (
        "nik, kk_number, full_name, sex, birth_date, phone, role, decile, active, "
        "created_at, updated_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_member AS SELECT * FROM groups_member LIMIT 0")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_member ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 11)
            cursor.executemany(f"INSERT INTO bench_member ({columns}) VALUES ({marks})", values)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_member")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="imports to time; the median is the figure"
    )
    parser.add_argument("--web", action="store_true", help="upload, preview and confirm")
    parser.add_argument(
        "--json", action="store_true", help="end with the figures as one JSON line (make bench)"
    )
    args = parser.parse_args()

    setup()
    from django.db import connection

    user = bench_user()
    remove_earlier_run(user)
    rows = member_rows(args.members)
    data = workbook(rows)
    groups = len({group for group, _d, _m in rows})
    print(
        f"{connection.vendor}: {args.members} members in {groups} groups, "
        f"workbook {len(data) / 1024 / 1024:.1f} MB"
    )

    if args.web:
        web(args, data, user)
        return
    dry = time_dry_run(data, user)
    print(f"dry run (read and check only): {dry:.2f} s, {args.members / dry:,.0f} members/s")
    rates = []
    for run in range(1, args.repeat + 1):
        elapsed, cpu, result = time_import(data, user)
        remove_earlier_run(user)
        rates.append(result.members_created / elapsed)
        print(
            f"import {run}: {elapsed:.2f} s, {rates[-1]:,.0f} members/s "
            f"(CPU time of this process {cpu:.2f} s)"
        )
    rate = statistics.median(rates)
    raw = time_raw_floor(rows)

    print(
        f"median import: {rate:,.0f} members/s; ratio to the {TARGET:,}/s target: "
        f"{rate / TARGET:.2f}"
    )
    floor = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(
        f"raw-SQL floor ({floor} of the same member rows): {raw:.2f} s, "
        f"{args.members / raw:,.0f} rows/s; the median import takes "
        f"{args.members / rate / raw:.1f}x the floor"
    )


def web(args, data, user):
    rates = []
    for run in range(1, args.repeat + 1):
        cpu = time.process_time()
        preview, confirm = time_web(data, user)
        cpu = time.process_time() - cpu
        remove_earlier_run(user)
        rates.append(round(args.members / (preview + confirm)))
        print(
            f"web {run}: upload and preview {preview:.2f} s, confirm {confirm:.2f} s, "
            f"{rates[-1]:,.0f} members/s (CPU time of this process {cpu:.2f} s)"
        )
    rate = statistics.median(rates)
    print(
        f"median through the web: {rate:,.0f} members/s; ratio to the {WEB_TARGET:,}/s "
        f"target: {rate / WEB_TARGET:.2f}"
    )
    if args.json:
        import json

        print(json.dumps({"members": args.members, "runs": rates, "members_per_s": rate}))


if __name__ == "__main__":
    main()
