"""Demo data for a fresh installation; safe to run again (it updates the demo users,
creates only the demo groups that are missing, and tells the grants' story only once).

Refuses to run with production settings or against a database that holds data the demo
did not create (demo/safety.py); `--check` only asks, before `migrate` (make demo)."""

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from demo.grants import seed_grants
from demo.groups import seed_groups
from demo.in_kind import seed_in_kind
from demo.lpj import seed_lpjs
from demo.reports import seed_reports
from demo.safety import DemoRefused, demo_email, ensure_demo_allowed
from demo.training import seed_training
from regions.models import Regency
from reports.summaries import refresh_all_summaries

DEMO_USERS = [
    # username, first name, last name, role, regency code, superuser, position, NIP
    ("admin", "Admin", "TI", "", None, True, "", ""),
    (
        "kepala.dinas",
        "Darmawan",
        "Setiadi",
        Role.APPROVER,
        None,
        False,
        "Kepala Dinas Sosial Provinsi Kalimantan Timur",
        "196905121994031005",
    ),
    (
        "staf.provinsi",
        "Rina",
        "Wulandari",
        Role.PROVINCE_STAFF,
        None,
        False,
        "Analis Kebijakan Ahli Muda pada Bidang Pemberdayaan Sosial",
        "198703152010122003",
    ),
    (
        "penyetuju",
        "Hendra",
        "Saputra",
        Role.APPROVER,
        None,
        False,
        "Kepala Bidang Pemberdayaan Sosial",
        "197608212002121004",
    ),
    (
        "petugas.paser",
        "Siti",
        "Rahmawati",
        Role.REGENCY_OFFICER,
        "64.01",
        False,
        "Pekerja Sosial Ahli Pertama",
        "199205102019032011",
    ),
    (
        "kepala.paser",
        "Bambang",
        "Sutrisno",
        Role.REGENCY_HEAD,
        "64.01",
        False,
        "Kepala Dinas Sosial Kabupaten Paser",
        "197011071995031002",
    ),
    (
        "petugas.berau",
        "Agus",
        "Pratama",
        Role.REGENCY_OFFICER,
        "64.03",
        False,
        "Penyuluh Sosial Ahli Pertama",
        "199108262018011001",
    ),
]


