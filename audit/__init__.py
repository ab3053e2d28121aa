"""The access log: an append-only record of who did what, when, to which object and from
which address.

    import audit
    audit.record(audit.Event.TRANCHE_APPROVED, obj=tranche, user=by)

`record` takes the user and the client's address from the request being served (the
middleware sets them), so a service needs no request; `user` overrides the request's.
"""

from audit.events import Event


def record(event, *, obj=None, detail="", user=None):
    """Write one entry now, inside the caller's transaction (see audit.log.record)."""
    from audit.log import record as write

    return write(event, obj=obj, detail=detail, user=user)


__all__ = ["Event", "record"]
