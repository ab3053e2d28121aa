"""Issuing and cancelling register entries. The domain services call these inside their own
transaction: the number is taken when the document is issued, and given back if that
transaction rolls back (so the register has no gaps)."""

import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, required_reason
from letters.models import Letter, LetterCounter, LetterSeries, LetterStatus, render_number


def reserve_sequence(*, kind: str, year: int) -> int:
    """The next sequence number of the kind and year, in one statement.

    One upsert increments the (kind, year) counter and returns its new value; the row stays
    locked until the caller's transaction ends, so two documents issued at the same moment
    get consecutive numbers, and a rolled-back issue gives its number back.
    """
    table = connection.ops.quote_name(LetterCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, year, last_number) VALUES (%s, %s, 1) "
            f"ON CONFLICT (kind, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [kind, year],
        )
        (number,) = cursor.fetchone()
    return number


def issue_letter(
    *,
    kind: str,
    subject: str,
    by,
    signed_by=None,
    regency_id: str | None = None,
    issued_on: datetime.date | None = None,
) -> Letter:
    """Register a document of `kind` issued on `issued_on` (today when not given) and return
    its entry with its number. Call inside the transaction that issues the document."""
    if not connection.in_atomic_block:
        raise RuntimeError("issue_letter must run inside the issuing transaction")
    issued_on = issued_on or timezone.localdate()
    sequence = reserve_sequence(kind=kind, year=issued_on.year)
    number = render_number(LetterSeries.pattern_of(kind), seq=sequence, day=issued_on)
    letter = Letter(
        kind=kind,
        year=issued_on.year,
        sequence=sequence,
        number=number,
        issued_on=issued_on,
        subject=subject[:300],
        regency_id=regency_id,
        signed_by=signed_by,
        issued_by=by,
    )
    letter._change_reason = "issued"
    letter._history_user = by
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        raise DomainError(
            _(
                "The number %(number)s is already in the register: two kinds of document are "
                "numbered the same way. Ask the administrator to give each its own pattern."
            )
            % {"number": number}
        ) from None
    return letter


def cancel_letter(*, letter: Letter, by, reason: str) -> Letter:
    """The document is withdrawn: its entry keeps its number, marked cancelled, with why."""
    reason = required_reason(reason)
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.status == LetterStatus.CANCELLED:
            return letter
        letter.status = LetterStatus.CANCELLED
        letter.cancel_reason = reason
        letter.cancelled_at = timezone.now()
        letter.cancelled_by = by
        letter._change_reason = "cancelled"
        letter._history_user = by
        letter.save()
    return letter
