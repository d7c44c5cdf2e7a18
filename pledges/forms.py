"""Forms of the pledges app; they validate input, the services enforce the rules again."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from campaign_portal.core import numbers
from campaign_portal.core.forms import ConfirmFormMixin, DateInput, NFCFormMixin
from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.uploads import DOCUMENT_KINDS, validate_upload
from directives import obligations, schedule
from directives.models import Directive, DirectiveStatus
from directives.selectors import directives_addressed_to

from . import importing
from .models import Commitment, Dissemination, EmulationPlan, ResultReport, Target
from .services import ATTACHMENT_KINDS

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class NumberField(forms.DecimalField):
    """A decimal typed the Vietnamese way ('1.234,5', '95,5') or plainly ('95.5')."""

    default_error_messages = {
        "invalid": _("Nhập một số, ví dụ 95,5 hoặc 1.200."),
        # Django's wording ("no more than 18 digits in total") means little to an officer.
        "max_digits": _("Số quá lớn."),
        "max_whole_digits": _("Số quá lớn."),
        "max_decimal_places": _("Tối đa %(max)s chữ số sau dấu phẩy."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return importing.parse_number(value)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return importing.format_decimal(value)
        return value


class VersionedForm(NFCFormMixin, forms.ModelForm):
    """Carries the version the user opened, for the optimistic lock on save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, quota_error: str = "", requirement=None, unit=None, period: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.quota_error = quota_error
        self.requirement, self.unit = requirement, unit
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if "period" in self.fields:
            self._period_field(wanted=period)

    def _period_field(self, *, wanted: str) -> None:
        """A recurring ask: choose the period this filing answers, among those the unit still owes
        (the engine's), the earliest by default, or the one the owed page's link names."""
        if self.requirement is None or self.unit is None or not obligations.recurs(self.requirement):
            del self.fields["period"]
            return
        keep = self.instance.period if self.instance.pk else ""
        cells = obligations.filing_periods(self.requirement, self.unit.pk, keep=keep, exclude_pk=self.instance.pk)
        choices = [(cell.key.period, _period_choice(cell)) for cell in cells]
        posted = (self.data.get(self.add_prefix("period")) or "").strip() if self.is_bound else ""
        if posted and posted not in dict(choices):  # refused below, but still shown as chosen
            choices.append((posted, schedule.period_label(posted) or posted))
        self.fields["period"] = forms.CharField(
            label=_("Kỳ báo cáo"),
            required=False,  # check_period says why a period is missing or refused
            widget=forms.Select(choices=[("", _("— Chọn kỳ —")), *choices]),
            help_text=_("Các kỳ đơn vị còn phải nộp; chọn đúng kỳ mà hồ sơ này báo cáo, kể cả kỳ đã qua.")
            if cells
            else _("Đơn vị đã nộp đủ hồ sơ cho mọi kỳ đã bắt đầu."),
        )
        if not self.is_bound:
            offered = [key for key, _label in choices]
            self.initial["period"] = wanted if wanted in offered else (keep or (offered[0] if offered else ""))
        self.order_fields(["period"])

    def clean_period(self):
        period = (self.cleaned_data.get("period") or "").strip()
        obligations.check_period(self.requirement, self.unit.pk, period, exclude_pk=self.instance.pk)
        return period

    def clean(self):
        cleaned = super().clean()
        # Forms refuse what the service would refuse, with the same message (the service re-checks under lock).
        if self.quota_error:
            raise ValidationError(self.quota_error, code="quota")
        return cleaned


def _period_choice(cell) -> str:
    if cell.deadline is None:
        return cell.period.label
    words = _("%(period)s · hạn %(day)s") % {"period": cell.period.label, "day": f"{cell.deadline:%d/%m/%Y}"}
    if cell.state == obligations.CellState.LATE:
        words = _("%(period)s (quá hạn)") % {"period": words}
    return words


ATTENDEE_FIELDS = ("leaders", "civil_servants", "party_members", "workers", "attendees_total")
MAX_ATTENDEES = 1_000_000


