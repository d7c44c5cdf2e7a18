"""Reports compiled in the background, and the log that keeps deadline reminders to one each."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign_portal.core.models import Unit
from campaign_portal.core.uploads import private_upload_to


class ReportKind(models.TextChoices):
    PROVINCE_COMPLIANCE = "province_compliance", _("Báo cáo tình hình thực hiện toàn tỉnh")
    UNIT_REPORT = "unit_report", _("Báo cáo của một đơn vị")
    KEY_WORKS = "key_works", _("Báo cáo công trình trọng điểm")
    EMULATION_MEMO = "emulation_memo", _("Tờ trình đề nghị khen thưởng cụm, khối thi đua")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX (Word)"
    XLSX = "xlsx", "XLSX (Excel)"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    SUCCEEDED = "succeeded", pgettext_lazy("report status", "Hoàn thành")
    FAILED = "failed", _("Lỗi")


class Report(models.Model):
    """One requested document: what, for whom, its state, and the file built from a frozen snapshot."""

    kind = models.CharField(_("loại báo cáo"), max_length=30, choices=ReportKind.choices)
    format = models.CharField(_("định dạng"), max_length=10, choices=ReportFormat.choices, default=ReportFormat.PDF)
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_unit = models.ForeignKey(Unit, verbose_name=_("phạm vi (đơn vị)"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # Touched every few seconds by the process building the report: a stale one means its worker is gone.
    heartbeat_at = models.DateTimeField(_("tín hiệu sống lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    file = models.FileField(_("tệp"), upload_to=private_upload_to("reports"), blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    cutoff = models.DateField(_("số liệu tính đến ngày"))
    snapshot = models.JSONField(_("số liệu chốt"), null=True, blank=True)
    snapshot_sha256 = models.CharField(_("SHA-256 của số liệu chốt"), max_length=64, blank=True)
    document_number = models.CharField(_("số văn bản"), max_length=20, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi")
    scheduled = models.BooleanField(_("lập theo lịch"), default=False)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}" if self.title else f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)


class ReminderKind(models.TextChoices):
    DAYS_7 = "7d", _("Trước hạn 7 ngày")
    DAYS_1 = "1d", _("Trước hạn 1 ngày")
    OVERDUE = "overdue", _("Quá hạn")


class ReminderLog(models.Model):
    """A deadline reminder claimed (then sent) once per requirement, unit, period and kind."""

    requirement = models.ForeignKey(
        "directives.Requirement", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại nhắc"), max_length=10, choices=ReminderKind.choices)
    # The period of a recurring ask ("2026-11", directives.schedule); "" for a one-time ask.
    period = models.CharField(_("kỳ"), max_length=20, blank=True, default="")
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc hạn đã gửi")
        verbose_name_plural = _("nhắc hạn đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "unit", "period", "kind"], name="reminder_once_per_period")
        ]

    def __str__(self):
        return f"{self.requirement_id} · {self.unit_id} · {self.kind}"
