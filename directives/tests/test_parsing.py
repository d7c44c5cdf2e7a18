"""Behaviour of directives.parsing and of the parse_directive command (no database needed).

The samples in ``samples/`` are realistic documents: the seed letter 7019/UBND-TH copied
verbatim from the shared domain folder, a noisy export of it, and six documents written for
these tests (Party plan, notice, letter, draft report, decision).
"""

import io
import json
import random
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_portal.testing import skip_unless_ci
from directives.management.commands.parse_directive import DocumentReadError, read_document_text
from directives.parsing import (
    DOC_TYPES,
    ParsedDocument,
    Quota,
    Reference,
    extract_deadlines,
    extract_quotas,
    extract_references,
    normalise_text,
    parse_document,
    symbol_doc_type,
)

SAMPLES = Path(__file__).resolve().parent / "samples"
SEED = SAMPLES / "official-letter-7019.txt"
SHARED_SEED = Path("/work/shared/domain/official-letter-7019.txt")
CONTRACT_KEYS = [
    "issuer",
    "number",
    "doc_type",
    "place",
    "date",
    "subject",
    "addressees",
    "references",
    "requirements",
    "signer",
    "source_lines",
    "warnings",
]
ENGLISH_RECIPE = """Chocolate cake

Ingredients:
- 200 g flour
- 3 eggs

1. Preheat the oven to 180C before 15/10/2019.
2. Mix from 1 to 2 cups of sugar, at least 1 spoon of cocoa.
3. Bake for 30 minutes.
"""


def read_sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8-sig")


def parse_sample(name: str) -> ParsedDocument:
    return parse_document(read_sample(name))


def ordinals(doc: ParsedDocument) -> list[str]:
    return [item.ordinal for item in doc.requirements]


def requirement(doc: ParsedDocument, ordinal: str):
    (found,) = [item for item in doc.requirements if item.ordinal == ordinal]
    return found


def all_requirement_text(doc: ParsedDocument) -> str:
    return "\n".join(item.text for item in doc.requirements)


def assert_well_formed(doc: ParsedDocument) -> None:
    """Invariants every result must keep, whatever the input."""
    data = doc.as_dict()
    assert list(data) == CONTRACT_KEYS
    json.dumps(data, ensure_ascii=False)
    assert doc.doc_type in DOC_TYPES
    if doc.date is not None:
        date.fromisoformat(doc.date)
    for reference in doc.references:
        assert reference.type in DOC_TYPES
        assert reference.number != doc.number
        if reference.date is not None:
            date.fromisoformat(reference.date)
    assert len({reference.number for reference in doc.references}) == len(doc.references)
    for item in doc.requirements:
        assert item.text == unicodedata.normalize("NFC", item.text)
        assert "**" not in item.text
        for deadline in item.deadlines:
            date.fromisoformat(deadline)


# --- the seed letter 7019/UBND-TH ------------------------------------------------------------


def test_seed_sample_is_a_verbatim_copy_of_the_shared_letter():
    if not SHARED_SEED.exists():
        skip_unless_ci(f"the shared domain folder is not mounted ({SHARED_SEED})")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_header_fields():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert doc.issuer == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    assert doc.issuer_parent is None
    assert doc.number == "7019/UBND-TH"
    assert doc.doc_type == "cong_van"
    assert doc.place == "Đắk Lắk"
    assert doc.date == "2019-08-27"
    assert doc.subject == "triển khai thực hiện Kế hoạch số 126-KH/TU ngày 31/7/2019 của Tỉnh ủy"


def test_seed_addressees_lose_bullets_and_final_punctuation():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert doc.addressees == ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"]


def test_seed_references_each_cited_document_once_and_not_its_own_number():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    # 126-KH/TU is cited three times (subject, preamble, item 2) and 35-CT/TU once.
    assert SEED.read_text(encoding="utf-8").count("126-KH/TU") == 3
    assert doc.references == [
        Reference(number="126-KH/TU", date="2019-07-31", type="ke_hoach"),
        Reference(number="35-CT/TU", date="2019-03-13", type="chi_thi"),
    ]


def test_seed_requirements_are_the_three_numbered_items():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert ordinals(doc) == ["1", "2", "3"]
    assert requirement(doc, "1").text.startswith("Tổ chức quán triệt đến toàn thể cán bộ")
    assert requirement(doc, "2").text.startswith("Xây dựng kế hoạch phát động thi đua")
    assert requirement(doc, "3").text.endswith("nhằm tạo sự lan tỏa sâu")
    # The preamble ("Để triển khai ...") and the addressee list are not requirements.
    assert "Để triển khai" not in all_requirement_text(doc)
    assert "Các sở, ban, ngành;" not in all_requirement_text(doc)


def test_seed_item_3_has_three_quotas_of_one_to_two():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert requirement(doc, "3").quotas == [Quota(min=1, max=2, text="từ 01 đến 02")] * 3
    assert requirement(doc, "1").quotas == []
    assert requirement(doc, "2").quotas == []


def test_seed_date_ranges_and_citation_dates_are_not_deadlines():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert "(10/3/1975 - 10/3/2020)" in requirement(doc, "1").text
    assert "(23/11/1940 - 23/11/2020)" in requirement(doc, "3").text
    assert "ngày 31/7/2019 của Ban Thường vụ" in requirement(doc, "2").text
    assert [item.deadlines for item in doc.requirements] == [[], [], []]


