import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from campaign_portal.core.uploads import bytes_upload
from projects import services
from projects.models import ProgressPhoto, ProgressUpdate, ThumbnailStatus
from projects.photos import clean_photo
from projects.tests.factories import gps_exif, image_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def add_progress(user, work, *photos, progress=30):
    return services.progress_update_create(
        user=user,
        work=work,
        reported_on=datetime.date(2020, 9, 1),
        physical_progress=progress,
        photos=list(photos),
        today=datetime.date(2020, 10, 1),
    )


def test_exif_and_gps_stripped_on_save(officer_kp, work_kp):
    data = image_bytes("JPEG", size=(120, 80), exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the test photo does carry GPS
    update = add_progress(officer_kp, work_kp, bytes_upload("cong-trinh.jpg", data))
    photo = update.photos.get()
    with photo.file.open("rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert b"Exif" not in stored[:4096]
    assert (photo.width, photo.height) == (120, 80)
    assert photo.filename == "cong-trinh.jpg"


def test_orientation_applied_before_exif_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = image_bytes("JPEG", size=(120, 80), exif=exif)
    clean = clean_photo(bytes_upload("xoay.jpg", data))
    assert (clean.width, clean.height) == (80, 120)


@pytest.mark.parametrize("fmt,name", [("PNG", "anh.png"), ("WEBP", "anh.webp")])
def test_png_and_webp_accepted_and_reencoded(fmt, name):
    clean = clean_photo(bytes_upload(name, image_bytes(fmt, exif=gps_exif())))
    assert Image.open(io.BytesIO(clean.data)).format == fmt
    assert not Image.open(io.BytesIO(clean.data)).getexif()


def test_wrong_type_by_content_refused():
    with pytest.raises(ValidationError):
        clean_photo(bytes_upload("anh.jpg", b"%PDF-1.7 not a photo at all" * 10))
    with pytest.raises(ValidationError):
        clean_photo(bytes_upload("anh.gif", b"GIF89a" + b"\x00" * 100))


def test_extension_must_match_content():
    """Decision: a PNG named .jpg is refused (the name is what people see when they download it)."""
    with pytest.raises(ValidationError, match="phần mở rộng"):
        clean_photo(bytes_upload("anh.jpg", image_bytes("PNG")))


def test_oversized_refused(settings):
    settings.PORTAL_PHOTO_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="quá lớn"):
        clean_photo(bytes_upload("to.jpg", image_bytes("JPEG", size=(400, 400)) + b"\x00" * 2048))


def test_decompression_bomb_gets_a_clear_message(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError, match="điểm ảnh"):
        clean_photo(bytes_upload("bom.png", image_bytes("PNG", size=(100, 100))))


def test_truncated_image_refused():
    data = image_bytes("JPEG", size=(200, 200))
    with pytest.raises(ValidationError):
        clean_photo(bytes_upload("hong.jpg", data[: len(data) // 3]))


def test_one_bad_photo_saves_nothing(officer_kp, work_kp):
    good = bytes_upload("a.jpg", image_bytes("JPEG"))
    bad = bytes_upload("b.jpg", b"not an image at all, just text")
    with pytest.raises(ValidationError):
        add_progress(officer_kp, work_kp, good, bad)
    assert not ProgressUpdate.objects.exists() and not ProgressPhoto.objects.exists()


def test_thumbnail_made_by_task_and_idempotent(officer_kp, work_kp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update = add_progress(officer_kp, work_kp, bytes_upload("a.jpg", image_bytes("JPEG", size=(1600, 1200))))
    photo = update.photos.get()
    assert photo.thumbnail_status == ThumbnailStatus.READY
    first = photo.thumbnail.name
    assert max(Image.open(photo.thumbnail.path).size) <= 480
    from projects.tasks import make_thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        make_thumbnail(photo.pk)
    photo.refresh_from_db()
    assert photo.thumbnail.name != first
    assert not photo.thumbnail.storage.exists(first)  # replaced, not piled up
    make_thumbnail(999999)  # a deleted photo is not an error


def test_thumbnail_failure_recorded(officer_kp, work_kp, django_capture_on_commit_callbacks):
    update = add_progress(officer_kp, work_kp, bytes_upload("a.jpg", image_bytes("JPEG")))
    photo = update.photos.get()
    with open(photo.file.path, "wb") as handle:
        handle.write(b"broken")
    services.photo_make_thumbnail(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.thumbnail_status == ThumbnailStatus.FAILED and photo.thumbnail_error


@pytest.mark.django_db(transaction=True)
def test_thumbnail_through_a_real_worker(celery_live, province, settings, tmp_path):
    """The real path: enqueued on commit, run by a worker on Redis (skipped locally without REDIS_URL)."""
    import time

    from campaign_portal.core.tests.factories import make_user
    from projects.tests.factories import KeyWorkFactory, RequirementFactory

    officer = make_user(unit=province.krong_pac, username="officer_live")
    work = KeyWorkFactory(requirement=RequirementFactory(), unit=province.krong_pac)
    update = add_progress(officer, work, bytes_upload("a.jpg", image_bytes("JPEG", size=(900, 600))))
    photo = update.photos.get()
    for _ in range(100):
        photo.refresh_from_db()
        if photo.thumbnail_status != ThumbnailStatus.PENDING:
            break
        time.sleep(0.1)
    assert photo.thumbnail_status == ThumbnailStatus.READY
