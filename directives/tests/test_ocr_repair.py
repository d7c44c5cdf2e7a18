"""Repairs of OCR'd lines before parsing: joined symbols, restored accents, noise and page furniture dropped."""

from directives.ocr import lines_from_tsv
from directives.ocr_repair import Line, repair, repaired_text


def lines(*texts, page=1, conf=95.0):
    return [Line(text, page, (0.1, 0.15 + i * 0.03, 0.9, 0.17 + i * 0.03), conf) for i, text in enumerate(texts)]


def test_a_symbol_cut_at_the_line_end_is_joined_and_the_rest_kept():
    out = repair(lines("Thực hiện Kế hoạch số 126-KH/", "TU ngày 31/7/2019 của Tỉnh ủy,", "Số: 7019/UBND-", "TH"))
    assert [line.text for line in out] == [
        "Thực hiện Kế hoạch số 126-KH/TU",
        "ngày 31/7/2019 của Tỉnh ủy,",
        "Số: 7019/UBND-TH",
    ]
    assert out[0].fixed and out[2].fixed


def test_a_space_inside_a_symbol_is_closed_but_words_are_not_glued():
    out = repair(lines("Kế hoạch số 126-KH/ TU ngày 31/7/2019", "V/v triển khai", "Độc lập -", "Tự do - Hạnh phúc"))
    assert out[0].text == "Kế hoạch số 126-KH/TU ngày 31/7/2019"
    assert out[1].text == "V/v triển khai" and out[2].text.startswith("Độc lập") and out[3].text.startswith("Tự do")


def test_accents_of_the_fixed_phrases_are_restored_in_their_case():
    out = repair(
        lines(
            "UY BAN NHAN DAN",
            "TINH DAK LAK",
            "CONG HOA XA HOI CHU NGHIA VIET NAM",
            "Doc lap - Tu do - Hanh phuc",
            "So: 15/BC-UBND",
            "Dak Lak, ngay 01 thang 12 nam 2026",
            "Kinh gui: Uy ban nhân dân các xã, phường",
        ),
        extra_phrases={"Đắk Lắk"},
    )
    assert repaired_text(out).split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH ĐẮK LẮK",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-UBND",
        "Đắk Lắk, ngày 01 tháng 12 năm 2026",
        "Kính gửi: Ủy ban nhân dân các xã, phường",
    ]


def test_ordinary_words_are_left_alone():
    text = "tinh thần trách nhiệm, xã hội hóa; sở dĩ"
    assert repair(lines(text))[0].text == text


def test_stamp_signature_noise_page_numbers_and_running_headers_are_dropped():
    page1 = lines("ỦY BAN NHÂN DÂN", "1. Tổ chức quán triệt.", page=1)
    page2 = [
        Line("UBND TỈNH ĐẮK LẮK - CÔNG VĂN 7019", 2, (0.1, 0.03, 0.9, 0.05), 90),
        Line("2. Báo cáo kết quả.", 2, (0.1, 0.2, 0.9, 0.22), 95),
        Line("“~ .- ° ’ ,", 2, (0.5, 0.7, 0.7, 0.75), 20),
        Line("Jfwz", 2, (0.5, 0.8, 0.6, 0.82), 25),
        Line("- 2 -", 2, (0.45, 0.95, 0.55, 0.97), 90),
    ]
    page3 = [
        Line("UBND TỈNH ĐẮK LẮK - CÔNG VĂN 7019", 3, (0.1, 0.03, 0.9, 0.05), 90),
        Line("3. Lưu hồ sơ.", 3, (0.1, 0.2, 0.9, 0.22), 95),
        Line("3", 3, (0.48, 0.95, 0.52, 0.97), 90),
    ]
    out = repair(page1 + page2 + page3)
    assert [line.text for line in out] == [
        "ỦY BAN NHÂN DÂN",
        "1. Tổ chức quán triệt.",
        "2. Báo cáo kết quả.",
        "3. Lưu hồ sơ.",
    ]


def test_tesseract_tsv_words_become_lines_with_boxes_and_confidences():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t100\t200\t80\t30\t96.5\tSố:\n"
        "5\t1\t1\t1\t1\t2\t190\t200\t200\t30\t61.0\t7019/UBND-TH\n"
        "5\t1\t1\t1\t2\t1\t100\t250\t90\t30\t90\tKính\n"
        "4\t1\t1\t1\t3\t0\t100\t300\t90\t30\t-1\t\n"
    )
    out = lines_from_tsv(tsv, page=1, size=(1000, 2000))
    assert [line.text for line in out] == ["Số: 7019/UBND-TH", "Kính"]
    assert out[0].box == (0.1, 0.1, 0.39, 0.115) and out[0].conf == 78.8


def test_a_tilted_page_is_straightened():
    from PIL import Image, ImageDraw

    from directives.ocr import deskew, skew_angle

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for row in range(40):
        draw.rectangle([120, 150 + row * 38, 1100 - (row % 3) * 150, 170 + row * 38], fill=0)  # lines of "text"
    tilted = page.rotate(1.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert abs(skew_angle(tilted) + 1.5) <= 0.25
    assert abs(skew_angle(deskew(tilted))) <= 0.25
    assert deskew(page) is page  # an upright page is left as it is
