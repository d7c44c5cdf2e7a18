from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "campaign_portal.core"
    label = "core"
    verbose_name = _("Dùng chung: đơn vị, người dùng, nhật ký")