class DisseminationForm(VersionedForm):
    attendees_total = forms.IntegerField(
        label=_("Tổng số người tham dự"),
        min_value=0,
        required=False,
        help_text=_("Để trống để tự cộng: lãnh đạo + cán bộ, công chức, viên chức + người lao động."),
    )

    class Meta:
        model = Dissemination
        fields = [
            "period",
            "title",
            "held_on",
            "form",
            "directives",
            "leaders",
            "civil_servants",
            "party_members",
            "workers",
            "attendees_total",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "directives": forms.CheckboxSelectMultiple,
        }
        help_texts = {"party_members": _("Đảng viên có thể đồng thời là lãnh đạo hoặc công chức.")}

    def __init__(self, *args, requirement=None, unit=None, **kwargs):
        super().__init__(*args, requirement=requirement, unit=unit, **kwargs)
        qs = Directive.objects.filter(status=DirectiveStatus.PUBLISHED)
        if unit is not None:
            # Only what was sent to this unit (and the requirement's own directive), not every letter in the province.
            addressed = directives_addressed_to(unit=unit).values("pk")
            own = [requirement.directive_id] if requirement is not None else []
            qs = qs.filter(Q(pk__in=addressed) | Q(pk__in=own))
        qs = qs.order_by("-issued_on", "-id")
        self.fields["directives"].queryset = qs
        self.fields["directives"].required = False
        self.fields["directives"].help_text = _("Để trống: văn bản của yêu cầu này.")
        if requirement is not None and not self.instance.pk and not self.is_bound:
            self.initial["directives"] = [requirement.directive_id]
        if self.instance.pk and not self.is_bound:
            self.initial["attendees_total"] = self.instance.attendees_total
        for name in ATTENDEE_FIELDS:
            # A plain limit people understand, instead of the database's 9223372036854775807.
            field = self.fields[name]
            field.max_value = MAX_ATTENDEES
            field.widget.attrs["max"] = MAX_ATTENDEES
            field.validators = [v for v in field.validators if not isinstance(v, MaxValueValidator)]
            field.validators.append(
                MaxValueValidator(
                    MAX_ATTENDEES,
                    message=_("Số người không quá %(max)s.")
                    % {"max": number_format(MAX_ATTENDEES, force_grouping=True)},
                )
            )

    def clean(self):
        cleaned = super().clean()
        groups = {name: cleaned.get(name) or 0 for name in ("leaders", "civil_servants", "party_members", "workers")}
        minimum = Dissemination.minimum_total(**groups)
        total = cleaned.get("attendees_total")
        if total is not None and total < minimum:
            self.add_error(
                "attendees_total",
                _(
                    "Tổng số (%(total)s) phải ít nhất bằng %(min)s: lãnh đạo + công chức "
                    "+ người lao động, và không ít hơn số đảng viên."
                )
                % {"total": total, "min": minimum},
            )
        return cleaned


class EmulationPlanForm(VersionedForm):
    class Meta:
        model = EmulationPlan
        fields = ["period", "title", "document_number", "document_date", "content"]
        widgets = {"document_date": DateInput(), "content": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"document_number": _("Ví dụ: 125/KH-UBND")}


class CommitmentForm(VersionedForm):
    class Meta:
        model = Commitment
        fields = ["period", "field", "title", "description", "expected_result"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_result": forms.Textarea(attrs={"rows": 3}),
        }


class TargetForm(NFCFormMixin, forms.ModelForm):
    baseline = NumberField(label=_("Giá trị gốc"), required=False)
    target_value = NumberField(label=_("Chỉ tiêu"))
    confirm = forms.BooleanField(label=_("Xác nhận số liệu đúng"), required=False)
    confirm_requested = ConfirmFormMixin.confirm_requested

    def clean(self):
        cleaned = super().clean()
        errors = numbers.target_errors(
            unit_of_measure=cleaned.get("unit_of_measure"),
            baseline=cleaned.get("baseline"),
            target_value=cleaned.get("target_value"),
            confirmed=cleaned.get("confirm", False),
        )
        for name, error in errors.items():
            self.add_error(name, error)
        return cleaned

    class Meta:
        model = Target
        fields = ["name", "unit_of_measure", "baseline", "target_value", "due_date"]
        widgets = {"due_date": DateInput(attrs={"class": "form-control form-control-sm date-input"})}


class BaseTargetFormSet(forms.BaseModelFormSet):
    def rows(self) -> list[dict]:
        """Cleaned rows for services.targets_sync: existing rows with their id, new filled rows, deletions."""
        result = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    result.append({"id": form.instance.pk, "DELETE": True})
                continue
            if not form.instance.pk and not form.has_changed():
                continue
            data = {key: form.cleaned_data.get(key) for key in [*TargetForm.Meta.fields, "confirm"]}
            result.append({**data, "id": form.instance.pk})
        return result

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if len([row for row in self.rows() if not row.get("DELETE")]) > importing.MAX_ROWS:
            raise ValidationError(_("Quá nhiều chỉ tiêu."))


