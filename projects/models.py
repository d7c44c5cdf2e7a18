"""Key works (công trình trọng điểm): what a district registers for a milestone, and its progress.

Review status (draft → submitted → returned/accepted) is the shared workflow of core.review;
`work_status` is the work's life on the ground. Staff approval IS the shared workflow's accept:
the service then moves `work_status` from "registered" to "approved" (see services.key_work_review).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaign_portal.core.models import ReviewableSubmission, Unit
from campaign_portal.core.uploads import private_upload_to

# Money above 10^15 đồng (a million billion) is a typing mistake, not an investment.
MONEY_MAX = 10**15
money_validators = [MinValueValidator(0), MaxValueValidator(MONEY_MAX)]


class WorkKind(models.TextChoices):
    GROUNDBREAKING = "groundbreaking", _("Khởi công")
    INAUGURATION = "inauguration", _("Khánh thành, đưa vào sử dụng")


class Sector(models.TextChoices):
    TRANSPORT = "transport", _("Giao thông")
    IRRIGATION = "irrigation", _("Thủy lợi")
    EDUCATION = "education", _("Giáo dục")
    HEALTH = "health", _("Y tế")
    CULTURE = "culture", _("Văn hóa")
    URBAN = "urban", _("Đô thị")
    OTHER = "other", _("Khác")


class WorkStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    APPROVED = "approved", _("Đã được duyệt")
    UNDER_CONSTRUCTION = "under_construction", _("Đang thi công")
    CEREMONY_HELD = "ceremony_held", _("Đã tổ chức lễ")
    DELAYED = "delayed", _("Chậm tiến độ")
    CANCELLED = "cancelled", _("Đã hủy")


class Risk(models.TextChoices):
    # A context keeps these words from taking another app's translation of the same Vietnamese.
    ON_TRACK = "on_track", pgettext_lazy("key work risk", "Đúng tiến độ")
    AT_RISK = "at_risk", pgettext_lazy("key work risk", "Có nguy cơ chậm")
    LATE = "late", pgettext_lazy("key work risk", "Quá hạn")
    DONE = "done", pgettext_lazy("key work risk", "Đã tổ chức lễ")
    CANCELLED = "cancelled", pgettext_lazy("key work risk", "Đã hủy")


class FundingSourceKind(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    PROVINCIAL = "provincial", _("Ngân sách tỉnh")
    DISTRICT = "district", _("Ngân sách huyện")
    SOCIALISED = "socialised", _("Xã hội hóa, vốn tư nhân")


class KeyWork(ReviewableSubmission):
    """A key work a district registers to break ground on or inaugurate for a milestone."""

    requirement = models.ForeignKey(
        "directives.Requirement",
        verbose_name=_("nhiệm vụ, yêu cầu"),
        on_delete=models.PROTECT,
        related_name="key_works",
    )
    name = models.CharField(_("tên công trình"), max_length=300)
    kind = models.CharField(pgettext_lazy("key works", "hình thức"), max_length=20, choices=WorkKind.choices)
    sector = models.CharField(
        pgettext_lazy("key works", "lĩnh vực"), max_length=20, choices=Sector.choices, default=Sector.OTHER
    )
    commune = models.ForeignKey(
        Unit,
        verbose_name=_("xã, phường, thị trấn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("địa điểm"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("vĩ độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("kinh độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    investor = models.CharField(_("chủ đầu tư"), max_length=300, blank=True)
    total_investment = models.BigIntegerField(_("tổng mức đầu tư (đồng)"), default=0, validators=money_validators)
    milestone = models.ForeignKey(
        "directives.Milestone",
        verbose_name=_("mốc kỷ niệm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_works",
    )
    registered_on = models.DateField(_("ngày đăng ký"), default=timezone.localdate)
    planned_date = models.DateField(_("ngày dự kiến tổ chức lễ"), null=True, blank=True)
    actual_date = models.DateField(_("ngày tổ chức lễ thực tế"), null=True, blank=True)
    work_status = models.CharField(
        _("tình trạng công trình"),
        max_length=20,
        choices=WorkStatus.choices,
        default=WorkStatus.REGISTERED,
        db_index=True,
    )
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    latest_progress = models.PositiveSmallIntegerField(
        _("tiến độ mới nhất (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    latest_progress_on = models.DateField(_("ngày cập nhật tiến độ"), null=True, blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="", db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công trình trọng điểm")
        verbose_name_plural = _("công trình trọng điểm")
        ordering = ["planned_date", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(total_investment__lte=MONEY_MAX),
                name="keywork_investment_range",
            ),
            models.CheckConstraint(
                condition=Q(latest_progress__gte=0) & Q(latest_progress__lte=100), name="keywork_progress_range"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="keywork_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="keywork_longitude_range",
            ),
            models.CheckConstraint(
                condition=~Q(work_status=WorkStatus.CANCELLED) | ~Q(cancel_reason=""), name="keywork_cancel_reason"
            ),
            models.CheckConstraint(
                condition=Q(actual_date__isnull=True) | Q(actual_date__gte=models.F("registered_on")),
                name="keywork_actual_after_registration",
            ),
        ]
        indexes = [models.Index(fields=["requirement", "unit"])]

    def __str__(self):
        return self.name

    def validate_for_submit(self):
        """Called by the shared workflow before a submit: the ceremony date must be known."""
        if self.planned_date is None:
            raise ValidationError(_("Cần nhập ngày dự kiến tổ chức lễ trước khi gửi."))

    @property
    def funding_total(self) -> int:
        return sum(source.amount for source in self.funding_sources.all())


class FundingSource(models.Model):
    key_work = models.ForeignKey(
        KeyWork, verbose_name=_("công trình"), on_delete=models.CASCADE, related_name="funding_sources"
    )
    source = models.CharField(_("nguồn vốn"), max_length=20, choices=FundingSourceKind.choices)
    amount = models.BigIntegerField(_("số tiền (đồng)"), default=0, validators=money_validators)

    class Meta:
        verbose_name = _("nguồn vốn")
        verbose_name_plural = _("nguồn vốn")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MONEY_MAX), name="fundingsource_amount_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.amount}"


class ProgressUpdate(models.Model):
    """One progress report: the physical progress and money disbursed on a day, with photos."""

    key_work = models.ForeignKey(
        KeyWork, verbose_name=_("công trình"), on_delete=models.CASCADE, related_name="progress_updates"
    )
    reported_on = models.DateField(_("ngày báo cáo"))
    physical_progress = models.PositiveSmallIntegerField(
        _("khối lượng thực hiện (%)"), validators=[MaxValueValidator(100)]
    )
    capital_disbursed = models.BigIntegerField(_("vốn đã giải ngân (đồng)"), default=0, validators=money_validators)
    note = models.TextField(pgettext_lazy("key works", "ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(physical_progress__gte=0) & Q(physical_progress__lte=100),
                name="progressupdate_progress_range",
            ),
            models.CheckConstraint(
                condition=Q(capital_disbursed__gte=0) & Q(capital_disbursed__lte=MONEY_MAX),
                name="progressupdate_money_range",
            ),
        ]

    def __str__(self):
        return f"{self.key_work} · {self.reported_on:%d/%m/%Y} · {self.physical_progress}%"


class ThumbnailStatus(models.TextChoices):
    PENDING = "pending", _("Đang tạo ảnh thu nhỏ")
    READY = "ready", _("Sẵn sàng")
    FAILED = "failed", _("Lỗi tạo ảnh thu nhỏ")


class ProgressPhoto(models.Model):
    """A site photo, stored re-encoded without EXIF; the thumbnail is made by a Celery task."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("báo cáo tiến độ"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("ảnh gốc"), upload_to=private_upload_to("projects/photos"))
    thumbnail = models.FileField(_("ảnh thu nhỏ"), upload_to=private_upload_to("projects/thumbs"), blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200)
    width = models.PositiveIntegerField(_("chiều rộng (px)"), default=0)
    height = models.PositiveIntegerField(_("chiều cao (px)"), default=0)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    thumbnail_status = models.CharField(
        _("tình trạng ảnh thu nhỏ"), max_length=10, choices=ThumbnailStatus.choices, default=ThumbnailStatus.PENDING
    )
    thumbnail_error = models.CharField(pgettext_lazy("key works", "lỗi"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh tiến độ")
        verbose_name_plural = _("ảnh tiến độ")
        ordering = ["id"]

    def __str__(self):
        return self.filename
