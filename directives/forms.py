"""Forms of the directives pages: the directive, its requirement rows and references, import, campaigns."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.forms import DateInput, NFCFormMixin
from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.uploads import validate_upload

from . import importing, obligations, schedule
from .models import (
    APPLICABLE_UNIT_KINDS,
    Campaign,
    CountedFrom,
    Directive,
    DirectiveStatus,
    DocType,
    Milestone,
    Recurrence,
    RequirementKind,
    ResponseMode,
)

UNIT_KIND_CHOICES = [(str(kind), kind.label) for kind in APPLICABLE_UNIT_KINDS]
REQUIREMENT_PREFIX = "req"
REFERENCE_PREFIX = "ref"


def _grouped_units(units) -> list:
    """Units grouped by kind for the picker (and the plain select without JavaScript); a dissolved
    unit says until when it existed, so staff pick today's units for a letter of today."""
    groups = {}
    for unit in units:
        label = unit.display_name if unit.display_name == unit.name else f"{unit.name} ({unit.display_name})"
        if unit.valid_to:
            label = _("%(unit)s — đến %(day)s") % {"unit": label, "day": f"{unit.valid_to:%d/%m/%Y}"}
        groups.setdefault(UnitKind(unit.kind).label, []).append((unit.pk, label))
    return [(str(kind), options) for kind, options in groups.items()]


class DirectiveForm(NFCFormMixin, forms.ModelForm):
    addressee_kinds = forms.MultipleChoiceField(
        label=_("Gửi tất cả các đơn vị loại"),
        choices=UNIT_KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ví dụ: “Các sở, ban, ngành” → Sở, ban, ngành và Cơ quan, đơn vị."),
    )
    note = forms.CharField(
        label=_("Ghi chú lần sửa"),
        required=False,
        max_length=300,
        help_text=_("Văn bản đã ban hành: ghi lý do sửa để lưu vào lịch sử."),
    )

    class Meta:
        model = Directive
        fields = [
            "doc_type", "number", "issued_on", "issuer", "issuer_name", "place", "subject", "campaign",
            "addressee_kinds", "addressee_units", "addressee_text", "body", "signer_title", "signer_name",
        ]  # fmt: skip
        widgets = {
            "issued_on": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "addressee_text": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "addressee_units": forms.SelectMultiple(attrs={"size": 10, "data-unit-picker": ""}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
        }
        # An example as help text, not as a placeholder: a grey "KT. CHỦ TỊCH" in the box looked like a value.
        help_texts = {"signer_title": _("Như dưới chữ ký, ví dụ “KT. CHỦ TỊCH” rồi xuống dòng “PHÓ CHỦ TỊCH”.")}

    def clean(self):
        cleaned = super().clean()
        # A letter cannot go to a unit dissolved by its issue date: say so beside the field, with its successors.
        day = cleaned.get("issued_on") or (cleaned["campaign"].starts_on if cleaned.get("campaign") else None)
        if day:
            for unit in cleaned.get("addressee_units") or []:
                check = obligations.addressee_check(unit, day=day)
                if not check.ok:
                    self.add_error("addressee_units", check.message)
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        issuers = Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT])
        self.fields["issuer"].queryset = issuers.order_by("path")
        units = Unit.objects.exclude(kind=UnitKind.PROVINCE).order_by("path")
        self.fields["addressee_units"].queryset = units
        self.fields["addressee_units"].widget.choices = _grouped_units(units)
        self.fields["addressee_units"].required = False
        self.fields["addressee_units"].help_text = _("Chỉ khi văn bản gửi đích danh một số đơn vị.")
        self.fields["campaign"].queryset = Campaign.objects.order_by("-starts_on")
        if not (self.instance.pk and self.instance.status != DirectiveStatus.DRAFT):
            del self.fields["note"]


def unit_choices() -> list[tuple[int, str]]:
    """Today's units a requirement can name as lead or co-operating unit (one query, shared by every row)."""
    today = timezone.localdate()
    units = Unit.objects.exclude(kind=UnitKind.PROVINCE).filter(is_active=True).exclude(valid_to__lte=today)
    units = units.order_by("path")
    return [(unit.pk, unit.name) for unit in units.only("pk", "name", "path")]


