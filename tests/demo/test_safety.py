"""The demo (users with a published password) is never written with production settings
or into a database holding data the demo did not create; `.env` is read by production
settings only."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import BusinessGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, stdout=io.StringIO())


def test_refused_with_production_settings(settings):
    settings.DEMO_DATA_ALLOWED = False  # as config.settings.production sets it
    with pytest.raises(CommandError, match="never written with"):
        seed()
    with pytest.raises(CommandError):
        seed("--check")
    assert not User.objects.exists()


def test_refused_against_a_database_with_real_users(kaltim):
    UserFactory(username="kadis", email="kadis@dinsos.kaltimprov.go.id")
    with pytest.raises(CommandError, match=r"1 user\(s\) not made by the demo: kadis"):
        seed()
    with pytest.raises(CommandError, match="check DATABASE_URL"):
        seed("--check")
    assert list(User.objects.values_list("username", flat=True)) == ["kadis"]


def test_refused_against_a_database_with_real_groups(kaltim):
    officer = UserFactory(username="budi", email="budi@paserkab.go.id")
    BusinessGroupFactory(created_by=officer)
    with pytest.raises(CommandError, match=r"1 business group\(s\)"):
        seed("--check")


def test_the_check_passes_on_an_empty_database_and_writes_nothing():
    seed("--check")
    assert not User.objects.exists()


def test_the_demo_users_are_recognised_as_the_demos(kaltim):
    # Users made by an earlier run (their addresses are in the reserved .example domain)
    # do not stop a rerun; seed_demo's own rerun is tested in test_seed_demo.py.
    UserFactory(username="penyetuju", email="penyetuju@dinsos.example")
    seed("--check")


@pytest.mark.skipif(
    (Path(django_settings.BASE_DIR) / ".env").exists(), reason="a real .env is present"
)
def test_only_production_settings_read_the_env_file():
    base_dir = Path(django_settings.BASE_DIR)
    env_file = base_dir / ".env"
    env_file.write_text("DATABASE_URL=postgres://prod@db.example.go.id:5432/modal_usaha_prod\n")
    script = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.go.id",
        "EMAIL_URL": "consolemail://",
    }

    def database_name(module):
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=base_dir,
            env=environment | {"DJANGO_SETTINGS_MODULE": module},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    try:
        assert database_name("config.settings.production") == "modal_usaha_prod"
        assert database_name("config.settings.local").endswith("db.sqlite3")
        assert database_name("config.settings.test").endswith("db.sqlite3")
    finally:
        env_file.unlink()
