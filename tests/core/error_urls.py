"""The site's URLs plus a view that fails, for the error page tests."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*site_urlpatterns, path("rusak/", broken)]
