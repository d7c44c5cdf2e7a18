"""Which requirements a unit owes: the directives app's rule, read through its selectors."""

from directives.models import DirectiveStatus, Requirement, RequirementKind
from directives.selectors import requirement_unit_map


def requirement_applies_to_unit(requirement: Requirement, unit) -> bool:
    return unit.pk in requirement_unit_map([requirement]).get(requirement.pk, [])


def requirements_owed_by(unit) -> list[Requirement]:
    """Every requirement of every published directive that `unit` owes (a fixed number of queries)."""
    candidates = [
        requirement
        for requirement in Requirement.objects.filter(directive__status=DirectiveStatus.PUBLISHED)
        .select_related("directive")
        .order_by("-directive__issued_on", "directive_id", "position", "id")
        if unit.kind in (requirement.applies_to or [])
    ]
    unit_map = requirement_unit_map(candidates)
    return [requirement for requirement in candidates if unit.pk in unit_map.get(requirement.pk, [])]


def quota_bounds(requirement: Requirement) -> tuple[int | None, int | None]:
    """(min, max) for one unit: a plan or a dissemination record is one per unit unless the data says otherwise."""
    maximum = requirement.quota_max
    if maximum is None and requirement.kind in (RequirementKind.DISSEMINATION, RequirementKind.EMULATION_PLAN):
        maximum = 1
    return requirement.quota_min, maximum