TARGET_PREFIX = "targets"


def target_formset(*, owner=None, data=None, extra: int = 0):
    queryset = Target.objects.none()
    if owner is not None and owner.pk:
        kwargs = {"plan": owner} if isinstance(owner, EmulationPlan) else {"commitment": owner}
        queryset = Target.objects.filter(**kwargs).order_by("position", "id")
    formset_class = forms.modelformset_factory(
        Target,
        form=TargetForm,
        formset=BaseTargetFormSet,
        extra=extra,
        can_delete=True,
        max_num=importing.MAX_ROWS,
        validate_max=True,
    )
    return formset_class(data=data, queryset=queryset, prefix=TARGET_PREFIX)


class ProgressForm(ConfirmFormMixin, NFCFormMixin, forms.Form):
    reported_on = forms.DateField(label=_("Số liệu đến ngày"), widget=DateInput())
    actual_value = NumberField(label=_("Giá trị đạt được"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Minh chứng (PDF, DOCX, XLSX, ảnh)"), required=False)

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            validate_upload(evidence, kinds=DOCUMENT_KINDS)
        return evidence


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp đính kèm (biên bản, ảnh, kế hoạch đã ký)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png,.webp"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_upload(uploaded, kinds=ATTACHMENT_KINDS)
        return uploaded


class TargetImportForm(forms.Form):
    pasted = forms.CharField(
        label=_("Dán các dòng từ bảng tính"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "\t".join(importing.HEADERS)}),
        help_text=_("Mỗi dòng một chỉ tiêu; các cột cách nhau bằng phím Tab, theo thứ tự của tệp mẫu."),
    )
    file = forms.FileField(label=_("Hoặc chọn tệp Excel (.xlsx) theo mẫu"), required=False)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_upload(uploaded, kinds=("xlsx",), max_bytes=IMPORT_MAX_BYTES)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        pasted, uploaded = cleaned.get("pasted", "").strip(), cleaned.get("file")
        if bool(pasted) == bool(uploaded):
            raise ValidationError(_("Dán các dòng chỉ tiêu hoặc chọn một tệp Excel (chỉ một trong hai)."))
        rows, errors = importing.parse_xlsx(uploaded) if uploaded else importing.parse_pasted(pasted)
        if errors:
            raise ValidationError([ValidationError(message) for message in errors])
        cleaned["rows"] = rows
        return cleaned


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=ReviewStatus.choices)
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ResultReportForm(VersionedForm):
    """A result report: narrative (rich text, sanitised by the service), key figures one per line."""

    not_for_service = ("figures_text",)  # parsed into `figures`, which the service receives

    figures_text = forms.CharField(
        label=_("Số liệu chính"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một số liệu: tên | giá trị | đơn vị tính. Ví dụ: Số mô hình đã xây dựng | 3 | mô hình"),
    )

    class Meta:
        model = ResultReport
        fields = ["period", "title", "document_number", "document_date", "narrative"]
        widgets = {"document_date": DateInput(), "narrative": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "document_number": _("Ví dụ: 25/BC-UBND"),
            "narrative": _("Được dùng các thẻ định dạng đơn giản (đoạn, in đậm, danh sách, bảng); mã khác bị loại bỏ."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["figures_text"] = "\n".join(
                " | ".join(part for part in (f["label"], f["value"], f["unit_of_measure"]) if part is not None)
                for f in self.instance.figures or []
            )

    def clean_figures_text(self):
        rows, errors = [], []
        for number, line in enumerate((self.cleaned_data.get("figures_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or len(parts) > 3:
                errors.append(_("Dòng %(n)s: cần dạng “tên | giá trị | đơn vị tính”.") % {"n": number})
                continue
            try:
                value = importing.parse_number(parts[1])
            except ValueError:
                errors.append(_("Dòng %(n)s: “%(value)s” không phải là số.") % {"n": number, "value": parts[1]})
                continue
            unit = parts[2] if len(parts) == 3 else ""
            rows.append({"label": parts[0], "value": importing.format_decimal(value), "unit_of_measure": unit})
        if errors:
            raise ValidationError(errors)
        self.cleaned_data["figures"] = rows
        return self.cleaned_data.get("figures_text")
