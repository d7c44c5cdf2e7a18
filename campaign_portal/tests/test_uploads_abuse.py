"""Hostile uploads against core.uploads.validate_upload: every one refused with a clear Vietnamese
message (a ValidationError, never another exception); and the same through a real upload view."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign_portal.core.uploads import (
    DOCUMENT_KINDS,
    PHOTO_KINDS,
    ZIP_MAX_RATIO,
    sanitise_filename,
    validate_upload,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def office_zip(kind: str, *, bomb: bool = False, extra: dict | None = None) -> bytes:
    """A minimal DOCX/XLSX; with bomb=True one part is 50 MB of zeros (compresses ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        archive.writestr(main, "<document/>")
        if bomb:
            archive.writestr(
                "word/media/padding.bin" if kind == "docx" else "xl/media/padding.bin", b"\x00" * (50 * 1024 * 1024)
            )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(name, data, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile(name, data), **kwargs)
    message = " ".join(caught.value.messages)
    assert message.strip()
    return message


# --- Accepted files (so the refusals below mean something) ----------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("Biên bản hội nghị.pdf", PDF, "pdf"),
        ("ảnh.png", png_bytes(), "png"),
        ("ảnh.JPG", jpeg_bytes(), "jpeg"),
        ("kế hoạch.docx", office_zip("docx"), "docx"),
        ("chỉ tiêu.xlsx", office_zip("xlsx"), "xlsx"),
    ],
)
def test_good_files_are_accepted(name, data, kind):
    assert validate_upload(SimpleUploadedFile(name, data), kinds=DOCUMENT_KINDS) == kind


# --- Refusals -------------------------------------------------------------------------------------


def test_executable_renamed_pdf_is_refused_by_content():
    message = refused("bienban.pdf", EXE)
    assert "không phải loại được chấp nhận" in message


def test_html_renamed_pdf_is_refused():
    refused("bienban.pdf", b"<html><script>alert(1)</script></html>")


def test_pdf_named_as_png_is_refused_as_mismatch():
    assert "không khớp" in refused("anh.png", PDF)


@pytest.mark.parametrize(
    "name",
    ["x.pdf.exe", "bienban.exe.pdf", "x.php.jpg", "x.PHP.png", "x.html.pdf", "x.svg.png", "a.js.pdf", "a.sh.docx"],
)
def test_double_and_dangerous_extensions_are_refused(name):
    data = png_bytes() if name.lower().endswith((".png", ".jpg")) else PDF
    message = refused(name, data)
    assert "phần mở rộng" in message


def test_oversized_file_is_refused_with_the_limit_in_the_message():
    data = PDF + b"0" * (2 * 1024 * 1024)
    message = refused("lon.pdf", data, max_bytes=1024 * 1024)
    assert "quá lớn" in message and "1 MB" in message


def test_oversized_photo_uses_the_photo_limit(settings):
    settings.PORTAL_PHOTO_MAX_BYTES = 1024
    message = refused(
        "anh.png", png_bytes() + b"\x00" * 4096, kinds=PHOTO_KINDS, max_bytes=settings.PORTAL_PHOTO_MAX_BYTES
    )
    assert "quá lớn" in message


def test_empty_file_is_refused():
    assert "rỗng" in refused("trong.pdf", b"")


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ],
)
@pytest.mark.parametrize("name", ["logo.svg", "logo.png", "logo.pdf", "logo.txt"])
def test_svg_with_script_is_refused_whatever_the_name(svg, name):
    refused(name, svg, kinds=(*DOCUMENT_KINDS, "txt"))


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_zip_bomb_inside_office_file_is_refused(kind):
    data = office_zip(kind, bomb=True)
    assert len(data) < 1024 * 1024  # small on the wire...
    message = refused(f"bom.{kind}", data)  # ...huge when opened
    assert "bất thường" in message


def test_zip_with_too_many_entries_is_refused():
    data = office_zip("docx", extra={f"word/p{i}.xml": b"" for i in range(2100)})
    assert "quá nhiều" in refused("nhieu.docx", data)


def test_zip_ratio_limit_is_what_the_bomb_test_exceeds():
    assert ZIP_MAX_RATIO < 1000


def test_plain_zip_named_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    refused("hop-dong.docx", buffer.getvalue())


def test_truncated_zip_is_refused_not_crashing():
    refused("hong.xlsx", office_zip("xlsx")[:200])


