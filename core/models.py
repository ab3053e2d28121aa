import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Reviewed(models.Model):
    """Who handed a record in for review and who reviewed it, when, and why it went back:
    the fields of every submit → accept or return workflow (progress reports, spending)."""

    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        abstract = True


class StoredUpload(TimeStampedModel):
    """An uploaded file checked by content (see groups.documents.sniff_document), kept
    under MEDIA_ROOT with a random name and served only through a scoped view."""

    stored_name = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @classmethod
    def from_upload(cls, upload, *, content_type: str, extension: str, by, **fields):
        """An unsaved instance whose file is written to storage under a random name."""
        stored = cls(
            stored_name=f"{uuid.uuid4().hex}.{extension}",
            original_name=Path(upload.name).name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
            **fields,
        )
        stored.file.save(stored.stored_name, upload, save=False)
        return stored
