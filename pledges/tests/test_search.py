"""The submission list's search ignores accents, case and the keyboard's Unicode form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pledges import services

pytestmark = pytest.mark.django_db

PLAN = {"title": "Kế hoạch thi đua", "document_number": "", "document_date": None, "content": ""}

TARGET = {"name": "Tỷ lệ hộ nghèo", "unit_of_measure": "%", "baseline": Decimal("5.2"), "target_value": Decimal("3.5")}


def test_search_ignores_accents_and_case(letter, officer_commune, client_for):
    from unicodedata import normalize

    title = normalize("NFD", "Giải phóng mặt bằng đường tỉnh 9")  # as some keyboards type it
    plan = services.commitment_create(
        user=officer_commune,
        requirement=letter.difficult,
        data={"field": "other", "title": title, "description": "", "expected_result": ""},
    )
    assert plan.title == normalize("NFC", title)
    client = client_for(officer_commune)
    for query in ("giai phong", "GIẢI PHÓNG", "duong tinh 9"):
        body = client.get(reverse("pledges:submission_list"), {"q": query}).content.decode()
        assert "Giải phóng mặt bằng" in body, query
    services.commitment_update(
        user=officer_commune,
        commitment=plan,
        expected_version=plan.version,
        data={"field": "other", "title": "Đền bù tái định cư", "description": "", "expected_result": ""},
    )
    assert "Đền bù" in client.get(reverse("pledges:submission_list"), {"q": "den bu"}).content.decode()
    assert "Đền bù" not in client.get(reverse("pledges:submission_list"), {"q": "giai phong"}).content.decode()
