"""Site photos: checked by content, re-encoded without EXIF (GPS included), thumbnails made later.

Re-encoding is the only reliable way to drop every metadata block (EXIF, XMP, GPS, maker notes):
the pixels are copied into a fresh image and saved with no `exif`/`icc_profile` arguments.
"""

import io
import os
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from campaign_portal.core.uploads import PHOTO_KINDS, CheckedUpload, sanitise_filename, validate_upload

THUMBNAIL_SIZE = (480, 360)
FORMATS = {"jpeg": ("JPEG", ".jpg"), "png": ("PNG", ".png"), "webp": ("WEBP", ".webp")}


class CleanPhoto(CheckedUpload):
    """A checked photo ready for `upload_store`: re-encoded bytes, its display name, kind and dimensions."""

    def __init__(self, *, data: bytes, filename: str, kind: str, width: int, height: int):
        super().__init__(content=ContentFile(data, name=filename), filename=filename, kind=kind, size=len(data))
        self.data = data
        self.width = width
        self.height = height


def _open(stream, name: str) -> Image.Image:
    """Open with a decompression-bomb guard: the size is read from the header before any decoding.

    The limit is Pillow's own Image.MAX_IMAGE_PIXELS (≈ 89 M pixels, far above a phone photo);
    the warning Pillow gives between 1× and 2× the limit is treated as the error it stands for.
    """
    limit = Image.MAX_IMAGE_PIXELS
    bomb = _("Ảnh “%(name)s” có kích thước quá lớn (trên %(mp)s triệu điểm ảnh); vui lòng thu nhỏ rồi tải lại.") % {
        "name": name,
        "mp": (limit or 0) // 1_000_000,
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream)
            if limit and image.width * image.height > limit:
                raise ValidationError(bomb)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(bomb) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc không đầy đủ.") % {"name": name}
        ) from exc
    return image


def clean_photo(uploaded) -> CleanPhoto:
    """Check type (by content, extension must match), size and dimensions; strip metadata."""
    kind = validate_upload(uploaded, kinds=PHOTO_KINDS, max_bytes=settings.PORTAL_PHOTO_MAX_BYTES)
    name = sanitise_filename(uploaded.name)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    stream.seek(0)
    image = _open(stream, name)
    # Honour the camera's orientation before the EXIF that carries it is dropped.
    image = ImageOps.exif_transpose(image)
    fmt, _ext = FORMATS[kind]
    mode = "RGB" if fmt == "JPEG" else ("RGBA" if "A" in image.getbands() else "RGB")
    pixels = image.convert(mode)
    fresh = Image.new(mode, pixels.size)
    fresh.paste(pixels)
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 88, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 85}}[fmt]
    fresh.save(buffer, format=fmt, **options)
    return CleanPhoto(data=buffer.getvalue(), filename=name, kind=kind, width=fresh.width, height=fresh.height)


def make_thumbnail_bytes(field_file) -> bytes:
    """A JPEG thumbnail of a stored (already cleaned) photo."""
    with field_file.open("rb") as handle:
        image = _open(handle, os.path.basename(field_file.name))
        image = image.convert("RGB")
        image.thumbnail(THUMBNAIL_SIZE)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
