"""The interface language: Bahasa Indonesia whatever the browser asks.

Staff in government offices often run English-language Windows and browsers, so the
browser's Accept-Language is ignored. English is shown only by a user's choice: the one
remembered on their account, or, before they log in, the cookie the language switch sets.
"""

from django.conf import settings
from django.utils import translation


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
