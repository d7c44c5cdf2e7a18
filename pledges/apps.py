from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Đăng ký, kế hoạch thi đua của đơn vị")

    def ready(self):
        # local imports: ready() runs once every app's models are loaded; models cannot be imported earlier
        from campaign_portal.core.audit import register_change_labeler
        from directives.models import RequirementKind
        from directives.registry import SubmissionKind, register

        from .audit import change_rows

        register_change_labeler("pledges", change_rows)

        register(
            SubmissionKind(
                kind=RequirementKind.DISSEMINATION,
                model_label="pledges.Dissemination",
                create_url="pledges:dissemination_create",
                detail_url="pledges:dissemination_detail",
                update_url="pledges:dissemination_edit",
                label=_("Quán triệt"),
                slug="quan-triet",
                form="pledges.forms.DisseminationForm",
                create_service="pledges.services.dissemination_create",
                update_service="pledges.services.dissemination_update",
                form_template="pledges/dissemination_form.html",
                detail_template="pledges/dissemination_detail.html",
                default_quota_max=1,
                update_argument="dissemination",
                period_field="period",
                attachment_field="dissemination",
                extra_form_fields=("directives",),
            )
        )
        register(
            SubmissionKind(
                kind=RequirementKind.EMULATION_PLAN,
                model_label="pledges.EmulationPlan",
                create_url="pledges:emulation_plan_create",
                detail_url="pledges:emulation_plan_detail",
                update_url="pledges:emulation_plan_edit",
                label=_("Kế hoạch phát động thi đua"),
                slug="ke-hoach",
                form="pledges.forms.EmulationPlanForm",
                create_service="pledges.services.plan_create",
                update_service="pledges.services.plan_update",
                form_template="pledges/plan_form.html",
                detail_template="pledges/plan_detail.html",
                default_quota_max=1,
                update_argument="plan",
                period_field="period",
                attachment_field="plan",
                has_targets=True,
            )
        )
        register(
            SubmissionKind(
                kind="result_report",
                model_label="pledges.ResultReport",
                create_url="pledges:result_report_create",
                detail_url="pledges:result_report_detail",
                update_url="pledges:result_report_edit",
                label=_("Báo cáo kết quả"),
                slug="bao-cao",
                form="pledges.forms.ResultReportForm",
                create_service="pledges.services.result_report_create",
                update_service="pledges.services.result_report_update",
                form_template="pledges/result_report_form.html",
                detail_template="pledges/result_report_detail.html",
                update_argument="report",
                period_field="period",
                attachment_field="result_report",
                extra_form_fields=("figures",),
                answers=(RequirementKind.REPORT, RequirementKind.OTHER),
                fallback=True,
            )
        )
        for kind, label in (
            (RequirementKind.BREAKTHROUGH_THEME, _("Chủ điểm thi đua cần đột phá")),
            (RequirementKind.DIFFICULT_FIELD, _("Lĩnh vực khó khăn, phức tạp")),
        ):
            register(
                SubmissionKind(
                    kind=kind,
                    model_label="pledges.Commitment",
                    create_url=f"pledges:{kind}_create",
                    detail_url="pledges:commitment_detail",
                    update_url="pledges:commitment_edit",
                    filters={"category": kind},
                    label=label,
                    slug="dang-ky",
                    form="pledges.forms.CommitmentForm",
                    create_service="pledges.services.commitment_create",
                    update_service="pledges.services.commitment_update",
                    form_template="pledges/commitment_form.html",
                    detail_template="pledges/commitment_detail.html",
                    update_argument="commitment",
                    period_field="period",
                    attachment_field="commitment",
                    has_targets=True,
                )
            )
