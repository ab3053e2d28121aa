#!/usr/bin/env python3
"""Back up a PostgreSQL database and the uploaded files, drop both, restore them, and check
that nothing changed: every table's row count, the money totals, every uploaded file and
the access log's append-only triggers.

    .venv/bin/python ops/backup_check.py \\
        --database-url postgres://postgres@127.0.0.1:5432/modal_usaha_scratch \\
        --media /tmp/scratch-media --backup-dir /tmp/scratch-backup \\
        --drop modal_usaha_scratch

It DROPS the database and DELETES the media folder between the backup and the restore:
`--drop` must repeat the database's name. Use a scratch copy (docs/operations.md says how to
make one), never the production database. Needs pg_dump, pg_restore and psql of the
server's major version (PG_BIN, default: the first of /usr/lib/postgresql/*/bin, else PATH).
Exits 0 when everything matches, 1 otherwise. Standard library only.
"""

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Money: whole Rupiah (integers). Each query answers (label, total) rows.
MONEY_QUERIES = {
    "grants by status": "SELECT status, SUM(amount) FROM grants_grant GROUP BY status",
    "tranches by status": "SELECT status, SUM(amount) FROM grants_tranche GROUP BY status",
    "programme budgets": "SELECT fiscal_year::text, SUM(total_budget) FROM grants_program "
    "GROUP BY fiscal_year",
    "all grants": "SELECT 'total', SUM(amount) FROM grants_grant",
    "all tranches": "SELECT 'total', SUM(amount) FROM grants_tranche",
}


def pg_bin(name: str) -> str:
    folder = os.environ.get("PG_BIN") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), ""
    )
    candidate = Path(folder) / name
    return str(candidate) if candidate.exists() else name


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def psql(url: str, sql: str) -> list[list[str]]:
    result = subprocess.run(
        [pg_bin("psql"), "--no-psqlrc", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
         "-d", url, "-c", sql],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def snapshot(url: str, media: Path) -> dict:
    """Row counts of every table, money totals, and the uploaded files (path, size, sha256)."""
    tables = [
        row[0]
        for row in psql(
            url,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        )
    ]
    counts = {}
    if tables:
        union = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in tables)
        counts = {name: int(count) for name, count in psql(url, union)}
    money = {
        label: {key: int(total or 0) for key, total in psql(url, sql)}
        for label, sql in MONEY_QUERIES.items()
    }
    triggers = sorted(
        row[0]
        for row in psql(
            url,
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid IN (SELECT oid FROM pg_class WHERE relname = 'audit_auditentry')",
        )
    )
    files = {}
    for path in sorted(media.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(media))] = (
                path.stat().st_size,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return {"tables": counts, "money": money, "files": files, "triggers": triggers}


def run(*command):
    print("  $", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--media", required=True, type=Path, help="MEDIA_ROOT of that database")
    parser.add_argument("--backup-dir", required=True, type=Path)
    parser.add_argument("--drop", required=True, help="the database's name, to confirm the drop")
    args = parser.parse_args()

    name = urlsplit(args.database_url).path.lstrip("/")
    if args.drop != name:
        parser.error(f"--drop must repeat the database's name ({name!r}): it is dropped")
    maintenance = with_database(args.database_url, "postgres")
    args.backup_dir.mkdir(parents=True, exist_ok=True)
    dump, archive = args.backup_dir / f"{name}.dump", args.backup_dir / f"{name}-media.tar.gz"
    started = time.monotonic()

    print(f"1. Snapshot of {name} and {args.media}")
    before = snapshot(args.database_url, args.media)
    print(f"   {len(before['tables'])} tables, {sum(before['tables'].values())} rows, "
          f"{len(before['files'])} uploaded files")  # fmt: skip

    print("2. Back up")
    run(pg_bin("pg_dump"), "--format=custom", "--compress=6", "--file", dump, args.database_url)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(args.media, arcname=".")
    print(f"   {dump.name}: {dump.stat().st_size:,} bytes; "
          f"{archive.name}: {archive.stat().st_size:,} bytes")  # fmt: skip

    print("3. Drop the database and delete the media folder")
    run(pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", maintenance,
        "-c", f'DROP DATABASE "{name}" WITH (FORCE)')  # fmt: skip
    shutil.rmtree(args.media)

    print("4. Restore")
    run(pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", maintenance,
        "-c", f'CREATE DATABASE "{name}"')  # fmt: skip
    run(pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", args.database_url,
        dump)  # fmt: skip
    args.media.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(args.media, filter="data")

    print("5. Compare")
    after = snapshot(args.database_url, args.media)
    problems = []
    for table in sorted(set(before["tables"]) | set(after["tables"])):
        was, now = before["tables"].get(table), after["tables"].get(table)
        if was != now:
            problems.append(f"table {table}: {was} rows before, {now} after")
    for label in MONEY_QUERIES:
        if before["money"][label] != after["money"][label]:
            problems.append(f"{label}: {before['money'][label]} before, {after['money'][label]}")
    if before["triggers"] != after["triggers"]:
        problems.append(f"access log triggers: {before['triggers']} before, {after['triggers']}")
    if before["files"] != after["files"]:
        changed = set(before["files"].items()) ^ set(after["files"].items())
        problems.append(f"uploaded files differ: {sorted(changed)[:5]}")

    print(f"   tables: {len(after['tables'])}, rows: {sum(after['tables'].values())}")
    for label in MONEY_QUERIES:
        totals = ", ".join(f"{key} Rp{value:,}".replace(",", ".")
                           for key, value in sorted(after["money"][label].items()))  # fmt: skip
        print(f"   {label}: {totals or '-'}")
    print(f"   access log triggers (append-only): {', '.join(after['triggers']) or 'NONE'}")
    print(f"   uploaded files: {len(after['files'])}, "
          f"{sum(size for size, _ in after['files'].values()):,} bytes")  # fmt: skip
    print(f"   took {time.monotonic() - started:.1f} s")
    if problems:
        print("MISMATCH:")
        for problem in problems:
            print("  -", problem)
        return 1
    print("OK: every table's row count, the money totals and every uploaded file are unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