def test_seed_is_flagged_as_possibly_truncated_because_it_ends_mid_sentence():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert doc.warnings == ["Không thấy 'Nơi nhận' hay chữ ký: văn bản có thể bị cắt cụt"]


def test_as_dict_has_exactly_the_contract_keys_and_no_issuer_parent():
    doc = parse_sample("notice-45-tb-snv.txt")
    data = doc.as_dict()
    assert list(data) == CONTRACT_KEYS
    assert doc.issuer_parent == "UBND TỈNH ĐẮK LẮK"
    assert "issuer_parent" not in data
    assert data["requirements"][0]["quotas"] == [{"min": None, "max": 2, "text": "không quá 02"}]
    assert data["references"][0] == {"number": "7019/UBND-TH", "date": "2019-08-27", "type": "cong_van"}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- (a) Party plan 126-KH/TU ----------------------------------------------------------------


def test_party_plan_header():
    doc = parse_sample("party-plan-126-kh-tu.txt")
    assert doc.issuer == "TỈNH ỦY"
    assert doc.issuer_parent == "ĐẢNG BỘ TỈNH ĐẮK LẮK"
    assert doc.number == "126-KH/TU"
    assert doc.doc_type == "ke_hoach"
    assert (doc.place, doc.date) == ("Đắk Lắk", "2019-07-31")
    assert doc.subject == (
        "phát động phong trào thi đua chào mừng kỷ niệm 80 năm thành lập Đảng bộ tỉnh Đắk Lắk "
        "(23/11/1940 - 23/11/2020) và 45 năm Chiến thắng Buôn Ma Thuột (10/3/1975 - 10/3/2020)"
    )
    assert doc.addressees == []


def test_party_plan_references_exclude_its_own_number():
    doc = parse_sample("party-plan-126-kh-tu.txt")
    assert doc.references == [Reference(number="35-CT/TU", date="2019-03-13", type="chi_thi")]


def test_party_plan_roman_sections_prefix_the_ordinals():
    doc = parse_sample("party-plan-126-kh-tu.txt")
    # Section I has text but no numbered item, so it is one requirement of its own.
    assert ordinals(doc) == ["I", "II.1", "II.2", "II.3", "III.1", "III.2"]
    assert requirement(doc, "I").text == (
        "Phát động phong trào thi đua sâu rộng trong cán bộ, đảng viên và các tầng lớp nhân dân, "
        "tạo khí thế thi đua sôi nổi, lập thành tích chào mừng các ngày kỷ niệm.\n"
        "Phong trào thi đua phải thiết thực, hiệu quả, tránh phô trương, hình thức."
    )
    texts = all_requirement_text(doc)
    for title in ("MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG THI ĐUA", "TỔ CHỨC THỰC HIỆN"):
        assert title not in texts


def test_party_plan_deadlines_in_numeric_and_long_form():
    doc = parse_sample("party-plan-126-kh-tu.txt")
    assert {item.ordinal: item.deadlines for item in doc.requirements} == {
        "I": [],
        "II.1": ["2019-10-15"],
        "II.2": ["2019-11-20"],  # "chậm nhất ngày 20 tháng 11 năm 2019"
        "II.3": [],
        "III.1": ["2019-11-30", "2019-10-10"],  # in order of appearance, the second from a bullet
        "III.2": [],  # "trước 15/10" has no year; "tháng 6/2020" is no deadline phrase
    }
    assert doc.warnings == ["Mục III.2: Thời hạn 'trước 15/10' không có năm, bỏ qua"]


def test_party_plan_bullets_belong_to_their_item_and_closing_signature_are_dropped():
    doc = parse_sample("party-plan-126-kh-tu.txt")
    assert requirement(doc, "III.1").text.split("\n") == [
        "Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với các cơ quan liên quan hướng dẫn công tác tuyên truyền; "
        "báo cáo kết quả về Ban Thường vụ Tỉnh ủy trước ngày 30/11/2019.",
        "- Biên soạn đề cương tuyên truyền, phát hành chậm nhất vào ngày 10/10/2019.",
        "- Chỉ đạo các cơ quan báo chí mở chuyên trang, chuyên mục về phong trào thi đua.",
    ]
    texts = all_requirement_text(doc)
    for not_a_requirement in (
        "Kế hoạch này được phổ biến",
        "BAN THƯỜNG VỤ",
        "Nguyễn Văn An",
        "Ban Bí thư",
        "Thực hiện Chỉ thị",
    ):
        assert not_a_requirement not in texts


def test_party_plan_quotas():
    doc = parse_sample("party-plan-126-kh-tu.txt")
    assert requirement(doc, "II.2").quotas == [Quota(1, 2, "từ 01 đến 02")]
    assert requirement(doc, "II.3").quotas == [Quota(1, None, "ít nhất 01")]


# --- (b) notice 45/TB-SNV --------------------------------------------------------------------


def test_notice_header_with_parent_body():
    doc = parse_sample("notice-45-tb-snv.txt")
    assert (doc.issuer, doc.issuer_parent) == ("SỞ NỘI VỤ", "UBND TỈNH ĐẮK LẮK")
    assert doc.number == "45/TB-SNV"
    assert doc.doc_type == "thong_bao"
    assert (doc.place, doc.date) == ("Buôn Ma Thuột", "2019-09-12")
    assert doc.subject == (
        "Kết luận của Giám đốc Sở Nội vụ tại cuộc họp triển khai phong trào thi đua "
        "chào mừng kỷ niệm 80 năm thành lập Đảng bộ tỉnh"
    )
    # A notice need not have "Kính gửi": no addressee, and no warning about it.
    assert doc.addressees == []
    assert doc.warnings == []


