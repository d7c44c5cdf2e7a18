"""Every named URL × every role, from the URL configuration itself.

The table below says, for each URL name, what each role gets on GET. A named URL that is not in the
table fails the test: whoever adds a URL must decide who may open it.

Codes, in the order anonymous / staff / leader / officer of the owning unit / officer of another unit:
  A  allowed (2xx, or a redirect that is not to the login page)
  D  denied (403, or 404 "not found" for objects the user may not see)
  L  redirected to the login page (anonymous only)
  M  405: GET is not allowed (POST-only views)
Objects in URL arguments are owned by Krông Pắc (officer_kp = "own"); "foreign" is the Buôn Ma Thuột
officer, a district of the same kind.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from directives.models import RequirementKind as K

ROLES = ("anonymous", "staff", "leader", "own", "foreign")

# URL names (or namespaces) left out, and why.
SKIPPED = {
    "admin": "Django admin: its own permission system (is_staff + model permissions), covered by Django",
    "javascript-catalog": "public translation catalogue for static JS; holds no data",
    "set_language": "POST-only language switch, public by design; covered by the CSRF test",
}


@dataclass(frozen=True)
class Rule:
    codes: str  # five letters, see the module docstring
    kwargs: Callable | None = None  # world → URL kwargs

    def expected(self) -> dict:
        letters = self.codes.split()
        assert len(letters) == len(ROLES), self.codes
        return dict(zip(ROLES, letters, strict=True))


def req(kind):
    return lambda w: {"requirement_pk": w.req(kind)}


def obj(name, arg="pk"):
    return lambda w: {arg: w.pk(name)}


def directive(w):
    return {"pk": w.directive.pk}


def draft_directive(w):
    return {"pk": w.draft_directive.pk}


def kw(**names):
    """kw(pk="plan", slug="ke-hoach") → world → {"pk": <plan's pk>, "slug": "ke-hoach"}; literal when quoted."""

    def build(w):
        out = {}
        for arg, value in names.items():
            out[arg] = value[1:] if value.startswith("=") else w.pk(value)
        return out

    return build


#                                  anon staff leader own foreign
MATRIX: dict[str, Rule] = {
    # Project
    "home": Rule("L A A A A"),
    "login": Rule("A A A A A"),
    "logout": Rule("M M M M M"),
    "password_change": Rule("L A A A A"),
    "password_change_done": Rule("L A A A A"),
    "healthz": Rule("A A A A A"),
    "favicon": Rule("A A A A A"),  # a redirect to the hashed static file, for everyone
    # Core
    "core:notifications": Rule("L A A A A"),
    "core:notifications_read_all": Rule("L M M M M"),
    "core:audit_log": Rule("L A D D D"),
    "core:unit_list": Rule("L A A A A"),
    # Directives: staff write; every addressed unit reads a published directive; drafts are staff-only.
    "directives:list": Rule("L A A A A"),
    "directives:inbox": Rule("L D D A A"),
    "directives:create": Rule("L A D D D"),
    "directives:import": Rule("L A D D D"),
    "directives:requirement_row": Rule("L A D D D"),
    "directives:detail": Rule("L A A A A", directive),
    "directives:detail@draft": Rule("L A D D D", draft_directive),
    "directives:edit": Rule("L A D D D", directive),
    "directives:preview": Rule("L A D D D", directive),
    "directives:preview@draft": Rule("L A D D D", draft_directive),
    "directives:publish": Rule("L M M M M", directive),
    "directives:withdraw": Rule("L A D D D", directive),
    "directives:receipt_confirm": Rule("L M M M M", directive),
    "directives:attachment_add": Rule("L M M M M", directive),
    "directives:attachment_download": Rule(
        "L A A A A", lambda w: {"pk": w.directive.pk, "attachment_pk": w.pk("directive_attachment")}
    ),
    "directives:revisions": Rule("L A A A A", directive),
    "directives:campaign_list": Rule("L A A A A"),
    "directives:campaign_create": Rule("L A D D D"),
    "directives:campaign_detail": Rule("L A A A A", kw(pk="campaign")),
    "directives:campaign_edit": Rule("L A D D D", kw(pk="campaign")),
    "directives:milestone_delete": Rule("L M M M M", kw(pk="campaign", milestone_pk="milestone")),
    # Pledges: the unit files and edits; staff and leaders read submitted records; drafts stay with the unit.
    "pledges:owed": Rule("L A A A A"),  # staff and leaders read any unit's page (read-only)
    "pledges:submission_list": Rule("L A A A A"),
    "pledges:review_list": Rule("L A D A A"),
    "pledges:dissemination_create": Rule("L D D A A", req(K.DISSEMINATION)),
    "pledges:dissemination_detail": Rule("L A A A D", obj("dissemination")),
    "pledges:dissemination_edit": Rule("L D D A D", obj("dissemination")),
    "pledges:emulation_plan_create": Rule("L D D A A", req(K.EMULATION_PLAN)),
    "pledges:emulation_plan_detail": Rule("L A A A D", obj("plan")),
    "pledges:emulation_plan_detail@draft": Rule("L D D A D", obj("draft_plan")),
    "pledges:emulation_plan_edit": Rule("L D D A D", obj("plan")),
    "pledges:breakthrough_theme_create": Rule("L D D A A", req(K.BREAKTHROUGH_THEME)),
    "pledges:difficult_field_create": Rule("L D D A A", req(K.DIFFICULT_FIELD)),
    "pledges:commitment_detail": Rule("L A A A D", obj("theme")),
    "pledges:commitment_edit": Rule("L D D A D", obj("theme")),
    "pledges:target_row": Rule("L M M M M"),
    "pledges:targets_template": Rule("L A A A A"),
    "pledges:targets_import": Rule("L D D A D", kw(slug="=ke-hoach", pk="plan")),
    "pledges:progress_add": Rule("L D D A D", obj("target")),
    "pledges:evidence_download": Rule("L A A A D", obj("target_progress")),
    "pledges:attachment_download": Rule("L A A A D", obj("pledges_attachment")),
    "pledges:attachment_delete": Rule("L M M M M", obj("pledges_attachment")),
    "pledges:attachment_upload": Rule("L M M M M", kw(slug="=quan-triet", pk="dissemination")),
    "pledges:transition": Rule("L M M M M", kw(slug="=ke-hoach", pk="plan")),
    "pledges:delete": Rule("L D D A D", kw(slug="=ke-hoach", pk="draft_plan")),
    # Projects (key works): districts register theirs; staff approve; everyone with a role reads the table.
    "projects:list": Rule("L A A A A"),
    "projects:export": Rule("L A A A A"),
    "projects:import": Rule("L D D A A"),
    "projects:create": Rule("L D D A A", req(K.KEY_WORKS)),
    "projects:detail": Rule("L A A A D", obj("key_work")),
    "projects:edit": Rule("L D D A D", obj("key_work")),
    "projects:progress": Rule("L D D A D", obj("key_work")),
    "projects:transition": Rule("L M M M M", obj("key_work")),
    "projects:set_status": Rule("L M M M M", obj("key_work")),
    "projects:photo": Rule("L A A A D", obj("photo")),
    "projects:thumbnail": Rule("L A A A D", obj("photo")),
    # Reports: leaders and staff; a unit sees its own page; province reports are not for officers.
    "reports:dashboard": Rule("L A A D D"),
    "reports:matrix": Rule("L A A D D"),
    "reports:review_queue": Rule("L A A A A"),
    "reports:list": Rule("L A A A A"),
    "reports:unit": Rule("L A A A D", lambda w: {"pk": w.province.krong_pac.pk}),
    "reports:detail": Rule("L A A D D", obj("report")),
    "reports:detail@unit_report": Rule("L A A A D", obj("unit_report")),
    "reports:status": Rule("L A A D D", obj("report")),
    "reports:download": Rule("L A A D D", obj("report")),
    "reports:download@unit_report": Rule("L A A A D", obj("unit_report")),
    "reports:rerun": Rule("L M M M M", obj("report")),
}


def named_urls() -> dict[str, set[str]]:
    """Every named URL of the project → the names of its arguments, skipping SKIPPED."""
    found: dict[str, set[str]] = {}

    def walk(patterns, namespace, params):
        for entry in patterns:
            names = params | set(entry.pattern.converters) | set(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                if ns in SKIPPED:
                    continue
                walk(entry.url_patterns, [*namespace, ns] if ns else namespace, names)
            elif isinstance(entry, URLPattern) and entry.name:
                full = ":".join([*namespace, entry.name])
                if full not in SKIPPED:
                    found[full] = names

    walk(get_resolver().url_patterns, [], set())
    return found


def test_every_named_url_has_an_entry():
    urls = named_urls()
    covered = {key.split("@")[0] for key in MATRIX}
    missing = sorted(set(urls) - covered)
    assert not missing, (
        "These URL names have no entry in MATRIX (campaign_portal/tests/test_permission_matrix.py); "
        "add one saying who may open each:\n  " + "\n  ".join(missing)
    )
    stale = sorted(covered - set(urls))
    assert not stale, f"MATRIX has entries for URLs that no longer exist: {stale}"


def test_walker_finds_the_apps_and_skips_admin():
    urls = named_urls()
    assert "home" in urls and "core:unit_list" in urls
    assert not any(name.startswith("admin:") for name in urls)


def classify(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        return "L" if response.url.startswith(reverse("login")) else "A"
    if 200 <= code < 300:
        return "A"
    if code in (403, 404):
        return "D"
    if code == 405:
        return "M"
    return f"HTTP {code}"


def clients(world) -> dict[str, Client]:
    users = {"staff": world.staff, "leader": world.leader, "own": world.officer_kp, "foreign": world.officer_bmt}
    result = {"anonymous": Client()}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        result[role] = client
    return result


def url_for(name, rule, world):
    kwargs = rule.kwargs(world) if rule.kwargs else {}
    return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
def test_permission_matrix(world):
    """GET every URL as every role; collect all differences, then fail once with the whole list."""
    urls = named_urls()
    by_role = clients(world)
    problems = []
    for key, rule in sorted(MATRIX.items()):
        name = key.split("@")[0]
        if name not in urls:
            continue  # reported by test_every_named_url_has_an_entry
        url = url_for(name, rule, world)
        for role, expected in rule.expected().items():
            got = classify(by_role[role].get(url))
            if got != expected:
                problems.append(f"{key:45} {role:9} expected {expected}, got {got}  ({url})")
    assert not problems, "Permission matrix differences:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_no_url_accepts_a_post_without_csrf_token(world):
    """Every state-changing view is CSRF-protected: a POST without a token is refused (403) for everyone."""
    problems = []
    users = {
        "anonymous": None,
        "staff": world.staff,
        "leader": world.leader,
        "own": world.officer_kp,
        "foreign": world.officer_bmt,
    }
    names = [*sorted(named_urls()), "set_language"]
    for role, user in users.items():
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        for name in names:
            rule = MATRIX.get(name, Rule("A A A A A"))
            url = url_for(name, rule, world)
            response = client.post(url, {"title": "x", "language": "en"})
            if response.status_code != 403:
                problems.append(f"{name:45} {role:9} POST without token → {response.status_code}")
    assert not problems, "Views accepting a POST without a CSRF token:\n" + "\n".join(problems)


# Lists every role may open must still show each role only what it may read.
LIST_PAGES = [
    "pledges:submission_list",
    "pledges:review_list",
    "projects:list",
    "reports:review_queue",
    "reports:list",
    "core:notifications",
    "directives:inbox",
]


@pytest.mark.django_db
def test_lists_do_not_show_another_units_records(world):
    """The Buôn Ma Thuột officer opens every list: nothing filed by Krông Pắc appears in it."""
    client = Client()
    client.force_login(world.officer_bmt)
    secrets_ = [
        str(getattr(world.objects[name], field))
        for name, field in (
            ("dissemination", "title"),
            ("plan", "title"),
            ("theme", "title"),
            ("difficult_field", "title"),
            ("key_work", "name"),
            ("draft_plan", "title"),
        )
        if name in world.objects
    ]
    assert secrets_
    leaks = []
    for name in LIST_PAGES:
        if name not in named_urls():
            continue
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        leaks += [f"{name}: {text!r}" for text in secrets_ if text in body]
    assert not leaks, "Krông Pắc's records shown to Buôn Ma Thuột:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_key_work_export_is_scoped(world):
    from io import BytesIO

    from openpyxl import load_workbook

    client = Client()
    client.force_login(world.officer_bmt)
    response = client.get(reverse("projects:export"))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None}
    assert world.objects["key_work"].name not in cells


@pytest.mark.django_db
def test_admin_is_for_administrators_only(world):
    """The admin is left out of the matrix (its own permission system) but no portal role reaches it."""
    for user in (world.staff, world.leader, world.officer_kp):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "login" in response.url, user.username
