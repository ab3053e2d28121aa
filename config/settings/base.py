"""Settings shared by every environment, read from the environment with django-environ.

SQLite is the default so the app runs with nothing installed; set DATABASE_URL to use
PostgreSQL (the production engine and the one the test suite must pass on).

A `.env` file is read by config.settings.production only (see there): development, the
demo and the tests never pick up a server's production database from it.
"""

import datetime
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram indexes (the group search), on PostgreSQL only
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "audit",
    "accounts",
    "regions",
    "letters",
    "groups",
    "grants",
    "reports",
    "training",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.InterfaceLanguageMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]


def database_from(config: dict, *, conn_max_age: int) -> dict:
    """The settings of one database. On PostgreSQL the JIT compiler is turned off for our
    connections: on the dashboard's aggregates it spent up to 0.9 s compiling a query that
    ran in 0.3 s (benchmarks/dashboard.py), and short page queries never gain from it."""
    config["CONN_MAX_AGE"] = conn_max_age
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = {
    "default": database_from(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses any login, even with the right password, while the
# username is locked for the client's address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Argon2 (Django's recommended hasher) for every new or changed password; a password
# stored with an older hasher is rehashed with Argon2 at its next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle sessions end: activity pushes the expiry forward by SESSION_IDLE_MINUTES.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# Pushed forward at most once a minute (core.middleware.SessionMiddleware), not written on
# every request as SESSION_SAVE_EVERY_REQUEST would.
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Paths whose requests never read or write the session (core.middleware.SessionMiddleware).
SESSIONLESS_PATHS = ["/healthz"]

# Login lockout (django-axes): 5 failures for one username from one address lock that
# pair for 15 minutes from the last failure; attempts while locked do not extend it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"
AXES_USERNAME_CALLABLE = "accounts.views.lockout_username"
AXES_DISABLE_ACCESS_LOG = True  # logins are recorded in our audit log
AXES_VERBOSE = False
# Two-factor login (TOTP app + recovery codes, django-otp) for these roles; "superuser"
# stands for role-less administrators. Off (empty) unless set; production turns it on.
TWO_FACTOR_REQUIRED_ROLES = env.list("DJANGO_TWO_FACTOR_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = "Modal Usaha"
# The number of reverse proxies in front of the app that append to X-Forwarded-For;
# 0: the client's address is REMOTE_ADDR (see core/client.py).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Makassar")  # WITA: Kalimantan Timur
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]


def media_storage() -> dict:
    """Where uploads (documents, visit photos) and import previews are kept: the file
    system under MEDIA_ROOT by default (the demo, one server), or an S3-compatible object
    store when S3_BUCKET is set, so that every app server reads what any of them wrote
    (django-storages; S3_ENDPOINT_URL for a store other than Amazon's; credentials from
    S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY or boto3's usual sources). Objects stay private:
    the app streams them to users who may see them, never by a public URL."""
    bucket = env("S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": env("S3_ENDPOINT_URL", default=None),
        "region_name": env("S3_REGION", default=None),
        "access_key": env("S3_ACCESS_KEY_ID", default=None),
        "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {k: v for k, v in options.items() if v is not None},
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded documents live outside the static tree and are served only through views
# that check the user's scope; MEDIA_URL is never routed to the file system.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# No inline scripts or styles anywhere: every script and stylesheet comes from our static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}


def mailers_from(email: dict) -> dict:
    """MAILERS from django-environ's parsed EMAIL_URL (smtp+tls://user:pass@host:587)."""
    backend = email["EMAIL_BACKEND"]
    smtp_options = {
        "host": email.get("EMAIL_HOST"),
        "port": email.get("EMAIL_PORT"),
        "username": email.get("EMAIL_HOST_USER"),
        "password": email.get("EMAIL_HOST_PASSWORD"),
        "use_tls": email.get("EMAIL_USE_TLS"),
        "use_ssl": email.get("EMAIL_USE_SSL"),
    }
    options = (
        {k: v for k, v in smtp_options.items() if v}
        if backend.endswith("smtp.EmailBackend")
        else {}
    )
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


# Email: the console by default; production requires EMAIL_URL.
MAILERS = mailers_from(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Modal Usaha <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# manage.py seed_demo writes demo users with a published password (demo/safety.py).
DEMO_DATA_ALLOWED = True

# Only the test suite's flush may empty the append-only access log (audit/triggers.py).
AUDIT_LOG_FLUSHABLE = False

# The province whose Dinsos runs this installation (Kemendagri code): Kalimantan Timur.
PROVINCE_CODE = env("PROVINCE_CODE", default="64")
# Uploaded group documents: PDF, JPEG or PNG, checked by content, at most this size.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
# A catur wulan report is due this many days after its period ends.
REPORT_DUE_DAYS = env.int("REPORT_DUE_DAYS", default=15)