def test_notice_lettered_points_belong_to_their_parenthesised_item():
    doc = parse_sample("notice-45-tb-snv.txt")
    assert ordinals(doc) == ["1", "2", "3"]
    first = requirement(doc, "1")
    assert first.text.split("\n") == [
        "Ban Thi đua - Khen thưởng tỉnh:",
        "a) Hướng dẫn các cơ quan, đơn vị đăng ký thi đua, gửi về Sở Nội vụ trước ngày 30/9/2019;",
        "b) Tổng hợp danh sách công trình trọng điểm của các huyện, thị xã, thành phố, mỗi địa phương "
        "không quá 02 công trình.",
    ]
    assert first.deadlines == ["2019-09-30"]
    assert first.quotas == [Quota(None, 2, "không quá 02")]
    assert requirement(doc, "2").text.startswith("Văn phòng Sở:\na) Đăng tải Thông báo này")
    assert requirement(doc, "3").deadlines == ["2019-10-15"]
    assert "Sở Nội vụ thông báo để" not in all_requirement_text(doc)


def test_notice_references_take_their_type_from_the_word_before_so():
    doc = parse_sample("notice-45-tb-snv.txt")
    assert doc.references == [
        Reference("7019/UBND-TH", "2019-08-27", "cong_van"),
        Reference("1234/QĐ-UBND", None, "quyet_dinh"),
    ]


# --- (c) letter 88/UBND-TH -------------------------------------------------------------------


def test_letter_with_one_line_addressee_and_long_form_date():
    doc = parse_sample("letter-88-ubnd-th.txt")
    assert doc.addressees == ["Ủy ban nhân dân các huyện, thị xã, thành phố"]
    assert (doc.place, doc.date) == ("Đắk Lắk", "2020-01-05")
    assert (doc.number, doc.doc_type) == ("88/UBND-TH", "cong_van")
    assert doc.subject == "đăng ký công trình, phần việc chào mừng kỷ niệm 45 năm Chiến thắng Buôn Ma Thuột"
    assert doc.warnings == []


def test_letter_quotas_minimum_and_maximum_in_order():
    doc = parse_sample("letter-88-ubnd-th.txt")
    assert ordinals(doc) == ["1", "2", "3"]
    assert requirement(doc, "1").quotas == [Quota(1, None, "ít nhất 01"), Quota(None, 3, "không quá 03")]
    assert requirement(doc, "1").deadlines == ["2020-01-20"]
    # "ít nhất 90%" is a target ratio, not a count to register.
    assert requirement(doc, "2").quotas == [Quota(2, None, "tối thiểu 02")]
    assert requirement(doc, "3").deadlines == ["2020-02-15"]  # "hạn chót ngày 15/02/2020"
    assert "Trong quá trình thực hiện" not in all_requirement_text(doc)


def test_letter_references():
    doc = parse_sample("letter-88-ubnd-th.txt")
    assert doc.references == [
        Reference("126-KH/TU", "2019-07-31", "ke_hoach"),
        Reference("7019/UBND-TH", "2019-08-27", "cong_van"),
    ]


# --- (d) noisy export of the seed ------------------------------------------------------------


def test_noisy_sample_really_carries_the_noise():
    raw = (SAMPLES / "official-letter-7019-noisy.txt").read_bytes()
    text = raw.decode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert "\u00a0" in text and "\t" in text and "\u200b" in text
    assert "**" in text and "__" in text and "## " in text
    assert text != unicodedata.normalize("NFC", text)  # stored decomposed (NFD)


def test_noisy_seed_parses_exactly_like_the_clean_seed():
    noisy = (SAMPLES / "official-letter-7019-noisy.txt").read_bytes().decode("utf-8")  # BOM kept in
    assert parse_document(noisy).as_dict() == parse_document(SEED.read_text(encoding="utf-8")).as_dict()


def test_nfd_input_gives_nfc_output():
    doc = parse_document(unicodedata.normalize("NFD", read_sample("letter-88-ubnd-th.txt")))
    assert doc.as_dict() == parse_sample("letter-88-ubnd-th.txt").as_dict()
    assert doc.place == unicodedata.normalize("NFC", "Đắk Lắk")


# --- (e) draft report ------------------------------------------------------------------------


def test_draft_has_no_number_but_keeps_its_type_from_the_symbol():
    doc = parse_sample("draft-report-bc-ubnd.txt")
    assert doc.number is None
    assert doc.doc_type == "bao_cao"
    assert doc.issuer == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"  # not the "DỰ THẢO" marking above it
    assert doc.place == "Đắk Lắk"
    assert doc.date is None  # "ngày      tháng 3 năm 2020"
    assert any("chưa có số" in warning for warning in doc.warnings)
    assert any("Ngày ban hành chưa đầy đủ" in warning for warning in doc.warnings)
    assert doc.subject == "Sơ kết phong trào thi đua chào mừng kỷ niệm 45 năm Chiến thắng Buôn Ma Thuột"
    assert doc.addressees == ["Ban Thường vụ Tỉnh ủy"]


