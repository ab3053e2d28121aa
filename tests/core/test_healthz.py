from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client):
    refused = OperationalError("connection to server at 127.0.0.1:5432 failed: refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        # The open connection is closed by the failure path; healthz must not raise.
        connection.close()
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down_and_a_session_cookie_is_sent(
    client, province_staff
):
    client.force_login(province_staff)  # the browser of a signed-in user, or a prober
    refused = OperationalError("connection to server at 127.0.0.1:5432 failed: refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        connection.close()
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_connection_was_closed_under_it(client):
    closed = InterfaceError("connection already closed")
    with mock.patch.object(connection, "ensure_connection", side_effect=closed):
        connection.close()
        response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_healthz_never_touches_the_session(client, province_staff, django_assert_num_queries):
    client.force_login(province_staff)
    with django_assert_num_queries(1):  # SELECT 1, no session read or write
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")
    # The session is still valid afterwards.
    assert client.get("/").status_code == 200
