"""Writing the access log."""

import logging

from django.db import DatabaseError

from audit.context import current
from audit.models import AuditEntry

logger = logging.getLogger("audit")

DETAIL_MAX = 2000


def record(
    event,
    *,
    obj=None,
    detail="",
    user=None,
    username="",
    object_type="",
    object_id="",
    object_repr="",
    deferred=False,
) -> AuditEntry:
    """Write one entry: `event` about `obj` (or the given object type, id and text), by
    `user` (default: the request's signed-in user) from the request's client address.

    The entry is written now, in the caller's transaction: an approval and its entry are
    saved or rolled back together. With `deferred`, inside a request, it is written when
    the response is ready, after the view's transaction: for refusals, whose transaction
    is rolled back."""
    context = current()
    if user is None and context is not None:
        user = context.user
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = str(obj)
    entry = AuditEntry(
        user=user if user is not None and user.pk else None,
        username=(user.get_username() if user is not None else username)[:150],
        event=event,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        detail=str(detail)[:DETAIL_MAX],
        address=context.address if context is not None else None,
        path=context.path if context is not None else "",
    )
    logger.info(
        "%s user=%s object=%s:%s address=%s",
        entry.event,
        entry.username or "-",
        entry.object_type or "-",
        entry.object_id or "-",
        entry.address or "-",
    )
    if deferred and context is not None:
        context.pending.append(entry)
    else:
        entry.save(force_insert=True)
    return entry


def write_pending(context) -> None:
    """The deferred entries of a request; a failure is logged, never raised (the response
    is already decided)."""
    entries, context.pending = context.pending, []
    for entry in entries:
        try:
            entry.save(force_insert=True)
        except DatabaseError:
            logger.exception("Could not write an access log entry: %s", entry)