class RequirementForm(NFCFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    position = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999, required=False)
    ordinal = forms.CharField(label=_("Mục"), max_length=20)
    kind = forms.ChoiceField(label=_("Loại yêu cầu"), choices=RequirementKind.choices)
    title = forms.CharField(label=_("Tóm tắt"), max_length=300, required=False)
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    applies_to = forms.MultipleChoiceField(
        label=_("Áp dụng cho"), choices=UNIT_KIND_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Thời hạn"), required=False, widget=DateInput())
    quota_min = forms.IntegerField(label=_("Tối thiểu"), min_value=0, max_value=999, required=False)
    quota_max = forms.IntegerField(label=_("Tối đa"), min_value=0, max_value=999, required=False)
    recurrence = forms.ChoiceField(
        label=_("Định kỳ"), choices=Recurrence.choices, initial=Recurrence.NONE, required=False
    )
    due_days = forms.CharField(
        label=_("Hạn trong kỳ"),
        max_length=60,
        required=False,
        help_text=_("“20” = ngày 20 của tháng cuối kỳ; “15/6; 15/12” = các ngày trong năm."),
    )
    due_next_period = forms.BooleanField(label=_("Hạn rơi vào tháng sau kỳ"), required=False)
    relative_days = forms.IntegerField(label=_("Trong thời hạn (ngày)"), min_value=1, max_value=365, required=False)
    relative_from = forms.ChoiceField(label=_("Kể từ"), choices=[("", "—"), *CountedFrom.choices], required=False)
    relative_working_days = forms.BooleanField(label=_("Ngày làm việc"), required=False)
    lead_unit = forms.TypedChoiceField(label=_("Đơn vị chủ trì"), coerce=int, empty_value=None, required=False)
    cooperating_units = forms.TypedMultipleChoiceField(
        label=_("Đơn vị phối hợp"), coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices() if units is None else units
        self.fields["lead_unit"].choices = [("", _("— Không: mọi đơn vị được áp dụng —")), *units]
        self.fields["cooperating_units"].choices = units

    response_mode = forms.ChoiceField(
        label=_("Đơn vị trả lời bằng"),
        choices=ResponseMode.choices,
        initial=ResponseMode.FILE,
        required=False,
        help_text=_("“Nộp hồ sơ”: báo cáo hoặc hồ sơ theo loại yêu cầu; hai cách kia không phải nộp gì."),
    )

    DETAIL_FIELDS = (
        "recurrence", "due_days", "due_next_period", "relative_days", "relative_from", "relative_working_days",
        "lead_unit", "cooperating_units", "response_mode",
    )  # fmt: skip

    def has_details(self) -> bool:
        """The folded settings hold something other than their defaults, or an error: show them open."""
        if any(name in self.errors for name in self.DETAIL_FIELDS):
            return True
        defaults = {"recurrence": Recurrence.NONE, "response_mode": ResponseMode.FILE}
        for name in self.DETAIL_FIELDS:
            value = self[name].value()
            if value not in (None, "", [], False, "False", "false", defaults.get(name)):
                return True
        return False

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("quota_min"), cleaned.get("quota_max")
        if low is not None and high is not None and high < low:
            self.add_error("quota_max", _("Số tối đa phải lớn hơn hoặc bằng số tối thiểu."))
        self._clean_schedule(cleaned)
        lead = cleaned.get("lead_unit")
        if lead and lead in (cleaned.get("cooperating_units") or []):
            self.add_error("cooperating_units", _("Đơn vị chủ trì không đồng thời là đơn vị phối hợp."))
        cleaned["response_mode"] = cleaned.get("response_mode") or ResponseMode.FILE
        return cleaned

    def _clean_schedule(self, cleaned) -> None:
        recurrence = cleaned.get("recurrence") or Recurrence.NONE
        cleaned["recurrence"] = recurrence
        recurring = recurrence != Recurrence.NONE
        try:
            due = schedule.parse_due_days(cleaned.get("due_days") or "")
        except ValueError as exc:
            self.add_error(
                "due_days",
                _("“%(token)s” không phải ngày hợp lệ: ghi ngày trong tháng (1–31), ví dụ “20”, hoặc ngày/tháng, "
                  "ví dụ “15/6; 15/12”.") % {"token": exc.args[0]},
            )  # fmt: skip
            due = []
        if due and not recurring:
            self.add_error(
                "recurrence", _("Đã ghi hạn trong kỳ: chọn định kỳ (hằng tháng, quý…) hoặc xóa hạn trong kỳ.")
            )
        if recurrence == Recurrence.MONTHLY and any(month for _day, month in due):
            self.add_error("due_days", _("Yêu cầu hằng tháng chỉ ghi ngày trong tháng, ví dụ “20”."))
        if recurring and cleaned.get("deadline"):
            self.add_error("deadline", _("Yêu cầu định kỳ có hạn theo từng kỳ: để trống ô Thời hạn."))
        days, counted_from = cleaned.get("relative_days"), cleaned.get("relative_from")
        if days and not counted_from:
            self.add_error("relative_from", _("Chọn thời hạn tính từ ngày ký, ngày ban hành hay ngày nhận văn bản."))
        if counted_from and not days:
            self.add_error("relative_days", _("Ghi số ngày của thời hạn, ví dụ 15."))
        if days and cleaned.get("deadline"):
            self.add_error("deadline", _("Đã có thời hạn tính theo số ngày: để trống ô Thời hạn, hoặc xóa số ngày."))
        if days and recurring:
            self.add_error("relative_days", _("Yêu cầu định kỳ không có thời hạn tính theo số ngày."))
        if cleaned.get("relative_working_days") and not days:
            self.add_error("relative_days", _("Ghi số ngày làm việc của thời hạn."))


class BaseRequirementFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._units = None

    def get_form_kwargs(self, index):
        if self._units is None:  # one query for every row's unit lists, not one per row
            self._units = unit_choices()
        return {**super().get_form_kwargs(index), "units": self._units}

    def rows(self, offset: int = 0) -> list[dict]:
        """Kept rows as service input, in the order the user set with 'Thứ tự' (`offset`: rows on earlier pages)."""
        rows = []
        for index, form in enumerate(self.forms):
            if form.empty_permitted and not form.has_changed():  # a blank added row
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            row = dict(form.cleaned_data)
            row.pop("DELETE", None)
            row["position"] = row.get("position") if row.get("position") is not None else offset + index + 1
            rows.append(row)
        return sorted(rows, key=lambda r: r["position"])


RequirementFormSet = forms.formset_factory(
    RequirementForm, formset=BaseRequirementFormSet, extra=0, can_delete=True, max_num=200, validate_max=True
)


class ReferenceForm(NFCFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại"), choices=DocType.choices, initial=DocType.OTHER)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Ngày"), required=False, widget=DateInput())


class BaseReferenceFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("number") and not (self.can_delete and self._should_delete_form(form))
        ]


