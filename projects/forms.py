"""Forms of key works: early, field-level messages; the services apply the same rules again."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign_portal.core.errors import apply_validation_error
from campaign_portal.core.forms import DateInput, NFCFormMixin, VNDField
from campaign_portal.core.models import ReviewStatus, UnitKind
from directives.models import Milestone

from .models import MONEY_MAX, FundingSourceKind, KeyWork, Risk, WorkKind, WorkStatus
from .rules import check_disbursed, check_progress, check_work_dates


def money_field(label, **kwargs) -> VNDField:
    """A VND input with messages that say what is wrong in words, not "≤ 1000000000000000"."""
    return VNDField(
        label=label,
        max_value=MONEY_MAX,
        required=False,
        error_messages={
            "min_value": _("Số tiền không được là số âm."),
            "max_value": _("Số tiền quá lớn (trên 1.000.000 tỷ đồng): vui lòng kiểm tra lại số chữ số."),
        },
        **kwargs,
    )


class KeyWorkForm(NFCFormMixin, forms.ModelForm):
    total_investment = money_field(_("Tổng mức đầu tư (đồng)"))

    class Meta:
        model = KeyWork
        fields = [
            "name",
            "kind",
            "sector",
            "milestone",
            "registered_on",
            "planned_date",
            "commune",
            "address",
            "latitude",
            "longitude",
            "investor",
            "total_investment",
            "description",
        ]
        widgets = {
            "registered_on": DateInput(),
            "planned_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, unit, requirement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = unit.children.filter(kind=UnitKind.COMMUNE).order_by("name")
        campaign_id = requirement.directive.campaign_id
        milestones = Milestone.objects.filter(campaign_id=campaign_id) if campaign_id else Milestone.objects.all()
        self.fields["milestone"].queryset = milestones.order_by("date")
        self.fields["planned_date"].help_text = _("Để trống để lấy ngày của mốc kỷ niệm.")
        for name, limit in (("latitude", 90), ("longitude", 180)):
            # Words instead of "no more than 3 digits before the decimal point" (DecimalField's message).
            out_of_range = _("%(label)s phải là số độ từ -%(limit)s đến %(limit)s, ví dụ %(example)s.") % {
                "label": capfirst(self.fields[name].label),
                "limit": limit,
                "example": "12.6800" if name == "latitude" else "108.0500",
            }
            self.fields[name].error_messages.update(
                dict.fromkeys(("max_digits", "max_whole_digits", "max_value", "min_value"), out_of_range)
            )
            self.fields[name].error_messages["max_decimal_places"] = _("Chỉ ghi tối đa 6 chữ số sau dấu thập phân.")

    def clean_total_investment(self):
        return self.cleaned_data.get("total_investment") or 0

    def clean(self):
        cleaned = super().clean()
        for name, message in check_work_dates(
            registered_on=cleaned.get("registered_on"), planned_date=cleaned.get("planned_date"), actual_date=None
        ).items():
            self.add_error(name, message)
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class FundingSourceForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Nguồn vốn"),
        choices=[("", "—"), *FundingSourceKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = money_field(_("Số tiền (đồng)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"class": "form-control text-end"})  # no "0": it read as a value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") and not cleaned.get("source"):
            self.add_error("source", _("Chọn nguồn vốn cho số tiền này."))
        return cleaned


FundingFormSet = formset_factory(FundingSourceForm, extra=0, min_num=4, max_num=8, validate_max=True)


def funding_rows(formset) -> list[dict]:
    """The filled-in rows of the funding formset, for the service."""
    return [
        {"source": form.cleaned_data["source"], "amount": form.cleaned_data.get("amount") or 0}
        for form in formset.forms
        if form.cleaned_data.get("source")
    ]


def funding_initial(work=None) -> list[dict]:
    if work is None:
        return [{"source": value} for value in FundingSourceKind.values]
    return [{"source": row.source, "amount": row.amount} for row in work.funding_sources.all()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotoField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProgressForm(NFCFormMixin, forms.Form):
    reported_on = forms.DateField(label=_("Ngày báo cáo"), widget=DateInput())
    physical_progress = forms.IntegerField(label=_("Khối lượng thực hiện (%)"), min_value=0, max_value=100)
    capital_disbursed = money_field(_("Vốn đã giải ngân (đồng)"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(
        label=_("Ảnh hiện trường"),
        required=False,
        help_text=_("JPEG, PNG hoặc WebP, mỗi ảnh tối đa 15 MB; thông tin vị trí (GPS) trong ảnh sẽ được xóa."),
    )

    def __init__(self, *args, work, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.work = work
        self.previous = previous
        if not self.is_bound:
            self.initial.setdefault("reported_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        for name, message in check_progress(
            progress=cleaned.get("physical_progress"),
            previous=self.previous,
            last_reported_on=self.work.latest_progress_on,
            note=cleaned.get("note", ""),
            reported_on=cleaned.get("reported_on"),
            registered_on=self.work.registered_on,
            today=timezone.localdate(),
        ).items():
            if name in self.fields and name not in self._errors:
                self.add_error(name, message)
        message = check_disbursed(cleaned.get("capital_disbursed"), self.work.total_investment)
        if message and "capital_disbursed" not in self._errors:
            self.add_error("capital_disbursed", message)
        return cleaned


class TransitionForm(forms.Form):
    target = forms.ChoiceField(
        choices=[
            (s, s)
            for s in (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED, ReviewStatus.RETURNED, ReviewStatus.WITHDRAWN)
        ]
    )
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WorkStatusForm(NFCFormMixin, forms.Form):
    work_status = forms.ChoiceField(label=_("Tình trạng mới"), choices=WorkStatus.choices)
    actual_date = forms.DateField(label=_("Ngày tổ chức lễ thực tế"), required=False, widget=DateInput())
    cancel_reason = forms.CharField(label=_("Lý do hủy"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_status"].choices = [(m, WorkStatus(m).label) for m in moves]


class TableFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    unit = forms.TypedChoiceField(label=_("Địa phương"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=pgettext_lazy("key works", "Hình thức"), required=False, choices=[("", _("Tất cả")), *WorkKind.choices]
    )
    work_status = forms.ChoiceField(
        label=pgettext_lazy("key works", "Tình trạng"), required=False, choices=[("", _("Tất cả")), *WorkStatus.choices]
    )
    status = forms.ChoiceField(label=_("Duyệt"), required=False, choices=[("", _("Tất cả")), *ReviewStatus.choices])
    milestone = forms.TypedChoiceField(
        label=pgettext_lazy("key works", "Mốc kỷ niệm"), required=False, coerce=int, empty_value=None
    )
    risk = forms.ChoiceField(label=_("Cảnh báo"), required=False, choices=[("", _("Tất cả")), *Risk.choices])
    # A CharField (not a ChoiceField): column headers also send the reversed keys ("-planned").
    sort = forms.CharField(
        label=_("Sắp xếp"),
        required=False,
        widget=forms.Select(
            choices=[
                ("planned", _("Ngày dự kiến (sớm trước)")),
                ("risk", _("Cảnh báo (khẩn trước)")),
                ("-progress", _("Tiến độ (cao trước)")),
                ("progress", _("Tiến độ (thấp trước)")),
                ("-investment", _("Tổng mức đầu tư (lớn trước)")),
                ("unit", pgettext_lazy("key works", "Đơn vị")),
                ("name", _("Tên công trình")),
            ]
        ),
    )

    def __init__(self, *args, units=(), milestones=(), **kwargs):
        """`units` may be a callable: its query then runs only when the field is shown or checked."""
        super().__init__(*args, **kwargs)
        read = units if callable(units) else lambda: units
        self.fields["unit"].choices = lambda: [("", _("Tất cả")), *((u.pk, u.display_name) for u in read())]
        self.fields["milestone"].choices = [("", _("Tất cả")), *((m.pk, str(m)) for m in milestones)]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel đã điền tiến độ"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one, else at the top."""
    apply_validation_error(form, error)
