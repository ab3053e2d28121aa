"""What a role-less superuser (the IT administrator made with createsuperuser) can and
cannot do, as the README states it: everything in the Django admin, province-wide scope,
and none of the role-bound pages of the app."""

import pytest
from django.urls import reverse

from accounts.roles import RULES, can

pytestmark = pytest.mark.django_db


def test_works_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/audit/auditentry/").status_code == 200  # the log, read-only
    assert client.get("/admin/accounts/user/add/").status_code == 200


def test_has_province_scope_but_no_role(superuser):
    assert superuser.has_province_scope
    assert not any(can(superuser, action) for action in RULES)


def test_cannot_use_the_role_bound_pages(client, superuser):
    client.force_login(superuser)
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "Administrasi" in home.content.decode()  # the link to the admin
    for name in ["groups:group_list", "grants:grant_list", "reports:dashboard", "audit:entry_list"]:
        assert client.get(reverse(name)).status_code == 403, name
