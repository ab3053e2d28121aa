"""Two app servers over one database and one object store: what one writes, the other
reads. No state lives in an app process: sessions are in the database, uploads and import
previews in the object store (settings.media_storage with S3_BUCKET set).

Starts moto's standalone S3 server (a real S3 API over HTTP, from PyPI) and two gunicorn
processes on their own ports, both on the test database. A document uploaded through one
server is downloaded through the other; an import previewed on one is confirmed on the
other. PostgreSQL only (the servers are other processes: they need a database server);
skipped on SQLite unless REQUIRE_POSTGRES_TESTS=1, where that is a failure, as in CI.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from groups.models import BusinessGroup, GroupDocument
from tests.factories import group_with_members
from tests.groups.test_excel import new_group, new_members, workbook_bytes

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "modal-usaha-test"
KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended ({process.returncode})")
        try:
            requests.get(url, timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow to answer
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def object_store():
    """moto's S3 server on a free loopback port, with an empty bucket."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for(endpoint, process)
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket=BUCKET)
        yield endpoint, s3
    finally:
        stop(process)


@pytest.fixture
def two_servers(postgres, object_store, tmp_path):
    """Two gunicorn processes on the test database and the object store."""
    endpoint, _s3 = object_store
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = (
        os.environ
        | KEYS
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": url,
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": "us-east-1",
            "MEDIA_ROOT": str(tmp_path / "never-used"),
        }
    )
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "2",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
            servers.append(process)
            wait_for(f"http://127.0.0.1:{port}/healthz", process)
            process.base = f"http://127.0.0.1:{port}"
        yield servers[0].base, servers[1].base
    finally:
        for process in servers:
            stop(process)


def signed_in(user) -> requests.Session:
    """A browser session of `user` (the session row is in the shared database)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key)
    return browser


def csrf_token(browser, url) -> str:
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.django_db(transaction=True)
def test_an_upload_and_an_import_preview_made_on_one_server_are_used_on_the_other(
    two_servers, object_store, kaltim, province_staff, tmp_path
):
    first, second = two_servers
    _endpoint, s3 = object_store
    browser = signed_in(province_staff)

    # A document uploaded through the first server is downloaded through the second.
    group = group_with_members(5, name="KUBE Dua Server", registration_number="64.01-2020-99999")
    page = f"/kelompok/{group.pk}/"
    response = browser.post(
        f"{first}/kelompok/{group.pk}/dokumen/",
        data={"csrfmiddlewaretoken": csrf_token(browser, first + page), "kind": "proposal"},
        files={"file": ("proposal.pdf", PDF, "application/pdf")},
        headers={"Referer": first + page},
        timeout=30,
    )
    assert response.status_code == 200, response.status_code  # after the redirect
    document = GroupDocument.objects.get(group=group)
    stored = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert document.file.name in stored
    download = browser.get(f"{second}/kelompok/dokumen/{document.pk}/", timeout=30)
    assert download.status_code == 200
    assert download.content == PDF

    # An import previewed on the first server is confirmed on the second.
    workbook = workbook_bytes(
        [new_group("KUBE Dua Server Impor")],
        new_members("KUBE Dua Server Impor", 6, first_serial=500),
    )
    preview = browser.post(
        f"{first}/kelompok/impor/",
        data={"csrfmiddlewaretoken": csrf_token(browser, first + "/kelompok/impor/")},
        files={"file": ("kelompok.xlsx", workbook)},
        timeout=60,
    )
    assert preview.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f-]+)"', preview.text).group(1)
    assert f"imports/{uuid.UUID(token)}.rows" in {
        item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    }
    assert not BusinessGroup.objects.filter(name="KUBE Dua Server Impor").exists()
    confirmed = browser.post(
        f"{second}/kelompok/impor/",
        data={
            "csrfmiddlewaretoken": csrf_token(browser, second + "/kelompok/impor/"),
            "token": token,
            "confirm": "",
        },
        allow_redirects=False,
        timeout=60,
    )
    assert confirmed.status_code == 302, re.sub(r"\s+", " ", confirmed.text)[-3000:]
    assert BusinessGroup.objects.get(name="KUBE Dua Server Impor").members.count() == 6
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert not any(key.startswith("imports/") for key in keys)  # the preview is gone
    assert not (tmp_path / "never-used").exists()  # nothing on a server's disk
