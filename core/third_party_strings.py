"""Strings that other packages' templates translate but have no Indonesian catalogue for;
listed here so that makemessages keeps them in ours (django-tables2's pager)."""

from django.utils.translation import gettext_noop

TABLE_PAGER = (gettext_noop("previous"), gettext_noop("next"))
