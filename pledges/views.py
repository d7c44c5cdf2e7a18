"""Pages of the pledges app (filled in by issue 4)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


owed = submission_list = review_list = _todo
dissemination_create = dissemination_detail = plan_create = plan_detail = _todo
theme_create = difficult_field_create = commitment_detail = _todo
