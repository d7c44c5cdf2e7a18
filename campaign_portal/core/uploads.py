"""Checking and storing uploaded files: type sniffed from content, size bounded, names sanitised.

Every uploaded file is a row of a model that inherits `Upload` (its owner key is the app's own) and is
written by `upload_store`. Files are stored with random names (MEDIA_ROOT or the S3 bucket) and are
never served from a public URL: views check access first, then stream them with `serve_upload`.
"""

import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# kind → (extensions accepted in the name, MIME type served)
KINDS = {
    "pdf": ((".pdf",), "application/pdf"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "png": ((".png",), "image/png"),
    "webp": ((".webp",), "image/webp"),
    "tiff": ((".tif", ".tiff"), "image/tiff"),
    "txt": ((".txt",), "text/plain"),
}
DOCUMENT_KINDS = ("pdf", "docx", "xlsx", "jpeg", "png")
PHOTO_KINDS = ("jpeg", "png", "webp")

# Extensions that must never appear anywhere in a name ("bienban.pdf.exe", "x.php.jpg").
DANGEROUS = {
    ".exe",
    ".bat",
    ".cmd",
    ".com",
    ".scr",
    ".msi",
    ".js",
    ".vbs",
    ".ps1",
    ".sh",
    ".php",
    ".phtml",
    ".jsp",
    ".asp",
    ".aspx",
    ".html",
    ".htm",
    ".svg",
    ".jar",
    ".dll",
    ".py",
    ".pl",
    ".cgi",
    ".hta",
    ".lnk",
}
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL = 200 * 1024 * 1024
ZIP_MAX_RATIO = 150
_UNSAFE_CHARS = re.compile(r"[^\w\s.\-()]", re.UNICODE)


def sanitise_filename(name: str, *, max_length: int = 120) -> str:
    """A display name safe in a header and on any file system: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_CHARS.sub("_", name).strip(" .")
    name = re.sub(r"\s+", " ", name)
    stem, ext = os.path.splitext(name)
    stem = stem[: max(1, max_length - len(ext))]
    return f"{stem}{ext}" if stem else f"tep{ext}"


def sniff(head: bytes, stream) -> str | None:
    """The kind of a file from its content, never from its name."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_office(stream)
    if _looks_like_text(head):
        return "txt"
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The sample may cut a multi-byte character at its end.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    lowered = text.lower()
    return not any(tag in lowered for tag in ("<script", "<svg", "<html", "<?php", "<!doctype"))


def _sniff_office(stream) -> str | None:
    """DOCX/XLSX are zip files: check the parts, and refuse zip bombs before anyone opens them."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise ValidationError(_("Tệp nén chứa quá nhiều thành phần."))
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > ZIP_MAX_TOTAL or total / packed > ZIP_MAX_RATIO:
                raise ValidationError(_("Tệp có dấu hiệu bất thường (dung lượng giải nén quá lớn)."))
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def validate_upload(uploaded, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None) -> str:
    """Check an UploadedFile; return its sniffed kind or raise ValidationError with a clear message."""
    from django.conf import settings

    max_bytes = max_bytes or settings.PORTAL_UPLOAD_MAX_BYTES
    name = uploaded.name or ""
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {
                "name": sanitise_filename(name),
                "size": round(uploaded.size / 1048576, 1),
                "limit": max_bytes // 1048576,
            },
            code="upload",
        )
    if uploaded.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": sanitise_filename(name)}, code="upload")
    parts = [p.lower() for p in sanitise_filename(name).split(".")[1:]]
    if any(f".{p}" in DANGEROUS for p in parts):
        raise ValidationError(
            _("Tên tệp “%(name)s” có phần mở rộng không được phép.") % {"name": sanitise_filename(name)},
            code="upload",
        )
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    stream.seek(0)
    head = stream.read(2048)
    stream.seek(0)
    kind = sniff(head, stream)
    allowed = ", ".join(k.upper() for k in kinds)
    if kind not in kinds:
        raise ValidationError(
            _("Nội dung tệp “%(name)s” không phải loại được chấp nhận (%(allowed)s).")
            % {"name": sanitise_filename(name), "allowed": allowed},
            code="upload",
        )
    extension = os.path.splitext(name.lower())[1]
    if extension not in KINDS[kind][0]:
        raise ValidationError(
            _("Tệp “%(name)s” có nội dung %(kind)s nhưng phần mở rộng không khớp.")
            % {"name": sanitise_filename(name), "kind": kind.upper()},
            code="upload",
        )
    return kind


@deconstructible
class PrivateUploadTo:
    """upload_to for private files: random names under private/<prefix>/<year>/ (the display name is a field)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename):
        ext = os.path.splitext(filename)[1].lower()[:8]
        return f"private/{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix


