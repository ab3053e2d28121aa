"""Production settings plus a stock ModelAdmin of the groups at /stock-admin/ (what the
benchmark compares our lists with); used only by benchmarks/bench.py's gunicorn."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