def test_draft_sections_with_and_without_numbered_items():
    doc = parse_sample("draft-report-bc-ubnd.txt")
    assert ordinals(doc) == ["I.1", "I.2", "II"]
    assert requirement(doc, "II").deadlines == ["2020-11-30"]
    assert doc.references == [Reference("126-KH/TU", "2019-07-31", "ke_hoach")]


# --- (f) decision 1234/QĐ-UBND ---------------------------------------------------------------


def test_decision_header_and_subject_without_ve_viec():
    doc = parse_sample("decision-1234-qd-ubnd.txt")
    assert (doc.number, doc.doc_type) == ("1234/QĐ-UBND", "quyet_dinh")
    assert doc.issuer == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    assert doc.date == "2020-03-10"
    assert doc.subject == (
        "khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua "
        "chào mừng kỷ niệm 45 năm Chiến thắng Buôn Ma Thuột"
    )


def test_decision_articles_are_the_requirements_and_clauses_stay_inside():
    doc = parse_sample("decision-1234-qd-ubnd.txt")
    assert ordinals(doc) == ["Điều 1", "Điều 2", "Điều 3"]
    assert requirement(doc, "Điều 1").text.split("\n")[1:] == [
        "1. 15 tập thể (có danh sách kèm theo);",
        "2. 30 cá nhân (có danh sách kèm theo).",
    ]
    assert requirement(doc, "Điều 2").deadlines == ["2020-03-31"]
    texts = all_requirement_text(doc)
    for not_a_requirement in ("Căn cứ", "Xét đề nghị", "QUYẾT ĐỊNH:", "CHỦ TỊCH ỦY BAN", "Như Điều 3"):
        assert not_a_requirement not in texts


def test_decision_grounds_give_references_with_long_form_dates():
    doc = parse_sample("decision-1234-qd-ubnd.txt")
    assert doc.references == [
        Reference("91/2017/NĐ-CP", "2017-07-31", "other"),
        Reference("126-KH/TU", "2019-07-31", "ke_hoach"),
        Reference("45/TTr-SNV", "2020-03-02", "to_trinh"),
    ]


# --- every sample ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda path: path.name)
def test_every_sample_is_well_formed(path):
    assert_well_formed(parse_document(path.read_text(encoding="utf-8-sig")))


# --- degenerate input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t \u00a0\r\n\ufeff",
        ENGLISH_RECIPE,
        random.Random(7).randbytes(4000).decode("utf-8", errors="replace"),
        bytes(range(256)).decode("latin-1"),
    ],
    ids=["empty", "spaces", "invisible", "english", "random-utf8", "all-latin1"],
)
def test_empty_or_unrelated_text_gives_empty_fields_and_warnings(text):
    doc = parse_document(text)
    assert_well_formed(doc)
    assert doc.warnings
    assert doc.as_dict() | {"warnings": []} == ParsedDocument().as_dict()


def test_unrelated_text_explains_why_it_was_not_read():
    doc = parse_document(ENGLISH_RECIPE)
    assert doc.warnings[-1] == "Không nhận dạng được văn bản hành chính"
    assert doc.requirements == []  # its numbered steps are no requirements


def test_truncated_seed_keeps_what_it_has_and_warns():
    doc = parse_document(SEED.read_text(encoding="utf-8")[:300])
    assert_well_formed(doc)
    assert (doc.number, doc.date, doc.doc_type) == ("7019/UBND-TH", "2019-08-27", "cong_van")
    assert doc.requirements == []
    assert "Không tìm thấy nội dung yêu cầu được đánh số" in doc.warnings
    assert "Không thấy 'Nơi nhận' hay chữ ký: văn bản có thể bị cắt cụt" in doc.warnings


SAMPLE_LINES = sorted({line for path in SAMPLES.glob("*.txt") for line in read_sample(path.name).splitlines()})


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_property_arbitrary_text_never_raises(text):
    assert_well_formed(parse_document(text))


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(SAMPLE_LINES),
            st.text(alphabet=st.characters(codec=None), max_size=40),
            st.sampled_from(["", "\x00", "\r", "\x0b", "\u2028", "\ufeff", "**", "Số:", "1.", "I.", "a)", "- "]),
        ),
        max_size=60,
    )
)
def test_property_shuffled_document_lines_with_control_characters_never_raise(lines):
    """Real header/body lines in random order reach the deep paths that random text does not."""
    assert_well_formed(parse_document("\n".join(lines)))


# --- header details --------------------------------------------------------------------------


HEADER_TAIL = "\nSố: 15/BC-UBND\nĐắk Lắk, ngày 05 tháng 01 năm 2020\n"