class Command(BaseCommand):
    help = "Create or refresh the demo users and the Kaltim demo story (175 business groups)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default="modalusaha2026",
            help="Password given to every demo user (default: %(default)s)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the demo may be written here (before migrate); write nothing",
        )

    def handle(self, *args, password, check, **options):
        try:
            ensure_demo_allowed(database_ready=not check)
        except DemoRefused as refusal:
            raise CommandError(f"seed_demo refused: {refusal}") from None
        if check:
            return
        if not Regency.objects.filter(code__startswith="64.").exists():
            call_command("load_regions", province="64", stdout=self.stdout)
        with transaction.atomic():
            users = [self._user(*spec, password=password) for spec in DEMO_USERS]
        by_username = {user.username: user for user in users}
        steps = [
            ("business groups and members", self._groups),
            ("programme, decree, agreements, grants and tranches", self._grants),
            ("progress reports", self._reports),
            ("in-kind aid", self._in_kind),
            ("LPJs", self._lpjs),
            ("training and mentoring visits", self._training),
            ("dashboard summaries", lambda users: refresh_all_summaries()),
        ]
        started = time.monotonic()
        # The story makes hundreds of decisions, each in the access log (the database keeps
        # them all); echoed to the terminal they would bury the progress lines.
        audit_logger = logging.getLogger("audit")
        level = audit_logger.level
        audit_logger.setLevel(logging.WARNING)
        try:
            for number, (label, step) in enumerate(steps, start=1):
                # A first run takes a minute or more: say what is being done before doing it.
                self.stdout.write(f"[{number}/{len(steps)}] {label} ...")
                self.stdout.flush()
                step(by_username)
        finally:
            audit_logger.setLevel(level)
        self.stdout.write(f"Demo ready in {time.monotonic() - started:.0f} s.")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password for all: {password}):"))
        for user in users:
            role = user.get_role_display() or "superuser"
            where = f" · {user.regency}" if user.regency else ""
            self.stdout.write(f"  {user.username:<16} {role}{where}")

    def _groups(self, users):
        summary = seed_groups(
            by_province=users["staf.provinsi"],
            by_officers={"64.01": users["petugas.paser"], "64.03": users["petugas.berau"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo business groups: {summary.groups} "
                f"({summary.created} created, {summary.already_present} already present)"
            )
        )
        statuses = ", ".join(
            f"{count} {status}" for status, count in summary.by_status.items() if count
        )
        self.stdout.write(f"  by status: {statuses}")
        self.stdout.write(
            f"  members: {summary.members} ({summary.active_members} active; the members of "
            "rejected and inactive groups are no longer active)"
        )
        for problem in summary.not_created:
            self.stdout.write(self.style.WARNING(f"  not created: {problem}"))

    def _grants(self, users):
        summary = seed_grants(
            province_staff=users["staf.provinsi"],
            approver=users["penyetuju"],
            officers={"64.01": users["petugas.paser"], "64.03": users["petugas.berau"]},
            head=users["kepala.dinas"],
            reviewers={"64.01": users["kepala.paser"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo grants: {summary.grants} in {summary.program} "
                f"({summary.created} awarded now, {summary.already_present} already present)"
            )
        )
        for label, counts in [
            ("grants", summary.by_grant_status),
            ("tranches", summary.by_tranche_status),
        ]:
            listed = ", ".join(f"{count} {status}" for status, count in counts.items() if count)
            self.stdout.write(f"  {label} by status: {listed}")
        if summary.officers_created:
            self.stdout.write(
                "  regency officers added (no password; set one in the admin): "
                + ", ".join(summary.officers_created)
            )
        for problem in summary.problems:
            self.stdout.write(self.style.WARNING(f"  not done: {problem}"))

    def _reports(self, users):
        summary = seed_reports(
            province_staff=users["staf.provinsi"], reviewers={"64.01": users["kepala.paser"]}
        )
        if summary.already_present:
            self.stdout.write(f"Demo progress reports: {summary.already_present} already present")
            return
        listed = ", ".join(f"{count} {status}" for status, count in summary.by_status.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo progress reports: {sum(summary.by_status.values())}")
        )
        self.stdout.write(
            f"  by status: {listed}; {summary.late} written late, {summary.missing} missing"
        )

    def _in_kind(self, users):
        summary = seed_in_kind(
            province_staff=users["staf.provinsi"],
            officer=users["petugas.paser"],
            head=users["kepala.dinas"],
        )
        if summary.already_present:
            self.stdout.write(f"Demo in-kind aid: {summary.already_present} grants already present")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo in-kind aid: {summary.grants} grants in {summary.program}, "
                    f"{summary.handed_over} handed over with a BAST"
                )
            )

    def _lpjs(self, users):
        summary = seed_lpjs(province_staff=users["staf.provinsi"])
        if summary.already_present:
            self.stdout.write(f"Demo LPJs: {summary.already_present} already present")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo LPJs 2026: {summary.submitted} submitted by completed groups, "
                    f"{summary.received} received with a numbered receipt"
                )
            )

    def _training(self, users):
        summary = seed_training(
            province_staff=users["staf.provinsi"],
            officers={"64.01": users["petugas.paser"], "64.03": users["petugas.berau"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo training sessions: {summary.sessions_created} created, "
                f"{summary.sessions_present} already present; the Paser training's attendance: "
                f"{summary.present} present, {summary.absent} absent"
            )
        )
        if summary.visits_present:
            self.stdout.write(f"Demo mentoring visits: {summary.visits_present} already present")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo mentoring visits: {summary.visits_created} "
                    f"({summary.photos} with a photo)"
                )
            )
        for problem in summary.problems:
            self.stdout.write(self.style.WARNING(f"  not done: {problem}"))

    def _user(
        self,
        username,
        first_name,
        last_name,
        role,
        regency_code,
        superuser,
        position,
        nip,
        *,
        password,
    ):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": demo_email(username),
                "role": role,
                "regency_id": regency_code,
                "is_staff": superuser,
                "is_superuser": superuser,
                "is_active": True,
                "position": position,
                "nip": nip,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        return user
