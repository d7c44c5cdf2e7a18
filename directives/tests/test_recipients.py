"""A letter written today goes to today's units: dissolved addressees are refused with their successors,
and changing the recipients after publication updates every count and notifies the new units."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import Notification, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import selectors, services
from directives.models import Directive, RequirementKind

from .test_views import form_post

MERGER = datetime.date(2025, 7, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(province):
    """Phước An town (dissolved 01/07/2025) and the commune that succeeds it."""
    town = province.krong_pac_town
    town.valid_to = MERGER
    town.save(update_fields=["valid_to"])
    successor = UnitFactory(
        code="DLK-XPA", name="Xã Phước An", kind=UnitKind.COMMUNE, parent=province.province, valid_from=MERGER
    )
    town.successors.add(successor)
    return town, successor


def _letter_data(province, unit_pks, today):
    return form_post(
        {
            "doc_type": "cong_van",
            "number": "123/UBND-VX",
            "issued_on": today.strftime("%d/%m/%Y"),
            "issuer": province.province.pk,
            "subject": "Triển khai nhiệm vụ năm 2026",
            "addressee_units": unit_pks,
            "addressee_text": "UBND xã Phước An",
            "body": "Nội dung giữ nguyên khi có lỗi.",
        },
        req_rows=[{"position": "1", "ordinal": "1", "kind": "report", "text": "Báo cáo kết quả.", "applies_to": []}],
    )


def test_adding_a_unit_dissolved_before_the_issue_date_is_refused_with_its_successors(
    province, merged, staff, client_for
):
    town, successor = merged
    today = timezone.localdate()
    response = client_for(staff).post(reverse("directives:create"), _letter_data(province, [town.pk], today))
    assert response.status_code == 200
    assert not Directive.objects.exists()
    body = response.content.decode()
    assert "Thị trấn Phước An không còn tồn tại vào ngày" in body and "Đơn vị kế thừa: Xã Phước An" in body
    assert "Nội dung giữ nguyên khi có lỗi." in body  # nothing typed is lost
    # The picker (static/js/unit-picker.js) enhances a plain select grouped by kind that says until
    # when a dissolved unit existed; without JavaScript the select itself is used.
    assert "data-unit-picker" in body and 'optgroup label="Xã, phường, thị trấn"' in body
    assert "Thị trấn Phước An — đến 01/07/2025" in body and "js/unit-picker.js" in body
    # The service refuses too (a second line of defence), and accepts the successor.
    fields = {"issuer": province.province, "issued_on": today, "subject": "Thử", "number": "1/UBND"}
    with pytest.raises(ValidationError) as caught:
        services.directive_create(user=staff, fields=fields, addressee_units=[town])
    assert "Xã Phước An" in str(caught.value)
    directive = services.directive_create(user=staff, fields=fields, addressee_units=[successor])
    assert list(directive.addressee_units.all()) == [successor]
    # A 2019 letter may still name the town: it existed then.
    old = {**fields, "issued_on": datetime.date(2019, 8, 27), "number": "2/UBND"}
    assert services.directive_create(user=staff, fields=old, addressee_units=[town])


def test_changing_recipients_after_publication_updates_counts_and_notifies(province, merged, staff):
    _town, successor = merged
    today = timezone.localdate()
    fields = {"issuer": province.province, "issued_on": today, "subject": "Thử", "number": "3/UBND"}
    rows = [{"ordinal": "1", "kind": RequirementKind.REPORT, "text": "Báo cáo.", "applies_to": ["commune"]}]
    directive = services.directive_create(user=staff, fields=fields, requirements=rows)
    directive = services.directive_publish(user=staff, directive=directive)
    requirement = directive.requirements.get()
    # Today's communes of the province: Ea Kly, Tân Lợi and the successor (Phước An town ended in 2025).
    assert selectors.requirement_compliance(requirements=[requirement])[requirement.pk]["owed"] == 3
    other_root = UnitFactory(code="PYN", name="Tỉnh Phú Yên", kind=UnitKind.PROVINCE)
    ward = UnitFactory(code="PYN-PTL", name="Phường Tân Lập", kind=UnitKind.COMMUNE, parent=other_root)
    services.directive_update(user=staff, directive=directive, fields=fields, addressee_units=[successor, ward])
    # Every count at once: the named ward now owes the report too.
    assert selectors.requirement_compliance(requirements=[requirement])[requirement.pk]["owed"] == 4
    assert Notification.objects.filter(unit=ward, url=reverse("directives:detail", args=[directive.pk])).exists()
    assert not Notification.objects.filter(unit=successor).exists()  # it already received the letter
    assert ward.pk in [row["unit"].pk for row in selectors.directive_receipt_rows(directive=directive)]
