"""The error summary lists every error of the page's forms once, each linked to its field."""

from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from campaign_portal.core.errors import apply_validation_error, error_summary_items


class Letter(forms.Form):
    number = forms.IntegerField(label="Số", max_value=100)
    scan = forms.FileField(label="Bản chụp", required=False)


Rows = forms.formset_factory(Letter, extra=0)


def test_each_error_links_to_its_field_in_our_words():
    form = Letter(data={"number": "150"})
    form.is_valid()
    assert error_summary_items([form]) == [
        {"href": "#id_number", "label": "Số", "message": "Giá trị không được lớn hơn 100."}
    ]


def test_formset_rows_say_which_row_and_unvalidated_forms_say_nothing():
    rows = Rows(data={"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-number": "1", "form-1-number": "x"})
    untouched = Letter(data={})  # bound but never validated by the view (a plain "add a row" POST)
    assert error_summary_items([untouched, rows]) == []  # the formset was not validated either
    rows.is_valid()
    items = error_summary_items([rows, rows])
    assert [(i["href"], i["label"]) for i in items] == [("#id_form-1-number", "Dòng 2 · Số")]


def test_a_refused_upload_lands_on_the_file_field_other_errors_on_top():
    form = Letter(data={"number": "5"})
    form.is_valid()
    apply_validation_error(form, ValidationError("Tệp “x.pdf” rỗng.", code="upload"))
    apply_validation_error(form, ValidationError("Hồ sơ đã gửi: không sửa được."))
    assert form.errors["scan"] == ["Tệp “x.pdf” rỗng."]
    assert form.non_field_errors() == ["Hồ sơ đã gửi: không sửa được."]


def test_the_base_template_tag_renders_the_summary_for_any_form_in_the_context():
    form = Letter(data={})
    form.is_valid()
    html = Template("{% load portal %}{% error_summary %}").render(Context({"whatever": form}))
    assert 'id="error-summary"' in html and 'href="#id_number"' in html and "Mục này không được để trống." in html
    assert Template("{% load portal %}{% error_summary %}").render(Context({"form": Letter()})).strip() == ""
