"""Factories for campaigns, directives and requirements."""

import datetime

import factory

from campaign_portal.core.models import UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from campaign_portal.core.text import fold
from directives.models import Campaign, Directive, DirectiveStatus, DocType, Requirement, RequirementKind


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Phong trào thi đua số {n}")
    organiser = factory.SubFactory(UnitFactory, kind=UnitKind.PROVINCE)
    starts_on = datetime.date(2019, 8, 1)
    ends_on = datetime.date(2020, 12, 31)


class DirectiveFactory(factory.django.DjangoModelFactory):
    """A directive; `status` defaults to published, `year` and `search_text` follow the fields."""

    class Meta:
        model = Directive

    doc_type = DocType.CONG_VAN
    number = factory.Sequence(lambda n: f"{n + 100}/UBND-TH")
    issuer = factory.SubFactory(UnitFactory, kind=UnitKind.PROVINCE)
    issuer_name = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    place = "Đắk Lắk"
    issued_on = datetime.date(2019, 8, 27)
    subject = factory.Sequence(lambda n: f"triển khai nhiệm vụ số {n}")
    body = "Nội dung văn bản."
    addressee_kinds = factory.LazyFunction(lambda: [UnitKind.DEPARTMENT, UnitKind.DISTRICT])
    addressee_text = "Các sở, ban, ngành;\nUBND các huyện, thị xã, thành phố"
    status = DirectiveStatus.PUBLISHED
    year = factory.LazyAttribute(lambda o: o.issued_on.year if o.issued_on else None)
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.number} {o.subject} {o.issuer_name} {o.body}"))


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement
        skip_postgeneration_save = True

    directive = factory.SubFactory(DirectiveFactory)
    ordinal = "1"
    position = factory.Sequence(lambda n: n)
    kind = RequirementKind.KEY_WORKS
    text = "Mỗi huyện lựa chọn từ 01 đến 02 công trình trọng điểm."
    applies_to = factory.LazyFunction(lambda: [UnitKind.DISTRICT])
    quota_min = 1
    quota_max = 2

    @factory.post_generation
    def target_units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.target_units.set(extracted)
