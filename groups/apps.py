from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Business groups")

    def ready(self):
        from groups import waiting  # noqa: F401  (registers the "Menunggu Anda" lines)
