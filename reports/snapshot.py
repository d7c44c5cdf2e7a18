"""Frozen snapshots: the data of one report at its cut-off date, stored as canonical JSON.

A document is rendered from the snapshot only, so rebuilding it later gives the same figures; the
SHA-256 of the canonical JSON is printed in the document.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings

from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from directives import registry
from directives.models import Campaign, Directive, DirectiveStatus, RequirementKind

from . import compliance
from .models import ReportKind

SNAPSHOT_VERSION = 1


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def snapshot_sha256(data) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def resolve_source(parameters: dict):
    """(campaign, directive) named by a report's parameters; either may be None."""
    campaign = directive = None
    if parameters.get("directive"):
        directive = Directive.objects.select_related("campaign", "issuer").filter(pk=parameters["directive"]).first()
    if parameters.get("campaign"):
        campaign = Campaign.objects.filter(pk=parameters["campaign"]).first()
    elif directive is not None:
        campaign = directive.campaign
    return campaign, directive


def _references(campaign, directive) -> list[dict]:
    if directive is not None:
        directives = [directive]
    elif campaign is not None:
        directives = list(
            Directive.objects.filter(campaign=campaign, status=DirectiveStatus.PUBLISHED).order_by("issued_on", "id")
        )
    else:
        directives = []
    return [
        {
            "id": d.pk,
            "doc_type": d.doc_type,
            "number": d.number,
            "issued_on": _iso(d.issued_on),
            "subject": d.subject,
            "issuer_name": d.issuer_name,
        }
        for d in directives
    ]


def _unit(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "path": unit.path,
    }


def key_works_data(*, unit_ids=None, requirement_ids=None, cutoff: datetime.date) -> list[dict]:
    """Key works for the snapshot, read through the kind's descriptor (directives.registry), not the app."""
    entry = registry.get_kind("key_works")
    hook = entry.load("report_data") if entry else None
    return hook(unit_ids=unit_ids, requirement_ids=requirement_ids, cutoff=cutoff) if hook else []


THEME_KINDS = (RequirementKind.BREAKTHROUGH_THEME, RequirementKind.DIFFICULT_FIELD)


def themes_data(*, unit_ids=None, requirement_ids=None) -> list[dict]:
    """Breakthrough themes and difficult fields the units committed to (pledges app, via the registry)."""
    rows = []
    for kind in THEME_KINDS:
        entry = registry.get_kind(kind)
        if entry is None:
            continue
        qs = entry.queryset().exclude(status__in=[ReviewStatus.WITHDRAWN, ReviewStatus.DRAFT]).select_related("unit")
        if unit_ids is not None:
            qs = qs.filter(unit_id__in=list(unit_ids))
        if requirement_ids is not None:
            qs = qs.filter(requirement_id__in=list(requirement_ids))
        for item in qs.order_by("unit__path", "pk"):
            rows.append(
                {
                    "id": item.pk,
                    "kind": kind,
                    "unit_id": item.unit_id,
                    "unit_name": item.unit.name,
                    "title": str(getattr(item, entry.title_field, "") or ""),
                    "status": item.status,
                }
            )
    return rows


def build(*, kind: str, parameters: dict, scope_unit: Unit, cutoff: datetime.date) -> dict:
    """Compute the report's data once; the result is plain JSON (no floats, dates as ISO strings)."""
    if kind == ReportKind.EMULATION_MEMO:
        from .emulation_memo import build_snapshot  # local import: emulation_memo imports this module

        return build_snapshot(parameters=parameters, cutoff=cutoff)
    campaign, directive = resolve_source(parameters)
    if campaign is None and directive is None:
        raise ValueError("no campaign or directive")
    requirements = compliance.published_requirements(directive=directive, campaign=None if directive else campaign)
    if kind == ReportKind.UNIT_REPORT:
        unit_ids = [scope_unit.pk]
    elif scope_unit.kind == UnitKind.PROVINCE:
        unit_ids = None
    else:
        unit_ids = list(Unit.objects.under(scope_unit).values_list("pk", flat=True))
    result = compliance.compute(requirements=requirements, as_of=cutoff, unit_ids=unit_ids)
    requirement_ids = [r.pk for r in requirements]
    data = {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "cutoff": cutoff.isoformat(),
        "province": settings.PORTAL_PROVINCE_NAME,
        "scope": _unit(scope_unit),
        "campaign": {
            "id": campaign.pk,
            "name": campaign.name,
            "starts_on": _iso(campaign.starts_on),
            "ends_on": _iso(campaign.ends_on),
        }
        if campaign
        else None,
        "milestones": [{"name": m.name, "date": _iso(m.date)} for m in (campaign.milestones.all() if campaign else [])],
        "references": _references(campaign, directive),
        "compliance": result.to_snapshot(),
        "key_works": key_works_data(unit_ids=unit_ids, requirement_ids=requirement_ids, cutoff=cutoff),
        "themes": themes_data(unit_ids=unit_ids, requirement_ids=requirement_ids),
    }
    # Round-trip through JSON so what is hashed is exactly what is stored.
    return json.loads(canonical_json(data))
