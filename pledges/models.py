"""What a unit files in answer to a directive: dissemination records, emulation plans with
targets, breakthrough themes and difficult fields (commitments), and progress on targets.

Every record is a `ReviewableSubmission` answering one `directives.Requirement`; the shared
review workflow (core.review) moves it; the registry (directives.registry) lets other pages
read it without importing this app.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign_portal.core.models import ReviewableSubmission
from campaign_portal.core.uploads import private_upload_to
from directives import obligations, schedule


class PeriodFiling(models.Model):
    """A filing that can answer a recurring ask names the period it reports ("2026-11", "2026-Q4").

    Registered as the kind's `period_field`, so the engine counts it for that period whatever the day
    it was sent; blank under a one-time ask. Its deadline (for `on_time`) is that period's.
    """

    period = models.CharField(
        _("kỳ báo cáo"),
        max_length=10,
        blank=True,
        default="",
        help_text=_("Kỳ mà hồ sơ trả lời, khi yêu cầu định kỳ (tháng, quý, 6 tháng, năm)."),
    )

    class Meta:
        abstract = True

    @property
    def period_label(self) -> str:
        return schedule.period_label(self.period)

    def get_deadline(self):
        return obligations.deadline_for(self.requirement, self.unit_id, self.period)


class DisseminationForm(models.TextChoices):
    CONFERENCE = "conference", _("Hội nghị trực tiếp")
    ONLINE = "online", _("Hội nghị trực tuyến")
    IN_WRITING = "in_writing", _("Bằng văn bản")


class Dissemination(PeriodFiling, ReviewableSubmission):
    """A briefing (quán triệt) of the unit's staff on one or more directives."""

    requirement = models.ForeignKey(
        "directives.Requirement",
        verbose_name=_("nhiệm vụ, yêu cầu"),
        on_delete=models.PROTECT,
        related_name="disseminations",
    )
    directives = models.ManyToManyField(
        "directives.Directive", verbose_name=_("văn bản được quán triệt"), blank=True, related_name="disseminations"
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    search_text = models.CharField(_("tên không dấu, để tìm"), max_length=300, editable=False, default="")
    held_on = models.DateField(_("ngày tổ chức"))
    form = models.CharField(
        _("hình thức"), max_length=20, choices=DisseminationForm.choices, default=DisseminationForm.CONFERENCE
    )
    # Job groups (leaders, civil servants, workers) are disjoint; Party members overlap them.
    leaders = models.PositiveIntegerField(_("lãnh đạo"), default=0)
    civil_servants = models.PositiveIntegerField(_("cán bộ, công chức, viên chức"), default=0)
    party_members = models.PositiveIntegerField(_("đảng viên"), default=0)
    workers = models.PositiveIntegerField(_("người lao động"), default=0)
    attendees_total = models.PositiveIntegerField(_("tổng số người tham dự"), default=0)
    notes = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả quán triệt")
        verbose_name_plural = _("kết quả quán triệt")
        ordering = ["-held_on", "-id"]
        constraints = [
            # The total covers every disjoint job group, and the (overlapping) Party members.
            models.CheckConstraint(
                condition=Q(attendees_total__gte=F("leaders") + F("civil_servants") + F("workers"))
                & Q(attendees_total__gte=F("party_members")),
                name="dissemination_total_covers_groups",
            ),
        ]

    def __str__(self):
        return self.title

    @staticmethod
    def minimum_total(*, leaders: int, civil_servants: int, party_members: int, workers: int) -> int:
        return max(leaders + civil_servants + workers, party_members)


class EmulationPlan(PeriodFiling, ReviewableSubmission):
    """A unit's own plan launching the emulation campaign, with its targets."""

    requirement = models.ForeignKey(
        "directives.Requirement",
        verbose_name=_("nhiệm vụ, yêu cầu"),
        on_delete=models.PROTECT,
        related_name="emulation_plans",
    )
    document_number = models.CharField(_("số, ký hiệu kế hoạch"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày ban hành kế hoạch"), null=True, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    search_text = models.CharField(_("tên không dấu, để tìm"), max_length=300, editable=False, default="")
    content = models.TextField(_("nội dung chính"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch phát động thi đua")
        verbose_name_plural = _("kế hoạch phát động thi đua")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def validate_for_submit(self):
        if not self.targets.exists():
            raise ValidationError(_("Kế hoạch cần có ít nhất một chỉ tiêu trước khi gửi."))


class CommitmentCategory(models.TextChoices):
    # Values equal RequirementKind values, so a requirement's kind picks the category.
    BREAKTHROUGH_THEME = "breakthrough_theme", _("Chủ điểm thi đua cần đột phá")
    DIFFICULT_FIELD = "difficult_field", _("Lĩnh vực khó khăn, phức tạp")


class CommitmentField(models.TextChoices):
    ECONOMY = "economy", _("Kinh tế")
    CULTURE_SOCIETY = "culture_society", _("Văn hóa - xã hội")
    ADMINISTRATIVE_REFORM = "administrative_reform", _("Cải cách hành chính")
    DEFENCE_SECURITY = "defence_security", _("Quốc phòng - an ninh")
    PARTY_BUILDING = "party_building", _("Xây dựng Đảng, hệ thống chính trị")
    OTHER = "other", _("Lĩnh vực khác")


class Commitment(PeriodFiling, ReviewableSubmission):
    """A breakthrough theme or a difficult field the unit commits to, with its targets."""

    requirement = models.ForeignKey(
        "directives.Requirement",
        verbose_name=_("nhiệm vụ, yêu cầu"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    category = models.CharField(_("loại đăng ký"), max_length=30, choices=CommitmentCategory.choices, db_index=True)
    field = models.CharField(
        _("lĩnh vực"), max_length=30, choices=CommitmentField.choices, default=CommitmentField.ECONOMY
    )
    title = models.CharField(_("tên chủ điểm, lĩnh vực"), max_length=300)
    search_text = models.CharField(_("tên không dấu, để tìm"), max_length=300, editable=False, default="")
    description = models.TextField(_("mô tả, thực trạng"), blank=True)
    expected_result = models.TextField(_("kết quả dự kiến đạt được"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký chủ điểm, lĩnh vực")
        verbose_name_plural = _("đăng ký chủ điểm, lĩnh vực")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def validate_for_submit(self):
        if not (self.expected_result.strip() or self.targets.exists()):
            raise ValidationError(_("Cần nêu kết quả dự kiến hoặc ít nhất một chỉ tiêu trước khi gửi."))


def _one_parent(prefix: str = "") -> Q:
    plan, commitment = f"{prefix}plan__isnull", f"{prefix}commitment__isnull"
    return Q(**{plan: False, commitment: True}) | Q(**{plan: True, commitment: False})


class Target(models.Model):
    """A measurable goal (chỉ tiêu) of a plan or a commitment."""

    plan = models.ForeignKey(
        EmulationPlan,
        verbose_name=_("kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("chủ điểm, lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    baseline = models.DecimalField(_("giá trị gốc"), max_digits=18, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("chỉ tiêu"), max_digits=18, decimal_places=2)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=_one_parent(), name="target_one_parent")]

    def __str__(self):
        return self.name

    @property
    def owner(self):
        return self.plan if self.plan_id else self.commitment

    def achievement(self, actual: Decimal | None) -> Decimal | None:
        """Percent of the way from baseline to target reached by `actual` (None when undefined)."""
        if actual is None:
            return None
        start = self.baseline or Decimal(0)
        span = self.target_value - start
        if span == 0:
            return Decimal(100) if actual >= self.target_value else Decimal(0)
        return ((actual - start) / span * 100).quantize(Decimal("0.1"))


class TargetProgress(models.Model):
    """A periodic update of a target: the value reached on a date, with evidence."""

    target = models.ForeignKey(Target, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="progress")
    reported_on = models.DateField(_("số liệu đến ngày"))
    actual_value = models.DecimalField(_("giá trị đạt được"), max_digits=18, decimal_places=2)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.FileField(_("minh chứng"), upload_to=private_upload_to("pledges/evidence"), blank=True)
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=200, blank=True)
    is_late = models.BooleanField(_("cập nhật trễ"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("cập nhật lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tiến độ chỉ tiêu")
        verbose_name_plural = _("tiến độ chỉ tiêu")
        ordering = ["reported_on", "id"]

    def __str__(self):
        return f"{self.target} · {self.reported_on:%d/%m/%Y}"


class ResultReport(PeriodFiling, ReviewableSubmission):
    """A unit's written answer to an ask (báo cáo kết quả): narrative, key figures, the signed scan.

    Answers "Báo cáo", "Khác" and any ask no specific kind claims (registered as the fallback kind).
    `narrative` holds HTML already sanitised by the service (nh3); `figures` is a list of
    {"label", "value", "unit_of_measure"}.
    """

    requirement = models.ForeignKey(
        "directives.Requirement",
        verbose_name=_("nhiệm vụ, yêu cầu"),
        on_delete=models.PROTECT,
        related_name="result_reports",
    )
    title = models.CharField(_("tên báo cáo"), max_length=300)
    search_text = models.CharField(_("tên không dấu, để tìm"), max_length=300, editable=False, default="")
    document_number = models.CharField(_("số, ký hiệu báo cáo"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày báo cáo"), null=True, blank=True)
    narrative = models.TextField(_("nội dung báo cáo"), blank=True)
    figures = models.JSONField(_("số liệu chính"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo kết quả")
        verbose_name_plural = _("báo cáo kết quả")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def validate_for_submit(self):
        if not (self.narrative.strip() or self.figures or self.attachments.exists()):
            raise ValidationError(_("Báo cáo cần có nội dung, số liệu hoặc tệp báo cáo đã ký trước khi gửi."))


class Attachment(models.Model):
    """Minutes, photos or the signed plan attached to one submission of this app."""

    dissemination = models.ForeignKey(
        Dissemination, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    plan = models.ForeignKey(EmulationPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    result_report = models.ForeignKey(
        ResultReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("tệp"), upload_to=private_upload_to("pledges"))
    filename = models.CharField(_("tên tệp"), max_length=200)
    kind = models.CharField(_("loại tệp"), max_length=10)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(dissemination__isnull=False, plan__isnull=True, commitment__isnull=True, result_report=None)
                    | Q(dissemination__isnull=True, plan__isnull=False, commitment__isnull=True, result_report=None)
                    | Q(dissemination__isnull=True, plan__isnull=True, commitment__isnull=False, result_report=None)
                    | Q(dissemination=None, plan=None, commitment=None, result_report__isnull=False)
                ),
                name="pledges_attachment_one_of_four_owners",
            ),
        ]

    def __str__(self):
        return self.filename

    @property
    def owner(self):
        return self.dissemination or self.plan or self.commitment or self.result_report
