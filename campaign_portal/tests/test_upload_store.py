"""One upload model and one store: every uploaded file in every app is a core `Upload` row written by
`upload_store` (type by content, size, sanitised name, storage write), on disk or in the S3 bucket."""

import os

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from campaign_portal.core.uploads import Upload, bytes_upload, serve_upload, upload_check, upload_store

from .objectstore import bucket  # noqa: F401 - fixture

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# Files the portal makes itself, not files a user uploads: they are not Upload rows.
GENERATED = {
    "reports.Report": "the report document the worker renders",
    "directives.DirectiveImportPage": "a page of a scan, rendered by the OCR task for the form beside it",
}


def _file_models():
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):  # django-simple-history's copies
            continue
        if any(isinstance(field, models.FileField) for field in model._meta.get_fields()):
            yield model


def test_every_model_holding_a_file_is_an_upload_or_a_generated_file():
    found = {model._meta.label: model for model in _file_models()}
    assert set(GENERATED) <= set(found)  # the exceptions are still real models with a file
    strays = [label for label, model in found.items() if label not in GENERATED and not issubclass(model, Upload)]
    assert strays == []
    uploads = [model for model in found.values() if issubclass(model, Upload)]
    assert {model._meta.app_label for model in uploads} >= {"directives", "pledges", "projects", "emulation"}


@pytest.mark.parametrize("model", [m for m in apps.get_models() if issubclass(m, Upload)], ids=lambda m: m.__name__)
def test_an_upload_model_keeps_the_shared_fields_as_the_base_declares_them(model):
    for name in ("file", "filename", "kind", "size", "uploaded_by", "uploaded_at"):
        field, base = model._meta.get_field(name), Upload._meta.get_field(name)
        assert field.deconstruct()[1:] == base.deconstruct()[1:], name  # same type and options: not redeclared
    assert model.upload_prefix != Upload.upload_prefix  # each model stores in a folder of its own


@pytest.fixture
def directive(db):
    from projects.tests.factories import DirectiveFactory

    return DirectiveFactory()


def _store(directive, name, data, **kwargs):
    from directives.models import DirectiveAttachment

    return upload_store(
        model=DirectiveAttachment, uploaded=bytes_upload(name, data), user=None, directive=directive, **kwargs
    )


def test_upload_store_checks_the_type_by_content_and_writes_nothing_when_refused(directive, settings, tmp_path):
    from directives.models import DirectiveAttachment

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match="không phải loại được chấp nhận"):
        _store(directive, "cong-van.pdf", b"MZ\x90\x00 a program, not a letter" * 10)
    with pytest.raises(ValidationError, match="phần mở rộng không được phép"):
        _store(directive, "cong-van.pdf.exe", PDF)
    with pytest.raises(ValidationError, match="phần mở rộng không khớp"):
        _store(directive, "cong-van.docx", PDF)
    assert not DirectiveAttachment.objects.exists()
    assert not any(files for _root, _dirs, files in os.walk(tmp_path))


def test_upload_store_refuses_a_file_too_big_or_empty(directive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match="quá lớn"):
        _store(directive, "lon.pdf", PDF + b"0" * 2048, max_bytes=1024)
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024  # the default limit when the model and caller name none
    with pytest.raises(ValidationError, match="quá lớn"):
        _store(directive, "lon.pdf", PDF + b"0" * 2048)
    with pytest.raises(ValidationError, match="rỗng"):
        _store(directive, "rong.pdf", b"")


def test_upload_store_keeps_a_sanitised_display_name_and_a_random_stored_name(directive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = _store(directive, "../../etc/Công văn\x00 7019<b>.pdf", PDF)
    attachment.refresh_from_db()
    assert attachment.filename == "Công văn 7019_b_.pdf"
    assert (attachment.kind, attachment.size) == ("pdf", len(PDF))
    folder, stored = os.path.split(attachment.file.name)
    assert folder.startswith("private/directives/") and ".." not in folder
    assert len(stored) == len("0" * 32 + ".pdf") and stored.endswith(".pdf")
    assert attachment.file.read() == PDF
    assert attachment.download_name == attachment.filename and str(attachment) == attachment.filename
    assert attachment.size_display.replace("\xa0", " ") == f"{len(PDF)} byte"  # Vietnamese, as the pages show it
    response = serve_upload(attachment)
    assert "filename*=utf-8''C%C3%B4ng" in response["Content-Disposition"] and response["X-Content-Type-Options"]


def test_a_checked_upload_is_stored_without_checking_twice(directive, settings, tmp_path):
    """A service that must check first (a scan before OCR, every photo before any row) passes the check on."""
    from directives.models import DirectiveAttachment

    settings.MEDIA_ROOT = tmp_path
    checked = upload_check(bytes_upload("to-trinh.pdf", PDF), kinds=("pdf",))
    stored = upload_store(model=DirectiveAttachment, uploaded=checked, user=None, directive=directive)
    assert (stored.filename, stored.kind, stored.file.read()) == ("to-trinh.pdf", "pdf", PDF)


def test_upload_store_writes_a_private_object_to_the_bucket_when_s3_is_configured(bucket, directive):  # noqa: F811
    attachment = _store(directive, "bien ban.pdf", PDF)
    assert attachment.file.name.startswith("private/directives/")
    assert bucket.object_keys() == {attachment.file.name}
    assert bucket.read(attachment.file.name) == PDF
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=attachment.file.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
