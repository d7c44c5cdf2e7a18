"""How letters phrase asks: recurring periods, relative deadlines, lead units, follow-up, signer, PDF noise.

Every phrasing is written here in at least three variants (no database needed).
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directives.parsing import parse_document
from directives.parsing_asks import (
    extract_assignment,
    extract_recurrence,
    extract_relative_deadline,
)

HEADER = """ỦY BAN NHÂN DÂN
TỈNH ĐẮK LẮK

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 9215/UBND-NC
V/v triển khai phong trào thi đua năm 2027

Đắk Lắk, ngày 01 tháng 12 năm 2026

Kính gửi:
- Các sở, ban, ngành;
- UBND các xã, phường.

UBND tỉnh yêu cầu các cơ quan, đơn vị thực hiện các nội dung sau:

"""
SIGNATURE = """
Nơi nhận:
- Như trên;
- Lưu: VT, NC.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Thị Lan
"""


def letter(body: str, signature: str = SIGNATURE) -> str:
    return HEADER + body + "\n" + signature


# --- recurring asks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "every", "due"),
    [
        ("Định kỳ hằng tháng báo cáo kết quả về Sở Nội vụ trước ngày 20 hằng tháng.", "monthly", ["20"]),
        ("Các đơn vị gửi báo cáo hàng tháng chậm nhất vào ngày 25 hàng tháng.", "monthly", ["25"]),
        ("Mỗi tháng báo cáo một lần, trước ngày 05.", "monthly", ["5"]),
        ("Báo cáo tiến độ theo tháng về Ban Thi đua - Khen thưởng.", "monthly", []),
        ("Định kỳ hằng quý báo cáo trước ngày 15 của tháng cuối quý.", "quarterly", ["15"]),
        ("Báo cáo quý gửi về Sở Nội vụ trước ngày 20 tháng cuối quý.", "quarterly", ["20"]),
        ("Thực hiện chế độ báo cáo hàng quý, chậm nhất ngày 10.", "quarterly", ["10"]),
        ("Sơ kết 6 tháng, gửi báo cáo trước ngày 15/6.", "half_yearly", ["15/6"]),
        (
            "Định kỳ 6 tháng báo cáo kết quả trước ngày 10 tháng 6 và ngày 10 tháng 12.",
            "half_yearly",
            ["10/6", "10/12"],
        ),
        ("Báo cáo sáu tháng một lần về UBND tỉnh.", "half_yearly", []),
        ("Báo cáo trước ngày 15/6 và 15/12 hằng năm.", "half_yearly", ["15/6", "15/12"]),
        ("Hằng năm, tổng kết phong trào và gửi báo cáo trước ngày 30/11.", "yearly", ["30/11"]),
        ("Định kỳ hàng năm báo cáo kết quả thực hiện trước ngày 15 tháng 12.", "yearly", ["15/12"]),
        ("Mỗi năm báo cáo một lần về Sở Nội vụ.", "yearly", []),
        ("Báo cáo trước 15/3, 15/6, 15/9 và 15/12 hằng năm.", "quarterly", ["15/3", "15/6", "15/9", "15/12"]),
    ],
)
def test_recurring_asks_are_read_with_their_due_days(text, every, due):
    found = extract_recurrence(text)
    assert (found.every, found.due) == (every, due)


@pytest.mark.parametrize(
    "text",
    [
        "Báo cáo kết quả trước ngày 30/11/2026.",
        "Tổ chức sơ kết vào tháng 6/2027 và tổng kết trong tháng 11/2027.",
        "Tổ chức hội nghị trong 6 tháng đầu năm 2027.",
        "Chiến thắng Buôn Ma Thuột (10/3/1975 - 10/3/2020).",
    ],
)
def test_one_time_asks_do_not_recur(text):
    assert extract_recurrence(text) is None


def test_due_in_the_month_after_the_period():
    found = extract_recurrence("Báo cáo hằng tháng gửi trước ngày 05 của tháng sau.")
    assert (found.every, found.due, found.next_period) == ("monthly", ["5"], True)


@given(day=st.integers(1, 31), word=st.sampled_from(["hằng", "hàng", "mỗi"]))
def test_any_monthly_due_day_is_read(day, word):
    found = extract_recurrence(f"Định kỳ {word} tháng báo cáo trước ngày {day:02d} {word} tháng.")
    assert (found.every, found.due) == ("monthly", [str(day)])


@given(
    first=st.tuples(st.integers(1, 28), st.integers(1, 6)),
    second=st.tuples(st.integers(1, 28), st.integers(7, 12)),
)
def test_any_two_annual_dates_make_a_half_yearly_ask(first, second):
    text = f"Báo cáo trước ngày {first[0]}/{first[1]} và {second[0]}/{second[1]} hằng năm."
    found = extract_recurrence(text)
    assert found.every == "half_yearly"
    assert found.due == [f"{first[0]}/{first[1]}", f"{second[0]}/{second[1]}"]
    doc = parse_document(letter(f"1. {text}"))
    assert doc.requirements[0].deadlines == []
    assert not [w for w in doc.warnings if "không có năm" in w]  # the dates have no year on purpose


# --- relative deadlines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days", "counted_from", "working"),
    [
        ("Trong thời hạn 15 ngày kể từ ngày nhận được văn bản này, các đơn vị báo cáo.", 15, "receipt", False),
        ("Gửi kế hoạch trong vòng 10 ngày làm việc, kể từ ngày nhận văn bản.", 10, "receipt", True),
        ("Chậm nhất 07 ngày làm việc kể từ khi nhận được Công văn này.", 7, "receipt", True),
        ("Trong thời hạn 30 ngày kể từ ngày ký, Sở Nội vụ trình UBND tỉnh.", 30, "signature", False),
        ("Hoàn thành trong thời gian 20 ngày làm việc kể từ ngày ký văn bản.", 20, "signature", True),
        ("Trong thời hạn mười lăm (15) ngày kể từ ngày ký, các đơn vị gửi đăng ký.", 15, "signature", False),
        (
            "Trong thời hạn 45 ngày kể từ ngày ban hành Kế hoạch này, các sở xây dựng kế hoạch.",
            45,
            "publication",
            False,
        ),
        ("Trong vòng 05 ngày làm việc kể từ ngày ban hành, gửi danh sách.", 5, "publication", True),
        ("Sau 60 ngày kể từ ngày ban hành văn bản, tổ chức kiểm tra.", 60, "publication", False),
    ],
)
def test_relative_deadlines(text, days, counted_from, working):
    found = extract_relative_deadline(text)
    assert (found.days, found.counted_from, found.working_days) == (days, counted_from, working)


@given(days=st.integers(1, 365), working=st.booleans(), start=st.sampled_from(["ký", "nhận được văn bản"]))
def test_any_number_of_days(days, working, start):
    words = " làm việc" if working else ""
    found = extract_relative_deadline(f"Trong thời hạn {days:02d} ngày{words} kể từ ngày {start} này.")
    assert (found.days, found.working_days) == (days, working)
    assert found.counted_from == ("signature" if start == "ký" else "receipt")


def test_a_dated_deadline_is_not_relative():
    assert extract_relative_deadline("Báo cáo trước ngày 15/12/2026.") is None


# --- lead and co-operating units -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead", "cooperating"),
    [
        (
            "Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ, Sở Văn hóa, Thể thao và Du lịch và Văn phòng UBND tỉnh "
            "tham mưu bố trí kinh phí.",
            "Sở Tài chính",
            ["Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch", "Văn phòng UBND tỉnh"],
        ),
        (
            "Giao cho Sở Nội vụ chủ trì, phối hợp chặt chẽ với Sở Tài chính xây dựng quy chế.",
            "Sở Nội vụ",
            ["Sở Tài chính"],
        ),
        (
            "UBND tỉnh giao Văn phòng UBND tỉnh chủ trì tổ chức hội nghị sơ kết.",
            "Văn phòng UBND tỉnh",
            [],
        ),
        (
            "Sở Nội vụ chủ trì, tham mưu UBND tỉnh tổ chức tổng kết phong trào.",
            "Sở Nội vụ",
            [],
        ),
        (
            "Sở Lao động - Thương binh và Xã hội có trách nhiệm chủ trì, phối hợp với Công an tỉnh và "
            "Bộ Chỉ huy Quân sự tỉnh triển khai.",
            "Sở Lao động - Thương binh và Xã hội",
            ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"],
        ),
        (
            "Giao Giám đốc Sở Khoa học và Công nghệ chủ trì, phối hợp với Báo Đắk Lắk, Đài Phát thanh và Truyền hình "
            "tỉnh tuyên truyền.",
            "Sở Khoa học và Công nghệ",
            ["Báo Đắk Lắk", "Đài Phát thanh và Truyền hình tỉnh"],
        ),
        ("Sở Nội vụ:\n- Hướng dẫn các đơn vị đăng ký thi đua.", "Sở Nội vụ", []),
        (
            "Ban Quản lý các Khu công nghiệp tỉnh chủ trì, phối hợp với Sở Xây dựng rà soát.",
            "Ban Quản lý các Khu công nghiệp tỉnh",
            ["Sở Xây dựng"],
        ),
        ("UBND tỉnh giao Sở Nội vụ tham mưu tổ chức hội nghị.", "Sở Nội vụ", []),
    ],
)
def test_lead_and_cooperating_units(text, lead, cooperating):
    found = extract_assignment(text)
    assert (found.lead, found.cooperating) == (lead, cooperating)


@pytest.mark.parametrize(
    "text",
    [
        "UBND các xã, phường chủ trì, phối hợp với các cơ quan liên quan tổ chức phát động.",
        "Các sở, ban, ngành chủ trì xây dựng kế hoạch của ngành.",
        "Ủy ban nhân dân các xã, phường, thị trấn chủ trì tổ chức thực hiện tại địa phương.",
        "Mỗi xã, phường lựa chọn từ 01 đến 02 chủ điểm thi đua.",
        "UBND cấp xã chủ trì tổ chức thực hiện.",
        "Giao UBND các xã, phường chủ trì triển khai tại địa phương.",
        "Tổ chức quán triệt đến toàn thể cán bộ, công chức.",
    ],
)
def test_an_ask_to_every_unit_of_a_kind_has_no_lead(text):
    assert extract_assignment(text).lead is None


# --- follow-up paragraphs, page furniture, line positions ------------------------------------

FOLLOW_UPS = [
    "Giao Sở Nội vụ (Ban Thi đua - Khen thưởng) theo dõi, đôn đốc, tổng hợp, báo cáo UBND tỉnh kết quả thực hiện.",
    "UBND tỉnh giao Sở Nội vụ theo dõi, đôn đốc các đơn vị thực hiện; tổng hợp, báo cáo UBND tỉnh.",
    "Sở Nội vụ có trách nhiệm theo dõi, đôn đốc, kiểm tra việc thực hiện Công văn này.",
    "Giao Văn phòng UBND tỉnh theo dõi, tổng hợp tình hình, báo cáo Chủ tịch UBND tỉnh.",
]


@pytest.mark.parametrize("closing", FOLLOW_UPS)
def test_closing_follow_up_is_its_own_ask_not_glued_to_the_last_item(closing):
    body = "1. Các sở xây dựng kế hoạch.\n\n2. Các xã báo cáo kết quả trước ngày 15/12/2026.\n\n" + closing + "\n"
    doc = parse_document(letter(body))
    assert [item.ordinal for item in doc.requirements] == ["1", "2", "Theo dõi"]
    assert doc.requirements[1].text == "Các xã báo cáo kết quả trước ngày 15/12/2026."
    follow_up = doc.requirements[2]
    assert follow_up.follow_up and follow_up.text == closing
    assert follow_up.lead_unit in ("Sở Nội vụ", "Văn phòng UBND tỉnh")


def test_a_closing_courtesy_paragraph_is_still_dropped():
    body = "1. Các sở xây dựng kế hoạch.\n\nTrong quá trình thực hiện, nếu có vướng mắc, báo cáo về Sở Nội vụ.\n"
    doc = parse_document(letter(body))
    assert [item.ordinal for item in doc.requirements] == ["1"]


@pytest.mark.parametrize(
    "noise",
    [
        "1\nUBND TỈNH ĐẮK LẮK - CÔNG VĂN 9215/UBND-NC",
        "- 2 -",
        "Trang 1/3",
        "2/3\nCông văn 9215/UBND-NC ngày 01/12/2026",
    ],
)
def test_page_numbers_and_running_headers_are_dropped(noise):
    body = (
        "1. Các sở, ban, ngành xây dựng kế hoạch hưởng ứng phong trào và gửi về\n"
        f"{noise}\n"
        "Sở Nội vụ trước ngày 15/12/2026.\n\n"
        "2. Các xã báo cáo kết quả.\n"
        f"{noise}\n"
        "3. Các sở báo cáo năm.\n"
    )
    doc = parse_document(letter(body))
    assert doc.requirements[0].text == (
        "Các sở, ban, ngành xây dựng kế hoạch hưởng ứng phong trào và gửi về Sở Nội vụ trước ngày 15/12/2026."
    )
    assert doc.requirements[1].text == "Các xã báo cáo kết quả."
    assert [item.ordinal for item in doc.requirements] == ["1", "2", "3"]


def test_each_requirement_and_header_field_says_which_line_it_came_from():
    text = letter("1. Các sở xây dựng kế hoạch.\n\n2. Các xã báo cáo.\n")
    lines = text.split("\n")
    doc = parse_document(text)
    assert lines[doc.requirements[1].line] == "2. Các xã báo cáo."
    assert lines[doc.source_lines["number"]].startswith("Số: 9215/UBND-NC")
    assert "ngày 01 tháng 12 năm 2026" in lines[doc.source_lines["date"]]
    assert lines[doc.signer.line] == "KT. CHỦ TỊCH"


# --- the signer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "name", "title"),
    [
        (SIGNATURE, "Nguyễn Thị Lan", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
        (
            "Nơi nhận:                                  TM. ỦY BAN NHÂN DÂN\n"
            "- Như trên;                                KT. CHỦ TỊCH\n"
            "- TT Tỉnh ủy (b/c);                        PHÓ CHỦ TỊCH\n"
            "- Lưu: VT, NC.\n"
            "                                           (Đã ký)\n\n"
            "                                           H' Yim Kđoh\n",
            "H' Yim Kđoh",
            "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        ),
        (  # the two columns flattened by a PDF export onto single-spaced lines
            "Nơi nhận: KT. GIÁM ĐỐC\n- Như trên; PHÓ GIÁM ĐỐC\n- Lưu: VT, TĐKT. Trần Văn Bình\n",
            "Trần Văn Bình",
            "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        ),
        (
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n\tLÊ VĂN HÙNG\n\nNơi nhận:\n- Như trên;\n",
            "Lê Văn Hùng",
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        ),
        (
            "Nơi nhận:\t\tKT. CHỦ TỊCH\n- Như trên;\t\tPHÓ CHỦ TỊCH\n- Lưu: VT.\n\t\t\n\t\tY Giang Gry Niê Knơng\n",
            "Y Giang Gry Niê Knơng",
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        ),
    ],
)
def test_signer_name_and_title_from_the_signature_block(signature, name, title):
    doc = parse_document(letter("1. Các sở xây dựng kế hoạch.\n", signature))
    assert (doc.signer.name, doc.signer.title) == (name, title)


def test_parse_directive_json_carries_every_new_field(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "letter.txt"
    path.write_text(
        letter(
            "1. Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ tham mưu; báo cáo trước ngày 20 hằng tháng.\n\n"
            "2. Trong thời hạn 10 ngày làm việc kể từ ngày nhận được văn bản này, các sở gửi kế hoạch.\n"
        ),
        encoding="utf-8",
    )
    import io

    out = io.StringIO()
    call_command("parse_directive", str(path), stdout=out)
    data = json.loads(out.getvalue())
    first, second = data["requirements"]
    assert first["recurrence"] == {"every": "monthly", "due": ["20"], "next_period": False, "text": "hằng tháng"}
    assert (first["lead_unit"], first["cooperating_units"]) == ("Sở Tài chính", ["Sở Nội vụ"])
    assert second["relative_deadline"]["days"] == 10 and second["relative_deadline"]["working_days"] is True
    assert data["signer"]["name"] == "Nguyễn Thị Lan"
    assert isinstance(first["line"], int)
