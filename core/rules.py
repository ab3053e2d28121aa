"""Preconditions as answers.

Every precondition of a state change is a predicate in its app's `rules.py` that returns an
`Answer`: allowed, or refused with the reason a user reads (in Bahasa Indonesia). The service
asks it and raises with that reason (`ensure`); the view, the template and the admin ask the
same predicate before offering the action, so a button is shown exactly when the service
would accept the click.

A rule of a lower app that a higher app adds to (a transfer that waits for a training, a
tranche that waits for a report) is a question signal declared in the lower app's
`signals.py`; the higher app connects a receiver that answers with an `Answer` (see
`ask`). Events that higher apps keep summaries of are plain signals sent inside the
transaction.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import NamedTuple

from core.errors import DomainError, NotAllowed


class Refusal(StrEnum):
    STATE = "state"  # not now: the object's state or the input
    ROLE = "role"  # the user's role never allows it
    SCOPE = "scope"  # the object is outside the user's regency
    PERSON = "person"  # not this user for this object (four eyes, not the requester)


class Answer(NamedTuple):
    allowed: bool
    reason: str = ""
    refusal: str = ""  # a Refusal when not allowed

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def forbidden(self) -> bool:
        """Refused because of who the user is, not of the object's state (NotAllowed)."""
        return self.refusal in (Refusal.ROLE, Refusal.SCOPE, Refusal.PERSON)


ALLOWED = Answer(True)


def refuse(reason) -> Answer:
    """Not now: the object's state or the input does not allow it (the reason says why)."""
    return Answer(False, str(reason), Refusal.STATE)


def forbid(reason, refusal: Refusal = Refusal.PERSON) -> Answer:
    """Not for this user: their role, their scope, or who they are for this object."""
    return Answer(False, str(reason), refusal)


def first_refusal(*checks: Callable[[], Answer] | Answer) -> Answer:
    """The first refusal among the checks, evaluated in order and lazily; ALLOWED if none."""
    for check in checks:
        answer = check() if callable(check) else check
        if not answer.allowed:
            return answer
    return ALLOWED


def all_refusals(answers: Iterable[Answer]) -> list[str]:
    """The reasons of every refusal, in order (for rules that list every problem)."""
    return [answer.reason for answer in answers if not answer.allowed]


def ensure(answer: Answer, *, field: str | None = None) -> None:
    """Raise the refusal: NotAllowed for role or scope, DomainError otherwise; `field` names
    the input the rule judged, so a form shows the reason beside it."""
    if not answer.allowed:
        raise (NotAllowed if answer.forbidden else DomainError)(answer.reason, field=field)


def ask(signal, **kwargs) -> Answer:
    """The first refusal among the answers of a question signal's receivers (ALLOWED when
    none refuses or none is connected). Receivers return an Answer, or None for no opinion."""
    for _receiver, answer in signal.send(sender=None, **kwargs):
        if answer is not None and not answer.allowed:
            return answer
    return ALLOWED
