"""The access log's middleware: makes the request known to `record`, and records what
every view answers alike: refusals (403), lockouts and file downloads."""

import logging
from email.message import Message

from django.db import DatabaseError

from audit.context import current, enter, leave
from audit.events import Event
from audit.log import record, write_pending

logger = logging.getLogger("audit")


def attachment_name(response) -> str:
    """The file name in a Content-Disposition header (plain or RFC 5987 encoded)."""
    header = Message()
    header["content-disposition"] = response["Content-Disposition"]
    return header.get_filename() or ""


class AuditMiddleware:
    """Place after AuthenticationMiddleware (and OTPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = enter(request)
        try:
            response = self.get_response(request)
            if is_file(response):
                self.record_file(response)
            else:
                self.record_refusal(request, response)
            return response
        finally:
            write_pending(current())
            leave(token)

    def record_file(self, response):
        """A file is delivered only once its download is in the log: if the entry cannot be
        written, the error propagates and the user gets the error page instead."""
        try:
            object_type, object_id = getattr(response, "audit_object", ("", ""))
            name = attachment_name(response)
            # What the view says the file carries (personal data, masked or full).
            extra = getattr(response, "audit_detail", "")
            record(
                Event.DOWNLOAD if object_type else Event.EXPORT,
                object_type=object_type,
                object_id=object_id,
                object_repr=name,
                detail=f"{name} ({response.get('Content-Type', '')})"
                + (f"; {extra}" if extra else ""),
            )
        except Exception:
            response.close()
            raise

    def record_refusal(self, request, response):
        """A lockout or a 403; the refusal stands even if its entry cannot be written."""
        try:
            if getattr(request, "axes_locked_out", False):
                record(
                    Event.LOCKOUT,
                    username=request.POST.get("username", ""),
                    detail=request.path,
                )
            elif response.status_code == 403:
                record(Event.PERMISSION_DENIED, detail=f"{request.method} {request.path}")
        except DatabaseError:
            logger.exception("Could not record %s %s", request.method, request.path)


def is_file(response) -> bool:
    return 200 <= response.status_code < 300 and response.has_header("Content-Disposition")
