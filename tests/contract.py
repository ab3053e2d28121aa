"""Button shown ⇔ service accepts: the contract between a page and a state change.

Each transition test renders the page as a user, looks for the action's URL (a form's
`action` or a link's `href`), then tries the service as the same user inside a
transaction that is rolled back, and checks that the two agree.
"""

from django.db import transaction
from django.utils.html import escape

from core.errors import DomainError


class _RolledBack(Exception):
    pass


def service_accepts(attempt) -> bool:
    """Whether `attempt()` goes through (nothing it writes is kept)."""
    try:
        with transaction.atomic():
            attempt()
            raise _RolledBack
    except _RolledBack:
        return True
    except DomainError:
        return False


def page_offers(client, user, page_url: str, action_url: str) -> bool | None:
    """Whether the page, as `user` sees it, offers the action; None when the page is not
    found for the user (outside their scope); False when their role may not open it."""
    client.force_login(user)
    response = client.get(page_url)
    if response.status_code == 404:
        return None
    if response.status_code == 403:
        return False
    assert response.status_code == 200, (page_url, response.status_code)
    content = response.content.decode()
    url = escape(action_url)
    return f'action="{url}"' in content or f'href="{url}"' in content


def assert_contract(client, user, *, page_url: str, action_url: str, attempt) -> bool:
    """The page offers the action exactly when the service accepts it from this user;
    a page the user cannot see (404) must go with a refusal. Returns whether accepted."""
    offered = page_offers(client, user, page_url, action_url)
    accepted = service_accepts(attempt)
    assert bool(offered) == accepted, (
        f"{user.username} on {page_url}: button {'shown' if offered else 'hidden'}, "
        f"service {'accepts' if accepted else 'refuses'} {action_url}"
    )
    return accepted
