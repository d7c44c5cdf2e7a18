"""Emulation clusters and blocks: members, covenant, criteria table, scorecards (see GLOSSARY)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.models import ReviewableSubmission, Unit
from campaign_portal.core.uploads import Upload

POINTS = {"max_digits": 6, "decimal_places": 2}


class ClusterKind(models.TextChoices):
    CLUSTER = "cluster", _("Cụm thi đua")
    BLOCK = "block", _("Khối thi đua")


class Cluster(models.Model):
    """One cluster (by area) or block (by sector) for one year: members, head, covenant, criteria."""

    name = models.CharField(_("tên cụm, khối"), max_length=200)
    kind = models.CharField(_("loại"), max_length=10, choices=ClusterKind.choices, default=ClusterKind.CLUSTER)
    year = models.PositiveSmallIntegerField(_("năm"))
    description = models.TextField(_("ghi chú"), blank=True)
    finalised_at = models.DateTimeField(_("Hội đồng chốt kết quả lúc"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chốt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        ordering = ["-year", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="emulation_cluster_name_year")]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class MemberRole(models.TextChoices):
    HEAD = "head", _("Trưởng cụm, khối")
    DEPUTY = "deputy", _("Phó trưởng cụm, khối")
    MEMBER = "member", _("Thành viên")


class ClusterMember(models.Model):
    """A unit in a cluster, effective-dated: leaving sets `left_on`, history stays."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField(_("tham gia từ"))
    left_on = models.DateField(_("rời cụm từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên cụm, khối")
        verbose_name_plural = _("thành viên cụm, khối")
        ordering = ["unit__kind", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "unit"], condition=Q(left_on__isnull=True), name="emulation_member_once"
            ),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(role="head", left_on__isnull=True),
                name="emulation_one_head",
            ),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(role="deputy", left_on__isnull=True),
                name="emulation_one_deputy",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=models.F("joined_on")), name="emulation_member_range"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"


class ClusterDocument(Upload):
    """A cluster's own document (regulation, minutes, the head's plan)."""

    upload_prefix = "emulation/documents"

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("tên văn bản"), max_length=300)

    class Meta(Upload.Meta):
        verbose_name = _("văn bản của cụm, khối")
        verbose_name_plural = _("văn bản của cụm, khối")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title


