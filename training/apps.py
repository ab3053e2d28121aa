from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training and mentoring")

    def ready(self):
        from training import receivers, waiting  # noqa: F401  (connect signals, add lines)
