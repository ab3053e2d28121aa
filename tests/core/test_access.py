"""Every page but the login page and the health check sends an anonymous user to log in."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"accounts:login", "healthz", "set_language"}


def named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin sends anonymous users to its own login
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def example_url(name, pattern):
    return reverse(name, kwargs=dict.fromkeys(pattern.pattern.regex.groupindex, "1"))


PRIVATE_ROUTES = sorted((name, pattern) for name, pattern in named_routes() if name not in PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), PRIVATE_ROUTES, ids=[n for n, _ in PRIVATE_ROUTES])
def test_anonymous_user_is_sent_to_login(client, name, pattern):
    url = example_url(name, pattern)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{method.__name__.upper()} {url}"
        assert response.url.startswith(reverse("accounts:login") + "?next=")


def test_there_are_private_routes_to_check():
    assert len(PRIVATE_ROUTES) >= 3


@pytest.mark.django_db
def test_admin_needs_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
