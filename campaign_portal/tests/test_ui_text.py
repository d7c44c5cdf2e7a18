"""The UI speaks with one voice (docs/UI-TEXT.md): no banned variant in any template or catalogue."""

import pathlib
import re

import pytest
from django.conf import settings

ROOT = pathlib.Path(settings.BASE_DIR)
LETTER = r"[\wà-ỹÀ-Ỹ]"
# Old-style tone placement at the end of a word (hoà, xoá, huỷ), "Tỉ lệ", and "anh/chị".
BANNED = re.compile(
    rf"o[àáảãạ](?!{LETTER})|O[ÀÁẢÃẠ](?!{LETTER})|o[èéẻẽẹ](?!{LETTER})"
    rf"|(?<![qQ])u[ỳýỷỹỵ](?!{LETTER})|(?<![qQ])U[ỲÝỶỸỴ](?!{LETTER})"
    r"|[Tt]ỉ lệ|[Aa]nh/chị|[Aa]nh, chị"
)


def _files():
    templates = list((ROOT / "templates").rglob("*.html"))
    catalogues = [p for p in ROOT.glob("**/locale/*/LC_MESSAGES/*.po") if ".venv" not in p.parts]
    return templates + catalogues


def _banned_in(path):
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found.extend(f"{path.relative_to(ROOT)}:{number}: {m.group(0)}" for m in BANNED.finditer(line))
    return found


def test_the_scan_covers_templates_and_every_catalogue():
    files = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert "templates/base.html" in files and "locale/en/LC_MESSAGES/django.po" in files
    assert {"directives", "pledges", "projects", "reports"} <= {name.split("/")[0] for name in files}


@pytest.mark.parametrize("text", ["Huỷ", "Xoá bản nháp", "CỘNG HOÀ", "Tỉ lệ đạt", "phạm vi anh/chị", "Thuỷ lợi"])
def test_the_rule_catches_each_banned_variant(text):
    assert BANNED.search(text)


@pytest.mark.parametrize("text", ["Hủy", "Xóa bản nháp", "CỘNG HÒA", "Tỷ lệ đạt", "quý", "toàn tỉnh", "ngoài", "khuya"])
def test_the_rule_lets_the_house_spelling_through(text):
    assert not BANNED.search(text)


def test_no_template_or_catalogue_holds_a_banned_variant():
    found = [hit for path in _files() for hit in _banned_in(path)]
    assert found == []


def _english_pairs():
    pattern = re.compile(r'^msgid "(.+)"\nmsgstr "(.*)"$', re.MULTILINE)
    for path in ROOT.glob("**/locale/en/LC_MESSAGES/django.po"):
        if ".venv" not in path.parts:
            yield from pattern.findall(path.read_text(encoding="utf-8"))


def test_english_says_cancel_delete_and_share_the_same_way_everywhere():
    wrong = []
    for msgid, msgstr in _english_pairs():
        if not msgstr:
            continue
        if msgid == "Hủy" and msgstr != "Cancel":
            wrong.append((msgid, msgstr))
        if msgid.startswith("Xóa") and not re.search(r"(?i)delete|clear", msgstr):
            wrong.append((msgid, msgstr))
        if msgid.startswith("Tỷ lệ") and not re.search(r"(?i)share|%", msgstr):
            wrong.append((msgid, msgstr))
    assert wrong == []
