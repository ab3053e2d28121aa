"""Test suite: the same settings as production in behaviour, faster password hashing
(the fast MD5 hasher lives here and nowhere else)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Static files straight from the app and project folders: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Transactional tests end with a flush of every table, the access log included.
AUDIT_LOG_FLUSHABLE = True
# The idle expiry is pushed on every request, as if each were a minute after the last, so
# that a page's query count (pinned in tests, the push included) does not depend on how
# fast the test before it ran; tests/core/test_home.py checks the once-a-minute push.
SESSION_REFRESH_SECONDS = 0