@pytest.mark.parametrize(
    ("left_block", "issuer", "parent"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", None),
        ("UBND TỈNH ĐẮK LẮK\nSỞ NỘI VỤ", "SỞ NỘI VỤ", "UBND TỈNH ĐẮK LẮK"),
        ("ĐẢNG BỘ TỈNH ĐẮK LẮK\nTỈNH ỦY", "TỈNH ỦY", "ĐẢNG BỘ TỈNH ĐẮK LẮK"),
        ("ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\nSỞ NỘI VỤ", "SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"),
        ("BỘ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", None),
        # The right-hand column first: the mottos are never the issuer.
        (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nUBND TỈNH ĐẮK LẮK\nSỞ NỘI VỤ",
            "SỞ NỘI VỤ",
            "UBND TỈNH ĐẮK LẮK",
        ),
        ("ĐẢNG CỘNG SẢN VIỆT NAM\nĐẢNG BỘ TỈNH ĐẮK LẮK\nTỈNH ỦY", "TỈNH ỦY", "ĐẢNG BỘ TỈNH ĐẮK LẮK"),
        ("ĐOÀN TNCS HỒ CHÍ MINH\n\nTỈNH ĐOÀN ĐẮK LẮK", "TỈNH ĐOÀN ĐẮK LẮK", None),
        ("HỘI ĐỒNG NHÂN DÂN\nTỈNH ĐẮK LẮK\nTỈNH ĐOÀN ĐẮK LẮK", "TỈNH ĐOÀN ĐẮK LẮK", "HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK LẮK"),
        # A first line that already names its place is complete: what follows is another body.
        ("UBND TỈNH ĐẮK LẮK\nTHÀNH PHỐ BUÔN MA THUỘT", "THÀNH PHỐ BUÔN MA THUỘT", "UBND TỈNH ĐẮK LẮK"),
    ],
)
def test_issuer_and_parent(left_block, issuer, parent):
    doc = parse_document(left_block + HEADER_TAIL)
    assert (doc.issuer, doc.issuer_parent) == (issuer, parent)


def test_two_header_columns_flattened_onto_the_same_lines():
    doc = parse_document(
        "ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH ĐẮK LẮK\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 15/BC-UBND    Đắk Lắk, ngày 05 tháng 01 năm 2020\n"
    )
    assert doc.issuer == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    assert (doc.number, doc.doc_type) == ("15/BC-UBND", "bao_cao")
    assert (doc.place, doc.date) == ("Đắk Lắk", "2020-01-05")
    assert "Không tìm thấy địa danh, ngày tháng ban hành" not in doc.warnings


def test_without_a_number_line_the_date_line_anchors_the_issuer():
    doc = parse_document("ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n\nĐắk Lắk, ngày 05 tháng 01 năm 2020\n\nKẾ HOẠCH\nTổng kết\n")
    assert (doc.issuer, doc.number, doc.doc_type, doc.subject) == (
        "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
        None,
        "ke_hoach",
        "Tổng kết",
    )
    assert "Không tìm thấy số, ký hiệu văn bản (dòng 'Số: ...')" in doc.warnings


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: **7019** /UBND-TH", "7019/UBND-TH"),
        ("Số 126-KH/TU", "126-KH/TU"),
        ("Số: 15/BC-UBND", "15/BC-UBND"),
        ("SỐ: 15 / BC-UBND", "15/BC-UBND"),
        ("Số:\u00a007/2020/TT-BNV", "07/2020/TT-BNV"),
        ("Số:      /BC-UBND", None),
    ],
)
def test_number_line_variants(line, number):
    assert parse_document(f"SỞ NỘI VỤ\n{line}\nĐắk Lắk, ngày 05 tháng 01 năm 2020").number == number


@pytest.mark.parametrize(
    ("line", "place", "iso"),
    [
        ("Đắk Lắk, ngày **27** tháng 8 năm 2019", "Đắk Lắk", "2019-08-27"),
        ("Buôn Ma Thuột, ngày 05 tháng 01 năm 2020", "Buôn Ma Thuột", "2020-01-05"),
        ("*Đắk Lắk ,   ngày  5  tháng  1  năm  2020*", "Đắk Lắk", "2020-01-05"),
        ("ngày 05 tháng 01 năm 2020", None, "2020-01-05"),
        ("Đắk Lắk, ngày 31 tháng 02 năm 2020", "Đắk Lắk", None),
    ],
)
def test_place_date_variants(line, place, iso):
    doc = parse_document(f"SỞ NỘI VỤ\nSố: 45/TB-SNV\n{line}\n")
    assert (doc.place, doc.date) == (place, iso)
    assert (iso is None) == any("Ngày ban hành" in warning for warning in doc.warnings)


def test_place_date_inside_a_sentence_is_not_the_issue_date():
    doc = parse_document("Số: 45/TB-SNV\nNgày 10 tháng 9 năm 2019, Sở Nội vụ họp.\n")
    assert (doc.place, doc.date) == (None, None)


@pytest.mark.parametrize(
    ("header", "doc_type", "warns"),
    [
        ("Số: 12/UBND-VP\nV/v tổ chức hội nghị", "cong_van", False),
        ("Số: 12/UBND-VP\n\nKẾ HOẠCH\nTổ chức hội nghị", "ke_hoach", False),  # title, no type in symbol
        ("Số: 12/QĐ-UBND\n\nQUYẾT ĐỊNH\nVề việc khen thưởng", "quyet_dinh", False),
        ("Số: 12/QD-UBND", "quyet_dinh", False),
        ("Số: 12/HD-SNV", "huong_dan", False),
        ("Số: 12/NQ-HĐND", "nghi_quyet", False),
        ("Số: 12/TTr-SNV", "to_trinh", False),
        ("Số 12-CT/TU", "chi_thi", False),
        ("Số: 12/CTr-UBND\n\nCHƯƠNG TRÌNH\nCông tác năm 2020", "other", True),
        ("Số: 12/UBND-VP", "other", True),  # neither a type, a title nor a "V/v"
    ],
)
def test_doc_type_from_symbol_title_or_vv(header, doc_type, warns):
    doc = parse_document(f"SỞ NỘI VỤ\n{header}\n")
    assert doc.doc_type == doc_type
    assert warns == any("xếp vào 'other'" in warning for warning in doc.warnings)


