from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Cụm, khối thi đua")

    def ready(self):
        # local import: ready() runs once every app's models are loaded (evidence reads pledges and projects models)
        from . import evidence  # noqa: F401  (registers the linked-evidence kinds)