def private_upload_to(prefix: str) -> PrivateUploadTo:
    return PrivateUploadTo(prefix)


def serve_private_file(field_file, *, filename: str, inline: bool = False) -> FileResponse:
    """Stream a stored file as a download, with a safe name and no content sniffing."""
    ext = os.path.splitext(field_file.name)[1].lower()
    content_type = next((mime for exts, mime in KINDS.values() if ext in exts), "application/octet-stream")
    response = FileResponse(
        field_file.open("rb"), as_attachment=not inline, filename=sanitise_filename(filename), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def kind_for_name(name: str) -> str:
    """The kind a stored name's extension stands for ("" when none): for rows stored before `kind` was kept."""
    ext = os.path.splitext(name or "")[1].lower()
    return next((kind for kind, (exts, _mime) in KINDS.items() if ext in exts), "")


def upload_path(instance, filename: str) -> str:
    """Where an `Upload` row's file is stored: private/<the model's upload_prefix>/<year>/<random name>."""
    return PrivateUploadTo(instance.upload_prefix)(instance, filename)


class Upload(models.Model):
    """An uploaded file as every app keeps it; a concrete model adds its owner key and what is its own.

    Class attributes say what the model accepts: `upload_prefix` (storage folder), `upload_kinds`
    (sniffed kinds) and `upload_max_bytes` (None: settings.PORTAL_UPLOAD_MAX_BYTES).
    """

    upload_prefix = "uploads"
    upload_kinds = DOCUMENT_KINDS
    upload_max_bytes: int | None = None

    file = models.FileField(gettext_lazy("tệp"), upload_to=upload_path)
    filename = models.CharField(gettext_lazy("tên tệp"), max_length=200)
    kind = models.CharField(gettext_lazy("loại tệp"), max_length=10)
    size = models.PositiveBigIntegerField(gettext_lazy("dung lượng (byte)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(gettext_lazy("tải lên lúc"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name the user gave the file (its stored name is random)."""
        return self.filename or os.path.basename(self.file.name or "") or gettext_lazy("tệp")

    @property
    def size_display(self) -> str:
        return filesizeformat(self.size)

    @property
    def download_name(self) -> str:
        """A name safe in a Content-Disposition header and on any file system."""
        return sanitise_filename(str(self.display_name))


@dataclass
class CheckedUpload:
    """A file that passed `upload_check`: what will be stored, its display name, kind and size."""

    content: object
    filename: str
    kind: str
    size: int


def upload_check(uploaded, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None) -> CheckedUpload:
    """Validate an UploadedFile (type by content, size, name) before anything is written."""
    kind = validate_upload(uploaded, kinds=kinds, max_bytes=max_bytes)
    return CheckedUpload(content=uploaded, filename=sanitise_filename(uploaded.name), kind=kind, size=uploaded.size)


def upload_store(*, model: type[Upload], uploaded, user=None, kinds=None, max_bytes: int | None = None, **fields):
    """Validate `uploaded` (unless it is already a CheckedUpload), store it and save a new `model` row.

    `fields` are the model's own (its owner key, a title, a photo's dimensions). The caller's
    `transaction.atomic` covers the row; the stored file is written first.
    """
    if not isinstance(uploaded, CheckedUpload):
        uploaded = upload_check(
            uploaded, kinds=kinds or model.upload_kinds, max_bytes=max_bytes or model.upload_max_bytes
        )
    instance = model(**fields, filename=uploaded.filename, kind=uploaded.kind, size=uploaded.size, uploaded_by=user)
    uploaded.content.seek(0)
    instance.file.save(uploaded.filename, uploaded.content, save=False)
    instance.save()
    return instance


def serve_upload(upload: Upload, *, inline: bool = False) -> FileResponse:
    """Stream an `Upload` row's file under its safe download name (after the view checked access)."""
    return serve_private_file(upload.file, filename=upload.download_name, inline=inline)


def serve_upload_of(queryset, *, check, **lookup) -> FileResponse:
    """Stream the upload `lookup` finds once `check(upload)` (its owner's access rule) lets it through.

    For uploads reached through their owner: missing answers 404, as an owner the user cannot see does.
    """
    upload = queryset.filter(**lookup).first()
    if upload is None:
        raise Http404
    check(upload)
    return serve_upload(upload)


def bytes_upload(name: str, data: bytes):
    """An in-memory UploadedFile, for services and tests that build files themselves."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


__all__ = [
    "Upload",
    "CheckedUpload",
    "upload_check",
    "upload_store",
    "upload_path",
    "serve_upload",
    "serve_upload_of",
    "DOCUMENT_KINDS",
    "PHOTO_KINDS",
    "sanitise_filename",
    "validate_upload",
    "private_upload_to",
    "serve_private_file",
    "bytes_upload",
]