@pytest.mark.parametrize(
    ("number", "doc_type"),
    [
        ("7019/UBND-TH", None),
        ("126-KH/TU", "ke_hoach"),
        ("35-CT/TU", "chi_thi"),
        ("15/BC-UBND", "bao_cao"),
        ("/BC-UBND", "bao_cao"),
        ("45/TTr-SNV", "to_trinh"),
        ("1234/QĐ-UBND", "quyet_dinh"),
        ("2/CTr-UBND", "other"),
        ("3/QC-UBND", "other"),
        ("91/2017/NĐ-CP", "other"),
    ],
)
def test_symbol_doc_type(number, doc_type):
    assert symbol_doc_type(number) == doc_type


def test_subject_typed_document_stops_at_blank_line_and_vv_spans_lines():
    doc = parse_document("Số: 9/UBND-TH\nV/v tổng kết\nphong trào thi đua\n\nĐắk Lắk, ngày 01 tháng 12 năm 2020\n")
    assert doc.subject == "tổng kết phong trào thi đua"
    doc = parse_document("Số: 9/KH-UBND\n\nKẾ HOẠCH\nTổng kết phong trào\n\nI. MỤC ĐÍCH\n")
    assert doc.subject == "Tổng kết phong trào"


@pytest.mark.parametrize(
    ("block", "addressees"),
    [
        ("Kính gửi: Ủy ban nhân dân các huyện.", ["Ủy ban nhân dân các huyện"]),
        ("Kính gửi: Sở Nội vụ; Sở Tài chính.", ["Sở Nội vụ", "Sở Tài chính"]),
        # A one-line addressee ends with "."; the short sentence below it is body text.
        ("Kính gửi: Sở Nội vụ.\nĐề nghị Sở báo cáo kết quả.", ["Sở Nội vụ"]),
        ("Kính gửi: - Sở Nội vụ;\n- Sở Tài chính.", ["Sở Nội vụ", "Sở Tài chính"]),
        ("Kính gửi:\n- Các sở, ban, ngành;\n- UBND các huyện.", ["Các sở, ban, ngành", "UBND các huyện"]),
        ("Kính gửi:\n\n+ Sở Nội vụ,\n– Sở Tài chính.\n\n1. Báo cáo.", ["Sở Nội vụ", "Sở Tài chính"]),
        (
            "Kính gửi:\nCác sở, ban, ngành;\nUBND các huyện.\nThực hiện Kế hoạch.",
            ["Các sở, ban, ngành", "UBND các huyện"],
        ),
    ],
)
def test_addressee_forms(block, addressees):
    doc = parse_document(f"Số: 9/UBND-TH\nV/v báo cáo\n\n{block}\n")
    assert doc.addressees == addressees


def test_letter_without_kinh_gui_has_no_addressees_and_says_so():
    doc = parse_document("Số: 9/UBND-TH\nV/v báo cáo\n\n1. Các đơn vị báo cáo.\n")
    assert doc.addressees == []
    assert "Công văn không có mục 'Kính gửi'" in doc.warnings
    assert ordinals(doc) == ["1"]


# --- requirement details ---------------------------------------------------------------------


def test_items_with_closing_request_and_wrapped_lines():
    doc = parse_document(
        "Số: 9/UBND-TH\nV/v triển khai\n\nKính gửi: Các sở.\n\n"
        "1) Rà soát danh sách công trình\n"
        "trọng điểm của địa phương.\n"
        "2) Báo cáo kết quả.\n"
        "Yêu cầu thủ trưởng các cơ quan, đơn vị nghiêm túc thực hiện.\n"
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n"
    )
    assert [(item.ordinal, item.text) for item in doc.requirements] == [
        ("1", "Rà soát danh sách công trình trọng điểm của địa phương."),  # a hard-wrapped line rejoined
        ("2", "Báo cáo kết quả."),
    ]


def test_signature_block_before_recipients_ends_the_last_item():
    doc = parse_document(
        "Số: 9/UBND-TH\nV/v triển khai\n\nKính gửi: Các sở.\n\n1. Báo cáo kết quả.\n"
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Cường\n\nNơi nhận:\n- Như trên;\n- Lưu: VT, TH.\n"
    )
    assert [(item.ordinal, item.text) for item in doc.requirements] == [("1", "Báo cáo kết quả.")]
    assert not any("cắt cụt" in warning for warning in doc.warnings)  # the document is complete


def test_decision_subject_stops_at_the_authority_line_in_capitals():
    doc = parse_document(
        "Số: 5/QĐ-UBND\nĐắk Lắk, ngày 05 tháng 01 năm 2020\nQUYẾT ĐỊNH\nVề việc khen thưởng\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK\nCăn cứ Luật Thi đua, khen thưởng;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Tặng Bằng khen.\n"
    )
    assert doc.subject == "khen thưởng"
    assert ordinals(doc) == ["Điều 1"]


def test_a_wrapped_line_that_reads_like_a_closing_request_stays_in_its_item():
    doc = parse_document(
        "Số: 9/UBND-TH\nV/v triển khai\n\n1. Sở Tài chính bố trí kinh phí cho hội nghị,\n"
        "đề nghị các cơ quan phối hợp thực hiện.\n"
    )
    assert requirement(doc, "1").text == (
        "Sở Tài chính bố trí kinh phí cho hội nghị, đề nghị các cơ quan phối hợp thực hiện."
    )


