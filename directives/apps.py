from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Văn bản chỉ đạo")

    def ready(self):
        # local imports: ready() runs once every app's models are loaded; models cannot be imported earlier
        from campaign_portal.core.audit import register_change_labeler

        from .audit import change_rows

        register_change_labeler("directives", change_rows)

        from . import freshness

        freshness.connect()  # what the obligations engine computed is reused until a write it reads
