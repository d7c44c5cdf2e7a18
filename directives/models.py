"""Campaigns, directives and the requirements units must answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.uploads import Upload, private_upload_to


class OrganisingLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Cấp sở, ngành")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class CampaignMethod(models.TextChoices):
    THEMATIC = "thematic", _("Theo đợt (chuyên đề)")
    REGULAR = "regular", _("Thường xuyên")


class CampaignScope(models.TextChoices):
    PROVINCE_WIDE = "province_wide", _("Toàn tỉnh")
    SECTOR = "sector", _("Trong ngành, lĩnh vực")
    LOCAL = "local", _("Trong địa phương")


class Campaign(models.Model):
    """An emulation movement (phong trào thi đua) with its period and milestones."""

    name = models.CharField(_("tên phong trào"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    organiser = models.ForeignKey(Unit, verbose_name=_("đơn vị phát động"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    organising_level = models.CharField(
        _("cấp phát động"), max_length=20, choices=OrganisingLevel.choices, default=OrganisingLevel.PROVINCE
    )
    scope = models.CharField(
        _("phạm vi"), max_length=20, choices=CampaignScope.choices, default=CampaignScope.PROVINCE_WIDE
    )
    method = models.CharField(
        _("hình thức"), max_length=20, choices=CampaignMethod.choices, default=CampaignMethod.THEMATIC
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["-starts_on", "name"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period")]

    def __str__(self):
        return self.name

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Milestone(models.Model):
    """A date the campaign celebrates, e.g. 23/11/2020: 80 years of the provincial Party organisation."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("phong trào"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("tên mốc kỷ niệm"), max_length=300)
    date = models.DateField(_("ngày"))
    anniversary_of = models.DateField(_("ngày của sự kiện gốc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mốc kỷ niệm")
        verbose_name_plural = _("mốc kỷ niệm")
        ordering = ["date"]

    def __str__(self):
        return f"{self.name} ({self.date:%d/%m/%Y})"


class DocType(models.TextChoices):
    CONG_VAN = "cong_van", _("Công văn")
    KE_HOACH = "ke_hoach", _("Kế hoạch")
    CHI_THI = "chi_thi", _("Chỉ thị")
    THONG_BAO = "thong_bao", _("Thông báo")
    QUYET_DINH = "quyet_dinh", _("Quyết định")
    HUONG_DAN = "huong_dan", _("Hướng dẫn")
    BAO_CAO = "bao_cao", _("Báo cáo")
    NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
    TO_TRINH = "to_trinh", _("Tờ trình")
    OTHER = "other", _("Khác")


class DirectiveStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã ban hành")
    WITHDRAWN = "withdrawn", _("Đã thu hồi")


class Directive(models.Model):
    """An official document (văn bản chỉ đạo) that asks units to act."""

    doc_type = models.CharField(_("loại văn bản"), max_length=20, choices=DocType.choices, default=DocType.CONG_VAN)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 7019/UBND-TH"))
    issuer = models.ForeignKey(Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("tên cơ quan ban hành (như trên văn bản)"), max_length=200, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    body = models.TextField(_("nội dung"), blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("phong trào"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directives",
    )
    addressee_kinds = models.JSONField(_("gửi các loại đơn vị"), default=list, blank=True)
    addressee_units = models.ManyToManyField(Unit, verbose_name=_("gửi các đơn vị"), blank=True, related_name="+")
    addressee_text = models.TextField(_("Kính gửi (như trên văn bản)"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DirectiveStatus.choices, default=DirectiveStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    published_at = models.DateTimeField(_("ban hành trên cổng lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_("lý do thu hồi"), blank=True)
    notified_at = models.DateTimeField(_("đã gửi thông báo lúc"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, editable=False)
    # fold() of number, subject, issuer, addressees, signer and body: accent-insensitive search on
    # every database (PostgreSQL adds a pg_trgm index on it, see migration 0002).
    search_text = models.TextField(_("nội dung tìm kiếm"), editable=False, default="")

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # Decree 30, Article 15: one number series per issuing body per year. Drafts do not
            # take a number yet (two imports of the same letter may coexist until one is published).
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                condition=~Q(number="") & ~Q(status=DirectiveStatus.DRAFT),
                name="directive_number_unique_per_year",
            ),
        ]

    def __str__(self):
        label = self.get_doc_type_display()
        return f"{label} {self.number}" if self.number else f"{label}: {self.subject[:60]}"

    @property
    def is_published(self) -> bool:
        return self.status == DirectiveStatus.PUBLISHED


class DirectiveReference(models.Model):
    """A document the directive cites ("Kế hoạch số 126-KH/TU ngày 31/7/2019")."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="references"
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=20, choices=DocType.choices, default=DocType.OTHER)
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày"), null=True, blank=True)
    target = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản trên cổng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cited_by",
    )

    class Meta:
        verbose_name = _("văn bản được dẫn chiếu")
        verbose_name_plural = _("văn bản được dẫn chiếu")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_doc_type_display()} số {self.number}"


class RequirementKind(models.TextChoices):
    DISSEMINATION = "dissemination", _("Quán triệt")
    EMULATION_PLAN = "emulation_plan", _("Kế hoạch phát động thi đua")
    KEY_WORKS = "key_works", _("Công trình trọng điểm")
    BREAKTHROUGH_THEME = "breakthrough_theme", _("Chủ điểm thi đua cần đột phá")
    DIFFICULT_FIELD = "difficult_field", _("Lĩnh vực khó khăn, phức tạp")
    REPORT = "report", _("Báo cáo")
    OTHER = "other", _("Khác")


class ResponseMode(models.TextChoices):
    """How a unit answers a requirement (see `directives.obligations`)."""

    FILE = "file", _("Nộp hồ sơ")
    RECEIPT = "receipt", _("Chỉ cần xác nhận đã nhận")
    INFORMATION = "information", _("Để biết (không phải nộp)")


def quota_text(quota_min: int | None, quota_max: int | None) -> str:
    """'01–02', '≥ 01', '≤ 03' or '' (numbers under 10 written with a leading 0, as in the letters)."""
    if quota_min and quota_max:
        return f"{quota_min:02d}–{quota_max:02d}"
    if quota_min:
        return f"≥ {quota_min:02d}"
    if quota_max:
        return f"≤ {quota_max:02d}"
    return ""


class Recurrence(models.TextChoices):
    NONE = "none", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng một lần")
    YEARLY = "yearly", _("Hằng năm")


class CountedFrom(models.TextChoices):
    SIGNATURE = "signature", _("Ngày ký văn bản")
    PUBLICATION = "publication", _("Ngày ban hành trên cổng")
    RECEIPT = "receipt", _("Ngày đơn vị nhận được văn bản")


class Requirement(models.Model):
    """One trackable ask of a directive: what, from which kinds of unit, how many, by when.

    A numbered item that asks for several things (item 3 of Letter 7019: key works, themes,
    difficult fields) becomes several requirements sharing its ordinal.
    """

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="requirements"
    )
    ordinal = models.CharField(_("mục"), max_length=20)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    kind = models.CharField(_("yêu cầu"), max_length=30, choices=RequirementKind.choices, default=RequirementKind.OTHER)
    title = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    text = models.TextField(_("nội dung"))
    applies_to = models.JSONField(_("áp dụng cho loại đơn vị"), default=list, blank=True)
    target_units = models.ManyToManyField(
        Unit, verbose_name=_("chỉ áp dụng cho các đơn vị"), blank=True, related_name="+"
    )
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    quota_min = models.PositiveSmallIntegerField(_("số lượng tối thiểu"), null=True, blank=True)
    quota_max = models.PositiveSmallIntegerField(_("số lượng tối đa"), null=True, blank=True)
    response_mode = models.CharField(
        _("cách trả lời"), max_length=20, choices=ResponseMode.choices, default=ResponseMode.FILE
    )
    # How the letter asks (directives.schedule turns these into periods and deadlines).
    recurrence = models.CharField(
        _("định kỳ"), max_length=20, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    due_days = models.CharField(
        _("hạn trong kỳ"),
        max_length=60,
        blank=True,
        help_text=_("Ngày trong tháng cuối kỳ (“20”), hoặc ngày/tháng trong năm (“15/6; 15/12”)."),
    )
    due_next_period = models.BooleanField(_("hạn rơi vào tháng sau kỳ"), default=False)
    relative_days = models.PositiveSmallIntegerField(_("thời hạn (số ngày)"), null=True, blank=True)
    relative_from = models.CharField(_("tính từ"), max_length=20, choices=CountedFrom.choices, blank=True)
    relative_working_days = models.BooleanField(_("tính theo ngày làm việc"), default=False)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Khi văn bản giao một đơn vị chủ trì: chỉ đơn vị này phải thực hiện và báo cáo."),
    )
    cooperating_units = models.ManyToManyField(Unit, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("nhiệm vụ, yêu cầu")
        verbose_name_plural = _("nhiệm vụ, yêu cầu")
        ordering = ["directive", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quota_min__isnull=True)
                | Q(quota_max__isnull=True)
                | Q(quota_max__gte=models.F("quota_min")),
                name="requirement_quota_range",
            ),
            # A relative deadline is a number of days counted from something: both or neither.
            models.CheckConstraint(
                condition=Q(relative_days__isnull=True, relative_from="")
                | (Q(relative_days__gt=0) & ~Q(relative_from="")),
                name="requirement_relative_deadline_complete",
            ),
        ]

    def __str__(self):
        return f"{self.directive.number or self.directive_id} · {self.ordinal} · {self.get_kind_display()}"

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def quota_text(self) -> str:
        return quota_text(self.quota_min, self.quota_max)

    @property
    def schedule_text(self) -> str:
        """'Hằng tháng, hạn ngày 20' or '15 ngày làm việc kể từ ngày nhận văn bản'; '' for a one-time ask."""
        if self.recurrence and self.recurrence != Recurrence.NONE:
            if self.due_days:
                return gettext("%(every)s, hạn %(due)s") % {
                    "every": self.get_recurrence_display(),
                    "due": self.due_days,
                }
            return str(self.get_recurrence_display())
        if self.relative_days and self.relative_from:
            values = {"days": self.relative_days, "start": str(self.get_relative_from_display()).lower()}
            if self.relative_working_days:
                return gettext("%(days)s ngày làm việc kể từ %(start)s") % values
            return gettext("%(days)s ngày kể từ %(start)s") % values
        return ""

    def applies_to_kind(self, kind: str) -> bool:
        return kind in (self.applies_to or [])


APPLICABLE_UNIT_KINDS = [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AGENCY]


class Receipt(models.Model):
    """An addressed unit confirms it has received a published directive."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="receipts"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("xác nhận đã nhận")
        verbose_name_plural = _("xác nhận đã nhận")
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="receipt_once_per_unit")]

    def __str__(self):
        return f"{self.unit} · {self.directive}"


class DirectiveAttachment(Upload):
    upload_prefix = "directives"

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(Upload.Meta):
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ")
    WORKING = "working", _("Ngày làm việc bù")


class CalendarDay(models.Model):
    """A day the holidays package does not know: an extra day off, or a weekend day worked in exchange."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=CalendarDayKind.choices, default=CalendarDayKind.HOLIDAY)
    name = models.CharField(_("lý do"), max_length=200, help_text=_("Ví dụ: Nghỉ bù Quốc khánh; Làm bù thứ Bảy."))

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()} · {self.name}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ đọc")
    RUNNING = "running", _("Đang đọc")
    DONE = "done", _("Đã đọc xong")
    FAILED = "failed", _("Không đọc được")


class ImportSource(models.TextChoices):
    TEXT = "text", _("Văn bản dán vào")
    FILE = "file", _("Tệp có lớp chữ")
    SCAN = "scan", _("Bản quét hoặc ảnh chụp (OCR)")


class DirectiveImport(models.Model):
    """How a draft directive was read from a letter: the text, where each field came from, OCR progress.

    The draft is saved before anything is read, so neither a large form nor a failed OCR loses the letter.
    `lines` has one entry per line of `text`: {"page", "box" (fractions of the page), "conf", "fixed"}.
    `sources` maps a field name (or "req:<requirement id>") to the index of its line in `text`.
    """

    directive = models.OneToOneField(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="import_record"
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=ImportSource.choices, default=ImportSource.TEXT)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DONE)
    pages_total = models.PositiveSmallIntegerField(_("số trang"), default=0)
    pages_done = models.PositiveSmallIntegerField(_("số trang đã đọc"), default=0)
    scan = models.ForeignKey(
        DirectiveAttachment,
        verbose_name=_("bản quét"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("nội dung đã đọc"), blank=True)
    lines = models.JSONField(_("vị trí các dòng"), default=list, blank=True)
    sources = models.JSONField(_("nguồn của từng trường"), default=dict, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("đọc xong lúc"), null=True, blank=True)
    # Set when queued and after each page read: a reading whose worker died is noticed and taken over.
    heartbeat = models.DateTimeField(_("lần cuối có tiến triển"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập văn bản")
        verbose_name_plural = _("lần nhập văn bản")

    def __str__(self):
        return f"{self.directive_id} · {self.get_source_display()} · {self.get_status_display()}"

    @property
    def is_done(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def progress(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.pages_done / self.pages_total) if self.pages_total else 0


class DirectiveImportPage(models.Model):
    """One page of a scan as shown beside the form (a reduced JPEG), with its size in pixels."""

    record = models.ForeignKey(
        DirectiveImport, verbose_name=_("lần nhập"), on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveSmallIntegerField(_("trang"))
    image = models.FileField(_("ảnh trang"), upload_to=private_upload_to("directive-pages"))
    width = models.PositiveIntegerField(_("rộng"), default=0)
    height = models.PositiveIntegerField(_("cao"), default=0)

    class Meta:
        verbose_name = _("trang bản quét")
        verbose_name_plural = _("trang bản quét")
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="import_page_once")]

    def __str__(self):
        return f"{self.record_id} · {self.number}"


class EngineVersion(models.Model):
    """One row per write the obligations engine reads (directives.freshness): the newest id is the
    version of the data; what the engine computed is reused while it stays the same."""

    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self):
        return f"#{self.pk} · {self.at:%d/%m/%Y %H:%M:%S}"
