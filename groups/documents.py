"""Checking uploaded documents by their content, not by their name."""

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff_document(upload) -> tuple[str, str]:
    """The content type and file extension of an upload, or a DomainError explaining why not."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(max)d MB.")
            % {"max": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise DomainError(_("Only PDF, JPEG or PNG files are accepted."))
    return kind.mime, ALLOWED_TYPES[kind.mime]
