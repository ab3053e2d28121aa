"""Demo data for a fresh installation; safe to run again (it updates the demo users and
creates only the demo groups that are missing)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from groups.demo import seed_groups
from regions.models import Regency

DEMO_USERS = [
    # username, first name, last name, role, regency code, superuser
    ("admin", "Admin", "TI", "", None, True),
    ("staf.provinsi", "Rina", "Wulandari", Role.PROVINCE_STAFF, None, False),
    ("penyetuju", "Hendra", "Saputra", Role.APPROVER, None, False),
    ("petugas.paser", "Siti", "Rahmawati", Role.REGENCY_OFFICER, "64.01", False),
    ("petugas.berau", "Agus", "Pratama", Role.REGENCY_OFFICER, "64.03", False),
]


class Command(BaseCommand):
    help = "Create or refresh the demo users and the Kaltim demo story (175 business groups)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default="modalusaha2026",
            help="Password given to every demo user (default: %(default)s)",
        )

    def handle(self, *args, password, **options):
        if not Regency.objects.filter(code__startswith="64.").exists():
            call_command("load_regions", province="64", stdout=self.stdout)
        with transaction.atomic():
            users = [self._user(*spec, password=password) for spec in DEMO_USERS]
        self._groups({user.username: user for user in users})
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

    def _user(self, username, first_name, last_name, role, regency_code, superuser, *, password):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@dinsos.example",
                "role": role,
                "regency_id": regency_code,
                "is_staff": superuser,
                "is_superuser": superuser,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        return user
