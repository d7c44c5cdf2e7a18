"""A report's wording: who reports and signs, names in sentence case, overdue prose, English dates and columns."""

import datetime

from django.utils import translation

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from reports import snapshot
from reports.compliance import Compliance
from reports.documents import builder
from reports.models import ReportKind

from .conftest import file_work

CUTOFF = datetime.date(2019, 10, 1)


def test_prose_name_of_a_header_in_capitals():
    assert builder.prose_name("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", ["Đắk Lắk"]) == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert builder.prose_name("TỈNH ỦY ĐẮK LẮK", ["Đắk Lắk"]) == "Tỉnh ủy Đắk Lắk"
    assert builder.prose_name("SỞ NỘI VỤ") == "Sở Nội vụ"
    assert builder.prose_name("Ủy ban nhân dân tỉnh") == "Ủy ban nhân dân tỉnh"


def _document(kind, scope, directive, **kw):
    data = snapshot.build(kind=kind, parameters={"directive": directive.pk}, scope_unit=scope, cutoff=CUTOFF)
    return builder.build_document(kind, data, sha="0" * 64, **kw)


def test_citation_names_the_issuer_in_sentence_case(province, letter, settings):
    directive, _ = letter
    directive.issuer_name = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    directive.save(update_fields=["issuer_name"])
    settings.PORTAL_PROVINCE_NAME = "Đắk Lắk"
    document = _document(ReportKind.PROVINCE_COMPLIANCE, province.province, directive)
    assert "của Ủy ban nhân dân tỉnh Đắk Lắk về" in document.intro[0]
    assert "ỦY BAN" not in document.intro[0]


def test_overdue_prose_counts_departments_first_then_districts_in_order(province, letter):
    directive, requirement = letter
    requirement.applies_to = [UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.DEPARTMENT]
    requirement.save(update_fields=["applies_to"])
    for i in range(builder.OVERDUE_NAMES_MAX):
        UnitFactory(code=f"DLK-S{i:02d}", name=f"Sở thử {i:02d}", kind=UnitKind.DEPARTMENT, parent=province.province)
    data = snapshot.build(
        kind=ReportKind.PROVINCE_COMPLIANCE,
        parameters={"directive": directive.pk},
        scope_unit=province.province,
        cutoff=CUTOFF,
    )
    document = builder.build_document(ReportKind.PROVINCE_COMPLIANCE, data, sha="0" * 64)
    overdue = next(s for s in document.sections if "QUÁ HẠN" in s.heading).paragraphs[0]
    detail = overdue.split("quá hạn: ", 1)[1].split(" (", 1)[0]
    groups = [part.rsplit(" ", 1)[0] for part in detail.split("; ")]
    assert groups[0] == str(UnitKind.DEPARTMENT.label)
    districts = [name for _pk, name in Compliance.from_snapshot(data["compliance"]).districts()]
    assert groups[1:] == [d for d in districts if d in groups]


def test_district_report_is_reported_and_signed_by_its_peoples_committee(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac, status=ReviewStatus.SUBMITTED)
    document = _document(ReportKind.UNIT_REPORT, province.krong_pac, directive)
    assert "Ủy ban nhân dân huyện Krông Pắc báo cáo" in document.intro[0]
    assert "Ủy ban nhân dân tỉnh báo cáo" not in document.intro[0]
    assert document.subject.endswith("trên địa bàn huyện Krông Pắc")
    assert document.signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_department_report_is_reported_by_the_department(province, letter):
    directive, requirement = letter
    requirement.applies_to = [UnitKind.DEPARTMENT]
    requirement.save(update_fields=["applies_to"])
    document = _document(ReportKind.UNIT_REPORT, province.dept_finance, directive)
    assert f"{province.dept_finance.name} báo cáo" in document.intro[0]
    assert document.signature == ["THỦ TRƯỞNG ĐƠN VỊ"]


def test_english_document_dates_and_header_in_english(province, letter):
    directive, _ = letter
    with translation.override("en"):
        document = _document(ReportKind.PROVINCE_COMPLIANCE, province.province, directive)
    assert document.place_date.endswith("1 October 2019") and "ngày" not in document.place_date


def test_key_works_report_subject_reads_naturally(province, letter):
    directive, _ = letter
    document = _document(ReportKind.KEY_WORKS, province.province, directive)
    assert document.subject.startswith("Tình hình các công trình trọng điểm thuộc ")
    assert "chào mừng Phong trào" not in document.subject


def test_english_key_works_columns_have_their_own_words(province, letter):
    """Other apps translate 'Khởi công' differently; the report's table uses its own, wrappable words."""
    with translation.override("en"):
        table = builder._key_works_by_area(
            Compliance.from_snapshot(
                snapshot.build(
                    kind=ReportKind.PROVINCE_COMPLIANCE,
                    parameters={"directive": letter[0].pk},
                    scope_unit=province.province,
                    cutoff=CUTOFF,
                )["compliance"]
            ),
            [],
        )
    labels = [str(c.label) for c in table.columns]
    assert "Ground-breaking" in labels and "Opening" in labels
