"""Shared core: organisation units, users and their roles, audit log, notifications, review workflow."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .text import fold


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Huyện, thị xã, thành phố")
    COMMUNE = "commune", _("Xã, phường, thị trấn")
    AGENCY = "agency", _("Cơ quan, đơn vị")
    OTHER = "other", _("Khác")


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Units that existed on `day`: the map of that date, so history never changes."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )

    def under(self, unit, *, include_self=True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)


class Unit(models.Model):
    """An organisation in the province tree; `path` is the chain of codes from the root."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("đường dẫn"), max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0, editable=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", verbose_name=_("đơn vị kế thừa"), symmetrical=False, blank=True, related_name="predecessors"
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    def refresh_derived(self):
        """Recompute path, depth and search text from the parent; callers save."""
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        self.search_text = fold(f"{self.name} {self.short_name} {self.code}")

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to > day)


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    # Choices a user makes on screens and expects to find again (the campaign and area in focus).
    preferences = models.JSONField(_("tùy chọn hiển thị"), default=dict, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.display_name(self.full_name, self.get_username())

    @staticmethod
    def display_name(full_name: str, username: str) -> str:
        """How a user is named on screens: for rows read as plain values as well as for a User."""
        return full_name or username


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ Ban Thi đua tỉnh")
    OFFICER = "officer", _("Cán bộ đơn vị")
    LEADER = "leader", _("Lãnh đạo")
    ADMIN = "admin", _("Quản trị hệ thống")


class Membership(models.Model):
    """A user's unit and role: every access rule starts here (see core.access)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="membership"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức vụ"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("vai trò người dùng")
        verbose_name_plural = _("vai trò người dùng")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class AuditEntry(models.Model):
    """Who did what to which record, with the changed values: the portal's activity log."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nhật ký hoạt động")
        verbose_name_plural = _("nhật ký hoạt động")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"


class Notification(models.Model):
    """An in-app message to every officer of a unit (or to one user)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị nhận"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    message = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(_("liên kết"), max_length=300, blank=True)
    read_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | Q(user__isnull=False), name="notification_target")
        ]

    def __str__(self):
        return self.message


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    WITHDRAWN = "withdrawn", _("Đã rút")


# Statuses that count against a requirement's quota (a withdrawn record frees its place).
COUNTED_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.ACCEPTED)


class ReviewableSubmission(models.Model):
    """What a unit files and a reviewer accepts or returns; concrete models add `requirement`."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_time = models.BooleanField(_("đúng hạn"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("ý kiến duyệt"), blank=True)

    class Meta:
        abstract = True

    def get_deadline(self) -> datetime.date | None:
        """The deadline this submission answers; concrete models with a requirement inherit this."""
        requirement = getattr(self, "requirement", None)
        return getattr(requirement, "deadline", None)

    @property
    def is_editable(self) -> bool:
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


class PeriodicJobRun(models.Model):
    """The last run of one periodic job: claimed with a conditional UPDATE, so a second beat's send is a no-op."""

    job = models.CharField(_("công việc định kỳ"), max_length=200, unique=True)
    last_run_at = models.DateTimeField(_("lần chạy gần nhất"))
    runs = models.PositiveIntegerField(_("số lần chạy"), default=0)
    skipped = models.PositiveIntegerField(_("số lần bỏ qua (gửi trùng)"), default=0)

    class Meta:
        verbose_name = _("lần chạy công việc định kỳ")
        verbose_name_plural = _("lần chạy công việc định kỳ")

    def __str__(self):
        return self.job
