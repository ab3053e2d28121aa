import datetime

import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.events import Event
from audit.models import AuditEntry
from core.forms import DATE_WIDGET

# The apps whose objects an entry may name.
OBJECT_APPS = ("accounts", "regions", "groups", "grants", "reports", "training")


def object_type_choices():
    return [
        (
            model._meta.label_lower,
            f"{model._meta.app_config.verbose_name}: {model._meta.verbose_name}",
        )
        for label in OBJECT_APPS
        if apps.is_installed(label)
        for model in apps.get_app_config(label).get_models()
        if not model._meta.label_lower.split(".")[1].startswith("historical")
    ]


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the site's time zone (WITA)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label=_("User"), queryset=None)
    event = django_filters.ChoiceFilter(label=_("Event"), choices=Event.choices)
    date_from = django_filters.DateFilter(label=_("From"), method="from_day", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(label=_("Until"), method="to_day", widget=DATE_WIDGET)
    object_type = django_filters.ChoiceFilter(label=_("Object type"), choices=[])
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=64)

    class Meta:
        model = AuditEntry
        fields = ["user", "event", "date_from", "date_to", "object_type", "object_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["user"].queryset = get_user_model().objects.order_by("username")
        self.filters["object_type"].extra["choices"] = object_type_choices()

    def from_day(self, queryset, name, value):
        if value <= datetime.date.min + datetime.timedelta(days=1):
            return queryset  # "from 01/01/0001": every entry (UTC would fall before year 1)
        return queryset.filter(at__gte=start_of(value))

    def to_day(self, queryset, name, value):
        if value >= datetime.date.max - datetime.timedelta(days=1):
            return queryset  # "until 31/12/9999": every entry (the next day would overflow)
        return queryset.filter(at__lt=start_of(value + datetime.timedelta(days=1)))
