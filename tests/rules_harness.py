"""Button shown ⇔ service accepts: the check every state transition gets, for every role.

A page offers an action (a form that posts to the action's URL, or a link to its page)
exactly when the service behind it would accept it now. Both sides ask the same predicate
of the app's rules.py; this harness checks the outcome from outside, so that a view, a
template or a selector that decides on its own is caught:

    from tests.rules_harness import Case, mismatches

    cases = [
        Case(
            label=f"{role} / {status}",
            user=user,
            page=group.get_absolute_url(),
            button=reverse("groups:group_verify", args=[group.pk]),
            call=lambda: services.group_verify(group=group, by=user),
        )
        for ...
    ]
    assert mismatches(client, cases) == []

`call` runs inside a transaction that is always rolled back, so one object can be tried by
every role in turn; services that lock and reload their row (they all do) see it as it is
stored. A page the user may not see (403, 404) offers nothing; a service that refuses raises
DomainError (NotAllowed included); any other exception is a failure of the test.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from core.errors import DomainError


@dataclass(frozen=True)
class Case:
    label: str  # what the failure message names: role, status...
    user: object
    page: str  # the URL of the page that would offer the action
    button: str  # the URL the action's form posts to, or its link points to
    call: Callable[[], object]  # the service call, with the same user and object


@dataclass(frozen=True)
class Outcome:
    case: Case
    shown: bool
    accepted: bool
    refusal: str  # the service's message when it refused

    @property
    def agrees(self) -> bool:
        return self.shown == self.accepted

    def __str__(self):
        shown = "shown" if self.shown else "hidden"
        accepted = "accepted" if self.accepted else f"refused ({self.refusal})"
        return f"{self.case.label}: button {shown}, service {accepted}"


class _RolledBack(Exception):
    pass


def button_shown(client, *, user, page: str, button: str) -> bool:
    """Whether `page`, as `user` sees it, has a form posting to `button` or a link to it."""
    client.force_login(user)
    response = client.get(page)
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 200, f"{page}: {response.status_code}"
    content = response.content.decode()
    return f'action="{button}"' in content or f'href="{button}"' in content


def service_accepts(call: Callable[[], object]) -> tuple[bool, str]:
    """(True, "") when `call()` returns, (False, its message) when it raises DomainError;
    what it wrote is rolled back either way."""
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        return True, ""
    except DomainError as error:
        return False, str(error)


def outcome(client, case: Case) -> Outcome:
    shown = button_shown(client, user=case.user, page=case.page, button=case.button)
    accepted, refusal = service_accepts(case.call)
    return Outcome(case, shown, accepted, refusal)


def mismatches(client, cases: list[Case], *, both_outcomes: bool = True) -> list[str]:
    """Every case whose button and service disagree, described (empty: all agree). With
    `both_outcomes`, the cases must also include at least one accepted and one refused
    action, so that a harness that never shows a button cannot pass by accident."""
    outcomes = [outcome(client, case) for case in cases]
    problems = [str(o) for o in outcomes if not o.agrees]
    if both_outcomes and len({o.accepted for o in outcomes}) < 2:
        problems.append("every case had the same outcome: the matrix proves nothing")
    return problems
