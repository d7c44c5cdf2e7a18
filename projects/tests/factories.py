"""Factories for key works; the directive side is built here too so the tests stand alone."""

import datetime
import io

import factory
from PIL import Image

from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives.models import Campaign, Directive, DirectiveStatus, Milestone, Requirement, RequirementKind
from projects.models import FundingSource, FundingSourceKind, KeyWork, ProgressUpdate, Sector, WorkKind


def _province_root():
    return Unit.objects.filter(kind=UnitKind.PROVINCE).first() or UnitFactory(
        code="DLK", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE
    )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = "Thi đua lập thành tích chào mừng Đại hội Đảng các cấp"
    organiser = factory.LazyFunction(_province_root)
    starts_on = datetime.date(2019, 9, 1)
    ends_on = datetime.date(2020, 12, 31)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    campaign = factory.SubFactory(CampaignFactory)
    name = "Kỷ niệm 80 năm thành lập Đảng bộ tỉnh"
    date = datetime.date(2020, 11, 23)


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    number = factory.Sequence(lambda n: f"{7019 + n}/UBND-TH")
    issuer = factory.LazyFunction(_province_root)
    issued_on = datetime.date(2019, 8, 9)
    subject = "Về việc tổ chức phong trào thi đua"
    status = DirectiveStatus.PUBLISHED


class RequirementFactory(factory.django.DjangoModelFactory):
    """The key-works ask of Letter 7019: 01–02 works per district (quota is data)."""

    class Meta:
        model = Requirement

    directive = factory.SubFactory(DirectiveFactory)
    ordinal = "3"
    kind = RequirementKind.KEY_WORKS
    title = "Đăng ký công trình trọng điểm"
    text = "Mỗi huyện, thị xã, thành phố đăng ký từ 01 - 02 công trình trọng điểm."
    applies_to = factory.LazyFunction(lambda: [UnitKind.DISTRICT])
    deadline = datetime.date(2019, 9, 15)
    quota_min = 1
    quota_max = 2


class KeyWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyWork

    requirement = factory.SubFactory(RequirementFactory)
    unit = factory.LazyFunction(lambda: Unit.objects.get(code="DLK-KPA"))
    name = factory.Sequence(lambda n: f"Đường giao thông liên xã số {n}")
    kind = WorkKind.GROUNDBREAKING
    sector = Sector.TRANSPORT
    investor = "Ban Quản lý dự án đầu tư xây dựng huyện"
    total_investment = 12_500_000_000
    registered_on = datetime.date(2019, 9, 10)
    planned_date = datetime.date(2020, 11, 23)
    status = ReviewStatus.DRAFT


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    key_work = factory.SubFactory(KeyWorkFactory)
    source = FundingSourceKind.PROVINCIAL
    amount = 5_000_000_000


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    key_work = factory.SubFactory(KeyWorkFactory)
    reported_on = datetime.date(2020, 10, 1)
    physical_progress = 50
    capital_disbursed = 1_000_000_000


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 60, 40), exif=None) -> bytes:
    """A small picture in memory; `exif` is a PIL.Image.Exif to embed (JPEG/WebP/PNG)."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def gps_exif():
    """EXIF with a camera model and a GPS position (Buôn Ma Thuột), as a phone would write it."""
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = 1  # Orientation
    gps = {1: "N", 2: (12.0, 40.0, 0.0), 3: "E", 4: (108.0, 3.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo IFD
    return exif
