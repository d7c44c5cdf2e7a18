"""The report request form: what, about which campaign or directive, for which unit, in which format."""

from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from django import forms
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaign_portal.core import access
from campaign_portal.core import forms as core_forms
from campaign_portal.core.forms import NFCFormMixin
from campaign_portal.core.models import Unit, UnitKind

from .models import ReportFormat, ReportKind


class QuickSelect(forms.Select):
    """Django's <select>, its options written in Python: the unit list has hundreds of options, and a
    template per option cost most of the page. The same HTML as select.html and select_option.html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        str(option["value"]),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))
        parts.append(mark_safe("\n</select>"))
        return mark_safe("".join(parts))


class UnitSelect(QuickSelect):
    """The list of every unit, written once per version of the data (directives.freshness: a unit
    added, renamed or dissolved is a new version) and language, then reused: no query, no options."""

    def render(self, name, value, attrs=None, renderer=None):
        from directives import freshness

        units = getattr(self.choices, "queryset", None)  # whose units: the reader's scope
        scope = str(units.query) if units is not None else repr(self.choices)
        key = ("unit-select", name, str(value), tuple(sorted((attrs or {}).items())), get_language(), scope)
        return freshness.memo(key, lambda: super(UnitSelect, self).render(name, value, attrs, renderer))


# The form's other widgets, written in Python as QuickSelect is: Django's own classes of the same names
# (crispy writes the class name into the HTML: "textinput", "textarea"...), the same HTML as input.html
# and textarea.html, without a template render per field. (A <select>'s template ends in a blank line that
# QuickSelect does not write: the short selects keep Django's.)
class TextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        return _input_html(self.get_context(name, value, attrs)["widget"])


class DateInput(core_forms.DateInput):
    def render(self, name, value, attrs=None, renderer=None):
        return _input_html(self.get_context(name, value, attrs)["widget"])


class Textarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs(widget["attrs"]), widget["value"] or ""
        )


def _input_html(widget) -> str:
    """input.html: type, name, the value when there is one (as `stringformat:'s'`), then the attributes."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        _attrs(widget["attrs"]),
    )


def _attrs(attrs) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for key, val in attrs.items():
        if val is True:
            out.append(f" {conditional_escape(key)}")
        elif val is not False:
            out.append(f' {conditional_escape(key)}="{conditional_escape(str(val))}"')
    return mark_safe("".join(out))


class ReportRequestForm(NFCFormMixin, forms.Form):
    # The emulation memo is requested from the ranking pages (emulation_memo.request_view).
    kind = forms.ChoiceField(
        label=_("Loại báo cáo"), choices=[c for c in ReportKind.choices if c[0] != ReportKind.EMULATION_MEMO]
    )
    source = forms.ChoiceField(label=_("Về phong trào hoặc văn bản"), widget=QuickSelect)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị (với báo cáo của một đơn vị)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=UnitSelect,
    )
    format = forms.ChoiceField(label=_("Định dạng"), choices=ReportFormat.choices, initial=ReportFormat.PDF)
    cutoff = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        widget=DateInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        required=False,
        help_text=_("Để trống: đến hôm nay."),
    )
    document_number = forms.CharField(
        label=_("Số văn bản (nếu đã cấp số)"),
        max_length=20,
        required=False,
        help_text=_("Để trống khi là dự thảo: văn thư sẽ ghi số."),
        widget=TextInput,
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=60,
        required=False,
        help_text=_("Ví dụ: PHÓ CHỦ TỊCH. Để trống: theo cấu hình của cổng."),
        widget=TextInput,
    )
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=80, required=False, widget=TextInput)
    remarks = forms.CharField(
        label=_("Đề xuất, kiến nghị (đưa vào báo cáo)"),
        widget=Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, user, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = access.scope_for(user)
        options = [(f"campaign:{c.pk}", _("Phong trào: %(name)s") % {"name": c.name}) for c in choices["campaigns"]]
        options += [(f"directive:{d.pk}", _("Văn bản: %(name)s") % {"name": d}) for d in choices["directives"]]
        self.fields["source"].choices = options
        if scope.reads_all:
            units = Unit.objects.exclude(kind=UnitKind.PROVINCE).order_by("path")
            # The page lists names only; a submitted form gets the whole unit (the service reads it).
            self.fields["unit"].queryset = units if self.is_bound else units.only("pk", "name")
        else:
            self.fields["unit"].queryset = Unit.objects.filter(pk=scope.unit.pk) if scope.unit else Unit.objects.none()
            self.fields["unit"].initial = scope.unit.pk if scope.unit else None
            self.fields["kind"].choices = [(ReportKind.UNIT_REPORT, ReportKind.UNIT_REPORT.label)]

    def clean_document_number(self):
        """The register number only ("15"); the symbol (/BC-UBND) is the document's own."""
        number = self.cleaned_data.get("document_number", "").strip()
        if number and not (number.isascii() and number.isdigit() and len(number) <= 6 and int(number) > 0):
            raise forms.ValidationError(_("Chỉ ghi số thứ tự của văn bản, ví dụ 15 (ký hiệu /BC-… do hệ thống ghi)."))
        return number

    def clean_cutoff(self):
        cutoff = self.cleaned_data.get("cutoff") or timezone.localdate()
        if cutoff > timezone.localdate():
            raise forms.ValidationError(_("Ngày chốt số liệu không được sau hôm nay."))
        return cutoff

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ReportKind.UNIT_REPORT and not cleaned.get("unit"):
            self.add_error("unit", _("Chọn đơn vị cho báo cáo của một đơn vị."))
        source = cleaned.get("source", "")
        if source:
            key, _sep, pk = source.partition(":")
            cleaned["parameters"] = {key: int(pk)}
        return cleaned


def plain_form_html(form) -> str | None:
    """What `{{ form|crispy }}` (bootstrap5) draws for an unbound form of labelled inputs and selects,
    written in Python: the same HTML without crispy's template per field. None for anything else (a
    bound form with its errors, a checkbox, a file, a fieldset, a hidden field): crispy draws those."""
    if form.is_bound or form.non_field_errors():
        return None
    parts = []
    for field in form:
        widget = field.field.widget
        if (
            field.is_hidden
            or not field.label
            or field.use_fieldset
            or getattr(widget, "widgets", None) is not None
            or isinstance(widget, forms.CheckboxInput | forms.FileInput | forms.RadioSelect)
        ):
            return None
        # crispy_field: the widget's class name beside its own classes, then Bootstrap's.
        class_name = widget.__class__.__name__.lower()
        css = widget.attrs.get("class", "")
        css = (css if class_name in css else f"{css} {class_name}") if css else class_name
        bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if bootstrap not in css.split():
            css = f"{css} {bootstrap}"
        widget.attrs["class"] = css
        required = field.field.required
        label = format_html(
            '<label\n                for="{}" class="form-label{}">\n                {}{}',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span> </label>')
            if required
            else mark_safe("\n            </label>"),
        )
        help_text = (
            format_html(' <div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text))
            if field.help_text
            else ""
        )
        parts.append(
            format_html('<div id="div_{}" class="mb-3"> {} {}{} </div> ', field.auto_id, label, str(field), help_text)
        )
    # uni_form.html: the fields' HTML stripped and its runs of spaces between tags made one (specialspaceless)
    return mark_safe("\n\n" + remove_spaces("".join(parts).strip()) + "\n")
