"""Forms of the emulation app (validation beside each field; services re-check everything)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_portal.core.forms import NFCFormMixin
from campaign_portal.core.models import Unit, UnitKind

from . import scoring
from .models import ClusterKind, CriteriaTable

MEMBER_KINDS = (UnitKind.COMMUNE, UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.DISTRICT, UnitKind.OTHER)


def units_today():
    """Units on today's map that can belong to a cluster (communes by area, departments and agencies by sector)."""
    return (
        Unit.objects.valid_on(timezone.localdate())
        .filter(kind__in=MEMBER_KINDS, is_active=True)
        .order_by("kind", "name")
    )


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class ClusterForm(NFCFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên cụm, khối"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=ClusterKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    units = UnitsChoice(
        label=_("Đơn vị thành viên"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Chỉ các đơn vị còn trên bản đồ hôm nay. Giữ Ctrl để chọn nhiều."),
    )
    head = UnitChoice(label=_("Trưởng cụm, khối"), queryset=Unit.objects.none(), required=False)
    deputy = UnitChoice(label=_("Phó trưởng cụm, khối"), queryset=Unit.objects.none(), required=False)
    description = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("units", "head", "deputy"):
            self.fields[name].queryset = units_today()

    def clean(self):
        cleaned = super().clean()
        units = set(cleaned.get("units") or [])
        for role in ("head", "deputy"):
            unit = cleaned.get(role)
            if unit is not None and unit not in units:
                self.add_error(role, _("Trưởng, phó cụm phải là một đơn vị thành viên."))
        if cleaned.get("head") and cleaned.get("head") == cleaned.get("deputy"):
            self.add_error("deputy", _("Phó trưởng cụm phải là đơn vị khác trưởng cụm."))
        return cleaned


class DocumentForm(NFCFormMixin, forms.Form):
    title = forms.CharField(label=_("Tên văn bản"), max_length=300)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, ảnh)"))


class CovenantForm(NFCFormMixin, forms.Form):
    signed_on = forms.DateField(
        label=_("Ngày ký"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    text = forms.CharField(label=_("Nội dung giao ước"), widget=forms.Textarea(attrs={"rows": 8}))
    scan = forms.FileField(label=_("Bản ký (scan PDF hoặc ảnh)"))
    signing_units = UnitsChoice(
        label=_("Các đơn vị ký"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, member_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signing_units"].queryset = Unit.objects.filter(pk__in=list(member_ids)).order_by("kind", "name")
        if not self.is_bound:
            self.initial.setdefault("signing_units", list(member_ids))


class TableSettingsForm(forms.ModelForm):
    tie_break = forms.ChoiceField(label=_("Quy tắc khi bằng điểm"), choices=())

    class Meta:
        model = CriteriaTable
        fields = ["bonus_cap", "penalty_cap", "late_fraction", "tie_break", "flags", "certificates"]
        localized_fields = ["bonus_cap", "penalty_cap", "late_fraction"]  # "0,5" as people type it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tie_break"].choices = scoring.tie_break_choices()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp XLSX bảng tiêu chí"))


class AdjustForm(NFCFormMixin, forms.Form):
    points = forms.CharField(label=_("Điểm"), max_length=10, required=False)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(NFCFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến của trưởng cụm"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
