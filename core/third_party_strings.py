"""Strings that other packages show but have no Indonesian catalogue for; listed here so
that makemessages keeps them in ours (django-tables2's pager, Django's empty choice)."""

from django.utils.translation import gettext_noop

TABLE_PAGER = (gettext_noop("previous"), gettext_noop("next"))
# Django's blank choice of a select (django/db/models/fields/__init__.py).
BLANK_CHOICE = gettext_noop("- Select an option -")
