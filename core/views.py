import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from core.waiting import waiting_for

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "core/home.html", {"waiting": waiting_for(request.user)})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (any database error:
    a refused connection, or one that was closed under us). Never touches the session
    (settings.SESSIONLESS_PATHS)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@require_POST
def choose_language(request):
    """The language switch: Django's set_language (the cookie and the way back), and for a
    signed-in user the choice remembered on their account, on every browser."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
