"""Deadline phrasings "hạn cuối" / "không muộn hơn" and "từ … tới …" quotas, alone and in a whole letter.

The letter below is written for today (01/12/2026) and addressed to today's units (no district level).
"""

import pytest

from directives.parsing import Quota, extract_deadlines, extract_quotas, parse_document


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("hạn cuối ngày 15/12/2026", "2026-12-15"),
        ("Hạn cuối: 15/12/2026", "2026-12-15"),
        ("gửi về Sở Nội vụ, hạn cuối là ngày 20 tháng 12 năm 2026", "2026-12-20"),
        ("báo cáo không muộn hơn ngày 25/12/2026", "2026-12-25"),
        ("hoàn thành không muộn hơn 31/12/2026.", "2026-12-31"),
    ],
)
def test_hạn_cuối_and_không_muộn_hơn_are_deadlines(text, deadline):
    assert extract_deadlines(text) == ([deadline], [])


def test_không_muộn_hơn_a_date_range_is_not_a_deadline():
    assert extract_deadlines("không muộn hơn 10/3/1975 - 10/3/2020") == ([], [])


@pytest.mark.parametrize(
    ("text", "quota"),
    [
        ("đăng ký từ 02 tới 03 công trình", Quota(2, 3, "từ 02 tới 03")),
        ("chọn từ 1 tới 2 lĩnh vực khó khăn", Quota(1, 2, "từ 1 tới 2")),
        ("Từ 01 tới 05 mô hình", Quota(1, 5, "Từ 01 tới 05")),
    ],
)
def test_từ_tới_is_a_quota(text, quota):
    assert extract_quotas(text) == [quota]


def test_từ_tới_between_dates_or_years_is_not_a_quota():
    assert extract_quotas("từ 2026 tới 2030") == []
    assert extract_quotas("từ 01/12/2026 tới 31/12/2026") == []


LETTER = """ỦY BAN NHÂN DÂN
TỈNH ĐẮK LẮK

Số: 412/UBND-TH
V/v đăng ký công trình chào mừng Đại hội thi đua yêu nước năm 2027

Đắk Lắk, ngày 01 tháng 12 năm 2026

Kính gửi:
- Các sở, ban, ngành của tỉnh;
- UBND các xã, phường.

Ủy ban nhân dân tỉnh đề nghị các đơn vị thực hiện một số nội dung sau:

1. Mỗi xã, phường đăng ký từ 01 tới 02 công trình trọng điểm, gửi về Sở Nội vụ hạn cuối ngày 15/12/2026.

2. Các sở, ban, ngành báo cáo kết quả không muộn hơn ngày 25/12/2026.

Nơi nhận:
- Như trên;
- Lưu: VT, TH.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
"""


def test_a_letter_of_today_with_these_phrasings():
    doc = parse_document(LETTER)
    items = {item.ordinal: item for item in doc.requirements}
    assert sorted(items) == ["1", "2"]
    assert items["1"].deadlines == ["2026-12-15"]
    assert items["1"].quotas == [Quota(1, 2, "từ 01 tới 02")]
    assert items["2"].deadlines == ["2026-12-25"]
    assert items["2"].quotas == []