def test_second_paragraph_of_an_item_stays_with_it():
    doc = parse_document(
        "Số: 9/UBND-TH\nV/v triển khai\n\n1. Tổ chức quán triệt.\n\nĐề nghị Sở Tài chính thực hiện cấp kinh phí.\n"
    )
    assert requirement(doc, "1").text == "Tổ chức quán triệt.\nĐề nghị Sở Tài chính thực hiện cấp kinh phí."


def test_sub_clauses_and_decimals_are_not_items():
    doc = parse_document(
        "Số: 9/KH-UBND\n\n1. Kinh phí:\n1.1. Ngân sách tỉnh.\n1.5 tỷ đồng cho tuyên truyền.\n2. Báo cáo.\n"
    )
    assert ordinals(doc) == ["1", "2"]
    assert requirement(doc, "1").text == "Kinh phí:\n1.1. Ngân sách tỉnh.\n1.5 tỷ đồng cho tuyên truyền."


# --- deadlines, quotas, references -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "deadlines"),
    [
        ("gửi về trước ngày 15/10/2019.", ["2019-10-15"]),
        ("báo cáo chậm nhất ngày 15/10/2019", ["2019-10-15"]),
        ("báo cáo chậm nhất vào ngày 05/11/2019", ["2019-11-05"]),
        ("hoàn thành trước 30/11/2019", ["2019-11-30"]),
        ("trước ngày 20 tháng 11 năm 2019", ["2019-11-20"]),
        ("hạn chót ngày 01/12/2019", ["2019-12-01"]),
        ("Thời hạn hoàn thành: 31/12/2019", ["2019-12-31"]),
        ("trước ngày 15/10/2019 và chậm nhất ngày 01/11/2019", ["2019-10-15", "2019-11-01"]),
        ("trước ngày 15/10/2019, nhắc lại: trước ngày 15/10/2019", ["2019-10-15"]),
        ("(10/3/1975 - 10/3/2020)", []),
        ("23/11/1940 - 23/11/2020", []),
        ("trước ngày 10/3/1975 - 10/3/2020", []),
        ("Kế hoạch số 126-KH/TU ngày 31/7/2019 của Tỉnh ủy", []),
        ("trước mắt tập trung tuyên truyền", []),
    ],
)
def test_deadlines(text, deadlines):
    assert extract_deadlines(text) == (deadlines, [])


@pytest.mark.parametrize(
    ("text", "reason"),
    [("gửi báo cáo trước 15/10", "không có năm"), ("trước ngày 31/02/2020", "ngày không hợp lệ")],
)
def test_undatable_deadlines_are_skipped_with_a_warning(text, reason):
    deadlines, warnings = extract_deadlines(text)
    assert deadlines == []
    assert len(warnings) == 1 and reason in warnings[0]


@pytest.mark.parametrize(
    ("text", "quota"),
    [
        ("chọn từ 01 đến 02 công trình", Quota(1, 2, "từ 01 đến 02")),
        ("chọn từ 1 đến 2 công trình", Quota(1, 2, "từ 1 đến 2")),
        ("chọn từ 01 - 02 công trình", Quota(1, 2, "từ 01 - 02")),
        ("chọn từ 01-02 công trình", Quota(1, 2, "từ 01-02")),
        ("ít nhất 01 công trình", Quota(1, None, "ít nhất 01")),
        ("tối thiểu 01 công trình", Quota(1, None, "tối thiểu 01")),
        ("không quá 03 công trình", Quota(None, 3, "không quá 03")),
        ("tối đa 03 công trình", Quota(None, 3, "tối đa 03")),
    ],
)
def test_quotas(text, quota):
    assert extract_quotas(text) == [quota]


@pytest.mark.parametrize(
    "text",
    ["từ 10/3/1975 - 10/3/2020", "từ 2019 đến 2020", "ít nhất 90% đơn vị", "không quá 15/10/2019", "từ 1,5 đến 2"],
)
def test_dates_years_and_percentages_are_not_quotas(text):
    assert extract_quotas(text) == []


def test_several_quotas_keep_their_order():
    text = "không quá 03 công trình khởi công, ít nhất 01 công trình khánh thành và từ 1 đến 2 lĩnh vực"
    assert [(quota.min, quota.max) for quota in extract_quotas(text)] == [(None, 3), (1, None), (1, 2)]


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("theo Kế hoạch số 126-KH/TU ngày 31/7/2019", Reference("126-KH/TU", "2019-07-31", "ke_hoach")),
        ("Chỉ thị số 35-CT/TU, ngày 13/3/2019", Reference("35-CT/TU", "2019-03-13", "chi_thi")),
        ("tại Tờ trình số 45/TTr-SNV ngày 02 tháng 3 năm 2020", Reference("45/TTr-SNV", "2020-03-02", "to_trinh")),
        ("theo Quyết định số 1234/QĐ-UBND.", Reference("1234/QĐ-UBND", None, "quyet_dinh")),
        ("Công văn số 88/UBND-TH", Reference("88/UBND-TH", None, "cong_van")),
        ("văn bản số 88/UBND-TH", Reference("88/UBND-TH", None, "cong_van")),  # no type in the symbol
        ("văn bản số 15/BC-UBND", Reference("15/BC-UBND", None, "bao_cao")),  # type from the symbol
        ("Nghị quyết số 5-NQ/TU", Reference("5-NQ/TU", None, "nghi_quyet")),
        ("HƯỚNG DẪN SỐ 36-HD/VPTW", Reference("36-HD/VPTW", None, "huong_dan")),
    ],
)
def test_reference_forms(text, reference):
    assert extract_references(text) == [reference]


