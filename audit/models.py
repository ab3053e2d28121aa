from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.events import Event


class AuditEntryQuerySet(models.QuerySet):
    def for_list(self):
        return self.order_by("-at", "-pk")


class AuditEntry(models.Model):
    """One line of the access log. Append-only: the database refuses UPDATE and DELETE on
    this table (triggers installed by migration 0002), whoever asks.

    The user is kept by id and by username: no foreign-key constraint, so that deleting
    a user neither cascades into the log nor is refused by it; the username says who it
    was afterwards."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["user", "at"], name="audit_user_at"),
            models.Index(fields=["event", "at"], name="audit_event_at"),
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.event}"
