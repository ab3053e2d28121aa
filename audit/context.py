"""The request being served, for `record` to read who and from where without being
handed a request (the middleware sets it; outside a request there is none)."""

import contextvars
from dataclasses import dataclass, field
from functools import cached_property

from core.client import client_address
from core.personal_data import mask_numbers_in

_current: contextvars.ContextVar["RequestContext | None"] = contextvars.ContextVar(
    "audit_request", default=None
)


@dataclass
class RequestContext:
    request: object
    # Entries that must outlive the view's transaction (refusals): written after it.
    pending: list = field(default_factory=list)

    @cached_property
    def address(self) -> str | None:
        return client_address(self.request)

    @property
    def user(self):
        """The signed-in user, or None (read when an entry is written, so a login during
        the request is seen)."""
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @property
    def path(self) -> str:
        """The page with its query string, a NIK searched for masked (UU PDP 27/2022)."""
        return mask_numbers_in(self.request.get_full_path())[:500]


def current() -> RequestContext | None:
    return _current.get()


def enter(request) -> contextvars.Token:
    return _current.set(RequestContext(request))


def leave(token: contextvars.Token) -> None:
    _current.reset(token)