def test_references_first_mention_wins_and_a_later_date_fills_a_missing_one():
    text = "Kế hoạch số 126-KH/TU; Chỉ thị số 35-CT/TU ngày 13/3/2019; Kế hoạch số 126-KH/TU ngày 31/7/2019"
    assert extract_references(text) == [
        Reference("126-KH/TU", "2019-07-31", "ke_hoach"),
        Reference("35-CT/TU", "2019-03-13", "chi_thi"),
    ]
    assert extract_references(text, own_number="126-KH/TU") == [Reference("35-CT/TU", "2019-03-13", "chi_thi")]


def test_counting_words_after_so_are_not_references():
    assert extract_references("một số điều của Luật; số lượng 12/20 đơn vị; hệ số 1/2") == []


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\ufeffSố: **7019** /UBND-TH", "Số: 7019 /UBND-TH"),
        (unicodedata.normalize("NFD", "Đắk Lắk"), "Đắk Lắk"),
        ("a\r\nb\rc\u2028d", "a\nb\nc\nd"),
        ("Sở\u00a0Nội\tvụ  \u2003mới", "Sở Nội vụ mới"),
        ("quán\u200btriệt\u00ad", "quántriệt"),
        ("__Kính gửi:__ *Sở* snake_case _nghiêng_", "Kính gửi: Sở snake_case nghiêng"),
        ("# Tiêu đề\n* mục một\n1\\. mục", "Tiêu đề\n- mục một\n1. mục"),
        ("\u00d0ẮK LẮK", "ĐẮK LẮK"),
        ("TỈNH ỦY\n*\n-----\nSố", "TỈNH ỦY\n\n\nSố"),
        ("x\x00y\x07z", "xyz"),
    ],
)
def test_normalise_text(raw, clean):
    assert normalise_text(raw) == clean


# --- the parse_directive command -------------------------------------------------------------


def run_command(path) -> str:
    out = io.StringIO()
    call_command("parse_directive", str(path), stdout=out)
    return out.getvalue()


def test_command_prints_the_seed_as_one_json_object():
    output = run_command(SEED)
    assert "Đắk Lắk" in output  # ensure_ascii=False: Vietnamese stays readable
    assert output.startswith('{\n  "issuer"')  # indent=2
    data = json.loads(output)
    assert list(data) == CONTRACT_KEYS
    assert data == parse_document(SEED.read_text(encoding="utf-8")).as_dict()
    assert data["number"] == "7019/UBND-TH"


def test_command_reads_utf8_with_bom(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes())
    assert read_document_text(path) == SEED.read_text(encoding="utf-8")
    assert json.loads(run_command(path))["issuer"] == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"


def test_command_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run_command(tmp_path / "missing.txt")


def test_command_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Không phải là tệp"):
        run_command(tmp_path)


def test_command_non_utf8_text_is_a_command_error(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(b"S\xf4: 15/BC-UBND")  # a legacy 8-bit export: 0xF4 is no UTF-8 lead byte
    with pytest.raises(CommandError, match="UTF-8"):
        run_command(path)


def test_docx_header_table_and_paragraphs_are_read_in_document_order(tmp_path):
    import docx

    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "UBND TỈNH ĐẮK LẮK\nSỞ NỘI VỤ"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 45/TB-SNV"
    header.cell(1, 1).text = "Buôn Ma Thuột, ngày 12 tháng 9 năm 2019"
    for text in ("THÔNG BÁO", "Kết luận cuộc họp", "", "1) Báo cáo trước ngày 30/9/2019.", "2) Lưu hồ sơ."):
        document.add_paragraph(text)
    path = tmp_path / "notice.docx"
    document.save(path)

    text = read_document_text(path)
    assert text.index("SỞ NỘI VỤ") < text.index("Số: 45/TB-SNV") < text.index("THÔNG BÁO")
    data = json.loads(run_command(path))
    assert (data["issuer"], data["number"], data["doc_type"]) == ("SỞ NỘI VỤ", "45/TB-SNV", "thong_bao")
    assert (data["place"], data["date"], data["subject"]) == ("Buôn Ma Thuột", "2019-09-12", "Kết luận cuộc họp")
    assert [(item["ordinal"], item["deadlines"]) for item in data["requirements"]] == [("1", ["2019-09-30"]), ("2", [])]


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ASCII text in Helvetica, built by hand (no writer library needed)."""
    stream = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_is_extracted_and_parsed(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(minimal_pdf("Report 15/BC-UBND"))
    assert "Report 15/BC-UBND" in read_document_text(path)
    data = json.loads(run_command(path))
    assert data["number"] is None and data["warnings"]  # ASCII-only text is no Vietnamese document


@pytest.mark.parametrize("name", ["broken.docx", "broken.pdf"])
def test_unreadable_docx_or_pdf_is_a_command_error(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"this is not what the extension says")
    with pytest.raises(DocumentReadError):
        read_document_text(path)
    with pytest.raises(CommandError, match="không"):
        run_command(path)
