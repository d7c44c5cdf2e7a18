from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Công trình trọng điểm")

    def ready(self):
        # local imports: ready() runs once every app's models are loaded; models cannot be imported earlier
        from directives import registry
        from directives.models import RequirementKind

        registry.register(
            registry.SubmissionKind(
                kind=RequirementKind.KEY_WORKS,
                model_label="projects.KeyWork",
                create_url="projects:create",
                detail_url="projects:detail",
                title_field="name",
                label=_("Công trình trọng điểm"),
                summary="projects.selectors.key_work_summary",
                report_data="projects.selectors.key_works_report_data",
            )
        )
