"""Posting a record's form: twice is one record, and errors are summed up at the top."""

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PLAN = {"title": "Kế hoạch thi đua", "document_number": "", "document_date": None, "content": ""}

TARGET = {"name": "Tỷ lệ hộ nghèo", "unit_of_measure": "%", "baseline": Decimal("5.2"), "target_value": Decimal("3.5")}


def _theme_post(requirement, token, title="Chủ điểm cải cách hành chính"):
    return {
        "field": "administrative_reform",
        "title": title,
        "form_token": token,
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-name": "",
    }


def test_new_record_form_posted_twice_creates_one_record(letter, officer_commune, client_for):
    """Back button then “Save” again (or a second click) shows the saved record instead of a copy."""
    from pledges.models import Commitment

    client = client_for(officer_commune)
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    body = client.get(url).content.decode()
    token = body.split('name="form_token" value="')[1][:32]
    first = client.post(url, _theme_post(letter.theme, token))
    assert first.status_code == 302
    again = client.post(url, _theme_post(letter.theme, token), follow=True)
    assert again.redirect_chain[-1][0] == first.url
    assert "không tạo thêm bản trùng" in again.content.decode()
    assert Commitment.objects.count() == 1
    # A fresh form (new token) still files a second record, and a forged token is just ignored.
    client.post(url, _theme_post(letter.theme, "0" * 32, title="Chủ điểm thứ hai"))
    client.post(url, _theme_post(letter.theme, "<not a token>", title="Chủ điểm thứ ba"))
    assert Commitment.objects.count() == 2  # the third is refused by the quota of 2


def test_form_with_errors_says_so_at_the_top(letter, officer_commune, client_for):
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    data = _theme_post(letter.theme, "1" * 32, title="")
    body = client_for(officer_commune).post(url, data).content.decode()
    assert "Chưa lưu được: có lỗi cần sửa" in body and 'href="#id_title"' in body  # the one error summary
    assert body.index("Chưa lưu được:") < body.index('name="title"')