def test_docx_renamed_xlsx_is_refused():
    assert "không khớp" in refused("bang.xlsx", office_zip("docx"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("/etc/shadow", "shadow"),
        ("a\x00b\r\nc.pdf", "abc.pdf"),
        ("Biên bản\u0301.pdf", None),
        ("....pdf", None),
        ('"; rm -rf /;.pdf', None),
    ],
)
def test_path_traversal_and_control_characters_are_sanitised(name, expected):
    clean = sanitise_filename(name)
    assert "/" not in clean and "\\" not in clean and ".." not in clean.rstrip(".pdf")
    assert not any(ord(ch) < 32 for ch in clean)
    assert clean and not clean.startswith(".")
    if expected:
        assert clean == expected


def test_traversal_name_with_valid_content_is_accepted_but_never_used_as_a_path(tmp_path):
    from campaign_portal.core.uploads import private_upload_to

    path = private_upload_to("directives")(None, "../../etc/passwd.pdf")
    assert path.startswith("private/directives/") and ".." not in path and "passwd" not in path


def test_very_long_names_are_cut():
    clean = sanitise_filename("á" * 500 + ".pdf")
    assert len(clean) <= 120 and clean.endswith(".pdf")


# --- Through the real upload views ----------------------------------------------------------------

HOSTILE = {
    "exe-renamed-pdf": ("bienban.pdf", EXE),
    "double-extension-exe": ("bienban.pdf.exe", PDF),
    "php-as-jpg": ("x.php.jpg", jpeg_bytes()),
    "svg-script": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "traversal-exe": ("../../etc/passwd.pdf", EXE),
    "docx-zip-bomb": ("bom.docx", None),
    "oversized": ("lon.pdf", None),
}


def hostile_file(key):
    name, data = HOSTILE[key]
    if key == "docx-zip-bomb":
        data = office_zip("docx", bomb=True)
    if key == "oversized":
        data = PDF + b"0" * (21 * 1024 * 1024)
    return SimpleUploadedFile(name, data)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.mark.django_db
def test_directive_attachment_view_refuses_hostile_files(world, client, settings):
    """Every hostile file through the staff's attachment form: refused with a message, nothing stored."""
    from django.urls import reverse

    from directives.models import DirectiveAttachment

    before = DirectiveAttachment.objects.count()
    client.force_login(world.staff)
    url = reverse("directives:attachment_add", kwargs={"pk": world.directive.pk})
    for key in HOSTILE:
        response = client.post(url, {"file": hostile_file(key)}, follow=True)
        assert response.status_code == 200, key
        assert DirectiveAttachment.objects.count() == before, key
        text = _messages(response)
        words = ("không được phép", "không phải loại", "quá lớn", "bất thường", "không khớp")
        assert any(word in text for word in words), (key, text)


@pytest.mark.django_db
def test_submission_attachment_view_refuses_hostile_files(world, client):
    """The same through an officer's attachment form on a draft plan."""
    from django.urls import reverse

    from pledges.models import Attachment

    before = Attachment.objects.count()
    client.force_login(world.officer_kp)
    url = reverse("pledges:attachment_upload", kwargs={"slug": "ke-hoach", "pk": world.pk("draft_plan")})
    for key in HOSTILE:
        response = client.post(url, {"file": hostile_file(key)})
        # Refused on the record's page, said at the file field and in the error summary.
        assert response.status_code == 400, key
        assert Attachment.objects.count() == before, key
        errors = response.context["attachment_form"].errors["file"]
        assert errors and 'id="error-summary"' in response.content.decode(), key


@pytest.mark.django_db
def test_submission_attachment_view_accepts_a_good_file_and_serves_it_privately(world, client):
    from django.urls import reverse

    from pledges.models import Attachment

    client.force_login(world.officer_kp)
    url = reverse("pledges:attachment_upload", kwargs={"slug": "ke-hoach", "pk": world.pk("draft_plan")})
    client.post(url, {"file": SimpleUploadedFile("../../kế hoạch.pdf", PDF)})
    attachment = Attachment.objects.get(plan=world.objects["draft_plan"])
    assert ".." not in attachment.filename and "/" not in attachment.filename
    assert "kế hoạch" not in attachment.file.name  # stored under a random name
    download = client.get(reverse("pledges:attachment_download", kwargs={"pk": attachment.pk}))
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert "attachment" in download["Content-Disposition"]
