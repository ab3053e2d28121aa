"""Import business groups and members from an xlsx workbook (the layout of groups/workbook.py)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from groups.imports import groups_import


class Command(BaseCommand):
    help = (
        "Import business groups and their members from an xlsx workbook (sheets Kelompok "
        "and Anggota). Nothing is saved unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument(
            "--user",
            required=True,
            help="username of the province staff member the import is recorded under",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; save nothing"
        )

    def handle(self, *args, file, user, dry_run, **options):
        by = self._user(user)
        if not Path(file).is_file():
            raise CommandError(_("File %(file)s not found.") % {"file": file})
        result = groups_import(file=file, by=by, dry_run=dry_run, progress=self._progress)
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                _("%(count)d problems found; nothing was saved.") % {"count": len(result.errors)}
            )
        self.stdout.write(self._summary(result))

    def _user(self, username):
        User = get_user_model()
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(_("No active user %(name)s.") % {"name": username}) from exc
        if not can(user, Action.GROUP_IMPORT):
            raise CommandError(
                _("User %(name)s may not import groups (province staff only).") % {"name": username}
            )
        return user

    def _progress(self, done, total):
        if total:
            self.stderr.write(_("%(done)d of %(total)d rows read") % {"done": done, "total": total})
        else:
            self.stderr.write(_("%(done)d rows read") % {"done": done})

    def _summary(self, result):
        counts = {
            "groups_created": result.groups_created,
            "groups_updated": result.groups_updated,
            "groups_unchanged": result.groups_unchanged,
            "members_created": result.members_created,
            "members_updated": result.members_updated,
            "members_removed": result.members_removed,
        }
        line = (
            _(
                "Groups: %(groups_created)d new, %(groups_updated)d updated, "
                "%(groups_unchanged)d unchanged. Members: %(members_created)d new, "
                "%(members_updated)d updated, %(members_removed)d removed."
            )
            % counts
        )
        if result.dry_run:
            return _("Dry run, nothing saved. %(summary)s") % {"summary": line}
        return line
