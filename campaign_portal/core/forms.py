"""Shared form pieces: the login form, date inputs in dd/mm/yyyy, money inputs in VND."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .text import nfc


class PortalAuthenticationForm(AuthenticationForm):
    """The stock form, with one generic error that never says which half was wrong."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stock form sets max_length after the field is built, so it is never validated: a 5,000-character
        # username reached the login-failure log (varchar 255) and crashed on PostgreSQL.
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))


class DateInput(forms.DateInput):
    """A text input in the portal's dd/mm/yyyy format (browsers' date pickers follow their locale)."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "date-input"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class VNDField(forms.IntegerField):
    """An amount in đồng; accepts '12.500.000.000', '12 500 000 000' or '12500000000 đ'."""

    default_error_messages = {"invalid": _("Nhập số tiền bằng đồng, ví dụ 12.500.000.000.")}

    def __init__(self, *, max_value=10**15, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(max_value=max_value, **kwargs)
        self.widget.input_type = "text"
        # No example as a placeholder: a grey "12.500.000.000" in an empty box reads as an amount already given.
        self.widget.attrs.update({"inputmode": "numeric"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("đ", "").replace(".", "").replace(" ", "").replace("\u00a0", "").strip()
            if "," in value:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


class NFCFormMixin:
    """Normalise every text input to NFC (text pasted from PDFs often arrives decomposed)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = nfc(value)
        return cleaned


class ConfirmFormMixin(forms.Form):
    """A "Xác nhận số liệu đúng" box, shown once a rule asked for it (an error with code "confirm")."""

    confirm = forms.BooleanField(label=_("Xác nhận số liệu đúng"), required=False)

    @property
    def confirm_requested(self) -> bool:
        if self.is_bound and self["confirm"].value():
            return True
        return any(error.code == "confirm" for errors in self.errors.as_data().values() for error in errors)
