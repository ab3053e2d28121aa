"""Middleware of our own: the interface language (Bahasa Indonesia whatever the browser
asks), sessions that the health check never touches, and responses that no browser or
proxy keeps.

The interface language: staff in government offices often run English-language Windows and
browsers, so the browser's Accept-Language is ignored. English is shown only by a user's
choice: the one remembered on their account, or, before they log in, the cookie the
language switch sets.
"""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


def chosen_language(request) -> str:
    supported = dict(settings.LANGUAGES)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in supported:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in supported else settings.LANGUAGE_CODE


class InterfaceLanguageMiddleware:
    """In place of Django's LocaleMiddleware, after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


def is_sessionless(request) -> bool:
    return request.path_info in settings.SESSIONLESS_PATHS


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that

    - a request to a path in SESSIONLESS_PATHS (/healthz) gets an empty session that is
      never read or saved, whatever cookie it carries: the health check would otherwise
      read (and, once a minute, write) the session table, and fail with it when the
      database is down;
    - an error answer (5xx) leaves the session alone: Django would read it from the
      database only to decide not to save it, turning a database outage into a second
      error while the error page is being sent;
    - a signed-in session's idle expiry is pushed forward at most once a
      SESSION_REFRESH_SECONDS (a minute): Django's SESSION_SAVE_EVERY_REQUEST would write
      the session table on every page (an UPDATE and a commit per click). A session thus
      ends after SESSION_COOKIE_AGE of idleness, counted to within that minute.
    """

    REFRESHED_KEY = "_refreshed_at"

    def process_request(self, request):
        if is_sessionless(request):
            request.session = self.SessionStore(None)
            return
        super().process_request(request)

    def process_response(self, request, response):
        if is_sessionless(request) or response.status_code >= 500:
            return response
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.REFRESHED_KEY] = now  # marks it modified: saved, expiry pushed
        return super().process_response(request, response)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and Django's other never-cache headers) on every page and
    download the app answers with: logged-in pages and files carry personal data that no
    browser cache or proxy may keep. Static files are answered by WhiteNoise before this
    middleware; /healthz sets its own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_sessionless(request):
            add_never_cache_headers(response)
        return response
