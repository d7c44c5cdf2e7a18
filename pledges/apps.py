from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Đăng ký, kế hoạch thi đua của đơn vị")

    def ready(self):
        from directives.registry import SubmissionKind, register

        register(
            SubmissionKind(
                kind="dissemination",
                model_label="pledges.Dissemination",
                create_url="pledges:dissemination_create",
                detail_url="pledges:dissemination_detail",
            )
        )
        register(
            SubmissionKind(
                kind="emulation_plan",
                model_label="pledges.EmulationPlan",
                create_url="pledges:emulation_plan_create",
                detail_url="pledges:emulation_plan_detail",
            )
        )
        for kind in ("breakthrough_theme", "difficult_field"):
            register(
                SubmissionKind(
                    kind=kind,
                    model_label="pledges.Commitment",
                    create_url=f"pledges:{kind}_create",
                    detail_url="pledges:commitment_detail",
                    filters={"category": kind},
                )
            )
