"""The demo's Letter 7019: imported through the parser, published once, with the 2019 demo deadlines."""

import datetime
import io

from devtools.demo import directives as demo
from directives.models import Directive, DirectiveStatus, RequirementKind


def test_demo_seed_is_idempotent(province, staff):
    staff.username = demo.STAFF_USERNAME
    staff.save()
    for _ in range(2):
        demo.seed(stdout=io.StringIO())
    directive = Directive.objects.get(number="7019/UBND-TH")
    assert directive.status == DirectiveStatus.PUBLISHED and directive.campaign.milestones.count() == 2
    deadlines = dict(directive.requirements.values_list("kind", "deadline"))
    assert deadlines[RequirementKind.DISSEMINATION] == datetime.date(2019, 9, 30)
    assert deadlines[RequirementKind.EMULATION_PLAN] == datetime.date(2019, 10, 15)
    assert deadlines[RequirementKind.KEY_WORKS] == datetime.date(2019, 10, 31)
    assert directive.requirements.count() == 5
