"""Factories for pledges records (reports' tests import them too)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from campaign_portal.core.text import fold
from directives.models import Directive, DirectiveStatus, Requirement, RequirementKind
from pledges.models import (
    Commitment,
    CommitmentCategory,
    CommitmentField,
    Dissemination,
    DisseminationForm,
    EmulationPlan,
    ResultReport,
    Target,
    TargetProgress,
)


class PublishedDirectiveFactory(factory.django.DjangoModelFactory):
    """A published directive issued by a province (kept here so pledges tests need no other app's tests)."""

    class Meta:
        model = Directive

    number = factory.Sequence(lambda n: f"{7000 + n}/UBND-TH")
    issuer = factory.SubFactory(UnitFactory, code="DLK", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE)
    issued_on = datetime.date(2019, 11, 4)
    subject = factory.Sequence(lambda n: f"Về việc phát động thi đua {n}")
    status = DirectiveStatus.PUBLISHED


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    directive = factory.SubFactory(PublishedDirectiveFactory)
    ordinal = "1"
    position = factory.Sequence(int)
    kind = RequirementKind.DISSEMINATION
    title = factory.LazyAttribute(lambda o: RequirementKind(o.kind).label)
    text = factory.LazyAttribute(lambda o: f"Yêu cầu: {o.title}")
    applies_to = factory.LazyFunction(lambda: [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE])
    deadline = datetime.date(2019, 11, 30)


class _SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    unit = factory.SubFactory(UnitFactory)
    status = ReviewStatus.DRAFT
    # What the workflow stores: a record that left the draft state was submitted at some moment.
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == ReviewStatus.DRAFT else timezone.now())
    search_text = factory.LazyAttribute(lambda o: fold(o.title))  # what the services store, for search


class DisseminationFactory(_SubmissionFactory):
    class Meta:
        model = Dissemination

    requirement = factory.SubFactory(RequirementFactory, kind=RequirementKind.DISSEMINATION)
    title = factory.Sequence(lambda n: f"Hội nghị quán triệt {n}")
    held_on = datetime.date(2019, 11, 15)
    form = DisseminationForm.CONFERENCE
    leaders = 5
    civil_servants = 40
    party_members = 30
    workers = 10
    attendees_total = 55


class EmulationPlanFactory(_SubmissionFactory):
    class Meta:
        model = EmulationPlan

    requirement = factory.SubFactory(RequirementFactory, kind=RequirementKind.EMULATION_PLAN)
    document_number = factory.Sequence(lambda n: f"{100 + n}/KH-UBND")
    document_date = datetime.date(2019, 11, 20)
    title = factory.Sequence(lambda n: f"Kế hoạch phát động thi đua {n}")
    content = "Phát động thi đua lập thành tích chào mừng."


class CommitmentFactory(_SubmissionFactory):
    class Meta:
        model = Commitment

    requirement = factory.SubFactory(
        RequirementFactory, kind=RequirementKind.BREAKTHROUGH_THEME, quota_min=1, quota_max=2
    )
    category = factory.LazyAttribute(lambda o: o.requirement.kind)
    field = CommitmentField.ECONOMY
    title = factory.Sequence(lambda n: f"Chủ điểm đột phá {n}")
    description = "Thực trạng và giải pháp."
    expected_result = "Hoàn thành chỉ tiêu."


class DifficultFieldFactory(CommitmentFactory):
    requirement = factory.SubFactory(RequirementFactory, kind=RequirementKind.DIFFICULT_FIELD, quota_min=1, quota_max=2)
    category = CommitmentCategory.DIFFICULT_FIELD
    title = factory.Sequence(lambda n: f"Lĩnh vực khó khăn {n}")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.SubFactory(EmulationPlanFactory)
    commitment = None
    name = factory.Sequence(lambda n: f"Chỉ tiêu {n}")
    unit_of_measure = "%"
    baseline = Decimal("50")
    target_value = Decimal("80")
    due_date = datetime.date(2020, 12, 31)
    position = factory.Sequence(int)


class TargetProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetProgress

    target = factory.SubFactory(TargetFactory)
    reported_on = datetime.date(2020, 6, 30)
    actual_value = Decimal("65")


class ResultReportFactory(_SubmissionFactory):
    class Meta:
        model = ResultReport

    requirement = factory.SubFactory(RequirementFactory, kind=RequirementKind.REPORT, quota_min=None, quota_max=None)
    title = factory.Sequence(lambda n: f"Báo cáo kết quả thực hiện {n}")
    narrative = "<p>Đơn vị đã triển khai.</p>"
