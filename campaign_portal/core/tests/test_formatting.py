import datetime

from django.template import Context, Template

from campaign_portal.core.formatting import format_number, format_vnd, place_date_line
from campaign_portal.core.text import cut_at_word, fold, nfc


def test_money_uses_dot_thousands_and_dong_sign():
    assert format_vnd(12_500_000_000) == "12.500.000.000 đ"
    assert format_vnd(0) == "0 đ"
    assert format_vnd(None) == ""


def test_numbers_use_comma_decimals():
    assert format_number(1234.5) == "1.234,5"
    assert format_number(80) == "80"


def test_whole_numbers_keep_their_zeros():
    assert format_number(10, 0) == "10"
    assert format_number(0, 0) == "0"
    assert format_number(1200, 0) == "1.200"
    assert format_number(100, 2) == "100"


def test_a_briefing_shows_its_attendees_as_typed():
    from django.template import Context, Template

    assert Template("{% load portal %}{{ n|vnumber:0 }}").render(Context({"n": 120})) == "120"


def test_place_date_line_pads_days_under_10_and_january_february():
    assert place_date_line("Đắk Lắk", datetime.date(2020, 1, 5)) == "Đắk Lắk, ngày 05 tháng 01 năm 2020"
    assert place_date_line("Đắk Lắk", datetime.date(2019, 8, 27)) == "Đắk Lắk, ngày 27 tháng 8 năm 2019"


def test_fold_ignores_accents_case_and_d_stroke():
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Công trình  TRỌNG ĐIỂM") == "cong trinh trong diem"
    decomposed = "Đắk Lắk".encode().decode()
    import unicodedata

    assert fold(unicodedata.normalize("NFD", decomposed)) == "dak lak"
    assert nfc(unicodedata.normalize("NFD", "Ủy ban")) == "Ủy ban"


def test_time_since_reads_in_vietnamese():
    from django.utils import timezone, translation
    from django.utils.timesince import timesince

    with translation.override("vi"):
        text = timesince(timezone.now() - datetime.timedelta(days=400))
    assert text == "1\xa0năm, 1\xa0tháng"


def test_titles_in_pages_are_cut_at_a_word_never_mid_word():
    title = "Tổ chức lễ khởi công công trình chào mừng kỷ niệm 120 năm thành lập tỉnh"
    assert cut_at_word(title, 30) == "Tổ chức lễ khởi công công…"
    assert cut_at_word(title, 200) == title
    rendered = Template("{% load portal %}{{ t|cut:20 }}").render(Context({"t": title}))
    assert rendered == "Tổ chức lễ khởi…" and len(rendered) <= 20