ReferenceFormSet = forms.formset_factory(
    ReferenceForm, formset=BaseReferenceFormSet, extra=1, can_delete=True, max_num=50, validate_max=True
)


class ImportForm(NFCFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Nội dung văn bản"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": _("Dán toàn bộ nội dung văn bản vào đây…")}),
    )
    file = forms.FileField(
        label=_("Hoặc tải tệp lên"),
        required=False,
        help_text=_(
            "Tệp .txt, .docx, .pdf (có lớp chữ hoặc bản quét) hoặc ảnh chụp, ảnh quét JPEG, PNG, TIFF; tối đa 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
    )

    def clean(self):
        """Only the file's type and size here; the import service reads it (a scan in the background)."""
        cleaned = super().clean()
        uploaded = cleaned.get("file")
        if uploaded:
            try:
                validate_upload(uploaded, kinds=importing.IMPORT_KINDS, max_bytes=importing.IMPORT_MAX_BYTES)
            except ValidationError as exc:
                self.add_error("file", exc)
            return cleaned
        if not (cleaned.get("text") or "").strip() and not self.errors:
            raise ValidationError(_("Dán nội dung văn bản hoặc chọn một tệp để nhập."))
        return cleaned


class WithdrawForm(NFCFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp đính kèm"),
        help_text=_("PDF, DOCX, XLSX, JPEG hoặc PNG; tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )


class CampaignForm(NFCFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "description", "organiser", "starts_on", "ends_on", "organising_level", "scope", "method"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Unit.objects.filter(
            kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT]
        ).order_by("path")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


class MilestoneForm(NFCFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "date", "anniversary_of"]
        widgets = {"date": DateInput(), "anniversary_of": DateInput()}
