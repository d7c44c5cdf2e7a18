import datetime
import io

import pytest

from campaign_portal.core.models import Role
from campaign_portal.core.tests.factories import make_user
from devtools.demo import projects as demo
from projects.models import KeyWork, ProgressPhoto, ThumbnailStatus
from projects.tests.factories import MilestoneFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_seed_is_idempotent(province, requirement, campaign, django_capture_on_commit_callbacks):
    MilestoneFactory(campaign=campaign)
    MilestoneFactory(campaign=campaign, name="45 năm Chiến thắng Buôn Ma Thuột", date=datetime.date(2020, 3, 10))
    make_user(unit=province.dept_home_affairs, role=Role.STAFF, username="canbo.tinh")
    make_user(unit=province.krong_pac, username="krongpac")
    make_user(unit=province.bmt, username="buonmathuot")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=out)
    demo.seed(stdout=out)
    kp = KeyWork.objects.filter(unit=province.krong_pac)
    assert sorted(kp.values_list("kind", flat=True)) == ["groundbreaking", "inauguration"]
    assert {w.milestone.date for w in kp} == {datetime.date(2020, 11, 23)}
    assert KeyWork.objects.filter(unit=province.bmt).count() == 1
    assert ProgressPhoto.objects.filter(thumbnail_status=ThumbnailStatus.READY).count() == 2
    assert "3 key works added" in out.getvalue() and "0 key works added" in out.getvalue()
    # Dated like the rest of the demo (2019), not the day it was seeded: nobody waits "2 600 days" in the queue.
    assert {w.submitted_at.date() for w in KeyWork.objects.all()} == {demo.SUBMITTED_ON}


def test_seed_skips_without_letter(db):
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "skipped" in out.getvalue()