class Covenant(models.Model):
    """The emulation covenant the members sign at the start of the year, filed by the head."""

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="covenant"
    )
    signed_on = models.DateField(_("ngày ký"))
    text = models.TextField(_("nội dung giao ước"))
    signing_units = models.ManyToManyField(Unit, verbose_name=_("các đơn vị ký"), related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nộp"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("nộp lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")

    def __str__(self):
        return str(_("Giao ước thi đua %(cluster)s") % {"cluster": self.cluster})

    @property
    def scan_name(self) -> str:
        return self.scan.display_name


class CovenantScan(Upload):
    """The signed covenant, scanned (PDF or photo): one per covenant."""

    upload_prefix = "emulation/covenants"
    upload_kinds = ("pdf", "jpeg", "png")

    covenant = models.OneToOneField(Covenant, verbose_name=_("giao ước"), on_delete=models.CASCADE, related_name="scan")

    class Meta(Upload.Meta):
        verbose_name = _("bản ký giao ước (scan)")
        verbose_name_plural = _("bản ký giao ước (scan)")


class CovenantConfirmation(models.Model):
    covenant = models.ForeignKey(
        Covenant, verbose_name=_("giao ước"), on_delete=models.CASCADE, related_name="confirmations"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("xác nhận giao ước")
        verbose_name_plural = _("xác nhận giao ước")
        constraints = [models.UniqueConstraint(fields=["covenant", "unit"], name="emulation_confirm_once")]

    def __str__(self):
        return f"{self.unit} · {self.confirmed_at:%d/%m/%Y}"


class CriteriaTable(models.Model):
    """The cluster's scoring table for its year, with caps, the tie-break rule and nomination counts."""

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="criteria_table"
    )
    bonus_cap = models.DecimalField(
        _("điểm thưởng tối đa"), **POINTS, default=Decimal("5"), validators=[MinValueValidator(0)]
    )
    penalty_cap = models.DecimalField(
        _("điểm trừ tối đa"), **POINTS, default=Decimal("10"), validators=[MinValueValidator(0)]
    )
    late_fraction = models.DecimalField(
        _("tỷ lệ điểm khi nộp trễ hạn"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(0)],
        help_text=_("Một nhiệm vụ nộp trễ được phần này của điểm tối đa (0,5 = một nửa)."),
    )
    tie_break = models.CharField(_("quy tắc khi bằng điểm"), max_length=30, default="full_score_count")
    flags = models.PositiveSmallIntegerField(_("số Cờ thi đua đề nghị"), default=1)
    certificates = models.PositiveSmallIntegerField(_("số Bằng khen đề nghị"), default=2)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bảng tiêu chí chấm điểm")
        verbose_name_plural = _("bảng tiêu chí chấm điểm")
        constraints = [
            models.CheckConstraint(condition=Q(late_fraction__lte=1), name="emulation_late_fraction_le_1"),
        ]

    def __str__(self):
        return str(_("Bảng tiêu chí %(cluster)s") % {"cluster": self.cluster})


class CriterionKind(models.TextChoices):
    SCORE = "score", _("Tiêu chí chấm điểm")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class Section(models.Model):
    table = models.ForeignKey(CriteriaTable, verbose_name=_("bảng"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tên phần"), max_length=300)

    class Meta:
        verbose_name = _("phần")
        verbose_name_plural = _("phần")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    """One line of the criteria table; `evidence_kind` links it to what the portal already holds."""

    section = models.ForeignKey(Section, verbose_name=_("phần"), on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.CharField(_("mã"), max_length=20, blank=True)
    title = models.CharField(_("tiêu chí"), max_length=500)
    kind = models.CharField(_("loại"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.SCORE)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS, validators=[MinValueValidator(0)])
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    evidence_required = models.CharField(_("minh chứng cần có"), max_length=500, blank=True)
    evidence_kind = models.CharField(_("liên kết minh chứng trên cổng"), max_length=30, blank=True)
    requirement = models.ForeignKey(
        "directives.Requirement",
        verbose_name=_("nhiệm vụ liên kết"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["section__position", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(max_points__gte=0), name="emulation_criterion_max")]

    def __str__(self):
        return f"{self.code} {self.title}".strip()


class Scorecard(ReviewableSubmission):
    """A unit's scoring for its cluster's year: submitted by the unit, reviewed by the head."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm, khối"), on_delete=models.CASCADE, related_name="scorecards"
    )

    class Meta:
        verbose_name = _("bảng tự chấm điểm")
        verbose_name_plural = _("bảng tự chấm điểm")
        ordering = ["unit__name"]
        constraints = [models.UniqueConstraint(fields=["cluster", "unit"], name="emulation_scorecard_once")]

    def __str__(self):
        return str(_("Tự chấm điểm %(unit)s · %(cluster)s") % {"unit": self.unit, "cluster": self.cluster})

    def get_deadline(self):
        return None


class ScoreLine(models.Model):
    """One criterion of one scorecard: proposed from evidence, self-scored, adjusted by the head."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("bảng điểm"), on_delete=models.CASCADE, related_name="lines"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="+")
    proposed_points = models.DecimalField(_("điểm cổng đề xuất"), **POINTS, null=True, blank=True)
    proposed_note = models.CharField(_("căn cứ đề xuất"), max_length=500, blank=True)
    self_points = models.DecimalField(_("điểm tự chấm"), **POINTS, null=True, blank=True)
    self_note = models.TextField(_("giải trình, minh chứng"), blank=True)
    head_points = models.DecimalField(_("điểm trưởng cụm chấm"), **POINTS, null=True, blank=True)
    head_reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        ordering = ["criterion__section__position", "criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "criterion"], name="emulation_line_once")]

    def __str__(self):
        return f"{self.scorecard_id} · {self.criterion}"

    @property
    def points(self):
        """The points that count: the head's when adjusted, else the unit's own."""
        return self.head_points if self.head_points is not None else self.self_points


class ScoreEvidence(Upload):
    upload_prefix = "emulation/evidence"

    line = models.ForeignKey(ScoreLine, verbose_name=_("điểm tiêu chí"), on_delete=models.CASCADE, related_name="files")

    class Meta(Upload.Meta):
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
