"""Production: PostgreSQL, gunicorn, WhiteNoise, HTTPS only.

Required environment: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, EMAIL_URL.
They may be kept in a `.env` file beside manage.py, which only these settings read
(before the shared ones, so that it can set any variable); a variable set in the
process's environment wins over the file.
"""

from pathlib import Path

import environ

environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)

from .base import *  # noqa: E402, F403
from .base import database_from, env, mailers_from, media_storage  # noqa: E402

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {
    "default": database_from(
        env.db("DATABASE_URL"), conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=60)
    )
}
MAILERS = mailers_from(env.email("EMAIL_URL"))
DEMO_DATA_ALLOWED = False  # never: the demo users share a published password
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Two-factor login is required of province staff, approvers and administrators.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "DJANGO_TWO_FACTOR_REQUIRED_ROLES", default=["province_staff", "approver", "superuser"]
)

STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS: the app sits behind a TLS-terminating proxy that sets X-Forwarded-Proto and adds
# the client's address to X-Forwarded-For (core/client.py).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: the browser keeps them only if Secure, for Path=/ and without a Domain,
# so no other host or path (a subdomain, an HTTP page) can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
