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


#                                  anon staff leader own foreign
MATRIX: dict[str, Rule] = {
    # Project
    "home": Rule("L A A A A"),
    "login": Rule("A A A A A"),
    "logout": Rule("M M M M M"),
    "password_change": Rule("L A A A A"),
    "password_change_done": Rule("L A A A A"),
    "healthz": Rule("A A A A A"),
    # Core
    "core:notifications": Rule("L A A A A"),
    "core:notifications_read_all": Rule("L M M M M"),
    "core:audit_log": Rule("L A D D D"),
    "core:unit_list": Rule("L A A A A"),
    # Pledges
    "pledges:owed": Rule("L D D A A"),
    "pledges:submission_list": Rule("L A A A A"),
    "pledges:review_list": Rule("L A D A A"),
    "pledges:dissemination_create": Rule("L D D A A", req(K.DISSEMINATION)),
    "pledges:dissemination_detail": Rule("L A A A D", obj("dissemination")),
    "pledges:emulation_plan_create": Rule("L D D A A", req(K.EMULATION_PLAN)),
    "pledges:emulation_plan_detail": Rule("L A A A D", obj("plan")),
    "pledges:breakthrough_theme_create": Rule("L D D A A", req(K.BREAKTHROUGH_THEME)),
    "pledges:difficult_field_create": Rule("L D D A A", req(K.DIFFICULT_FIELD)),
    "pledges:commitment_detail": Rule("L A A A D", obj("theme")),
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
    missing = sorted(set(urls) - set(MATRIX))
    assert not missing, (
        "These URL names have no entry in MATRIX (campaign_portal/tests/test_permission_matrix.py); "
        "add one saying who may open each:\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(MATRIX) - set(urls))
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
    for name in sorted(urls):
        rule = MATRIX.get(name)
        if rule is None:
            continue  # reported by test_every_named_url_has_an_entry
        url = url_for(name, rule, world)
        for role, expected in rule.expected().items():
            got = classify(by_role[role].get(url))
            if got != expected:
                problems.append(f"{name:45} {role:9} expected {expected}, got {got}  ({url})")
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
