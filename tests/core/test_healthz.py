from unittest import mock

import pytest
from django.db import OperationalError, connection


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
