"""One error pattern for every form: a summary at the top linking to each field, the message beside it.

The summary is built from whatever forms and formsets a page renders (`error_summary_items`), so no
page has to list its forms; a service's ValidationError lands on the field it names
(`apply_validation_error`), and an upload refused by `validate_upload` lands on the file field.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm, BaseFormSet, FileField
from django.utils.translation import gettext as _


def _form_items(form, items, row=None):
    if form._errors is None:  # never validated by the view (e.g. a plain "add a row" POST): nothing to say
        return
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            items.extend({"href": "", "label": "", "message": str(e)} for e in errors)
            continue
        bound = form[name]
        target = bound.id_for_label or bound.auto_id
        label = "" if bound.is_hidden else str(bound.label or "")
        if row is not None:
            label = _("Dòng %(row)s · %(label)s") % {"row": row, "label": label}
        items.extend(
            {"href": f"#{target}" if target and not bound.is_hidden else "", "label": label, "message": str(e)}
            for e in errors
        )


def error_summary_items(values) -> list[dict]:
    """Every error of every bound form or formset among `values`, in page order, each once."""
    items, seen = [], set()
    for value in values:
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, BaseForm) and value.is_bound:
            _form_items(value, items)
        elif isinstance(value, BaseFormSet) and value.is_bound and value._errors is not None:
            items.extend({"href": "", "label": "", "message": str(e)} for e in value.non_form_errors())
            for row, form in enumerate(value.forms, start=1):
                if id(form) not in seen:
                    seen.add(id(form))
                    _form_items(form, items, row=row)
    return items


def _file_field(form):
    names = [name for name, field in form.fields.items() if isinstance(field, FileField)]
    return names[0] if len(names) == 1 else None


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names; a refused upload on the file field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    file_field = _file_field(form)
    for item in error.error_list:
        form.add_error(file_field if file_field and item.code == "upload" else None, item)
