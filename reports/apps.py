from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from grants.rules import register_report_gate
        from reports.selectors import missing_due_report

        register_report_gate(missing_due_report)

        from reports import waiting  # noqa: F401  (registers the "Menunggu Anda" lines)
