"""Every named URL × every role, from the URL configuration itself.

The table below says, for each URL name, what each role gets on GET. A named URL that is not in the
table fails the test: whoever adds a URL must decide who may open it.

Codes, in the order anonymous / staff / leader / officer of the owning unit / officer of another unit:
  A  allowed: GET answered 2xx; POST (POST_MATRIX) did what it is for (its effect is checked)
  R  redirected elsewhere than the login page without doing it (e.g. "not editable → its detail page")
  D  denied (403, or 404 "not found" for objects the user may not see)
  L  redirected to the login page (anonymous only)
  M  405: GET is not allowed (POST-only views, whose POST is in POST_MATRIX)
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
    "home": Rule("L R R R R"),  # each role is sent on to its own landing page
    "login": Rule("A R R R R"),  # already logged in: sent on
    "logout": Rule("M M M M M"),
    "password_change": Rule("L A A A A"),
    "password_change_done": Rule("L A A A A"),
    "healthz": Rule("A A A A A"),
    "readyz": Rule("A A A A A"),  # public: a load balancer calls it; it names checks, never errors
    "favicon": Rule("R R R R R"),  # a redirect to the hashed static file, for everyone
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
    "directives:import_progress": Rule("L A D D D", draft_directive),
    "directives:import_status": Rule("L A D D D", draft_directive),
    "directives:import_page_image": Rule("L A D D D", lambda w: {"pk": w.draft_directive.pk, "number": 1}),
    "directives:preview": Rule("L A D D D", directive),
    "directives:preview@draft": Rule("L A D D D", draft_directive),
    "directives:publish": Rule("L R D D D", directive),  # already published: back to its page (staff)
    # GET on a draft: the confirmation listing the recipients (staff only)
    "directives:publish@draft": Rule("L A D D D", draft_directive),
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
    "pledges:dissemination_edit": Rule("L D D A D", obj("draft_dissemination")),
    "pledges:dissemination_edit@submitted": Rule("L D D R D", obj("dissemination")),
    "pledges:emulation_plan_create": Rule("L D D A A", req(K.EMULATION_PLAN)),
    "pledges:emulation_plan_detail": Rule("L A A A D", obj("plan")),
    "pledges:emulation_plan_detail@draft": Rule("L D D A D", obj("draft_plan")),
    "pledges:emulation_plan_edit": Rule("L D D A D", obj("draft_plan")),
    "pledges:emulation_plan_edit@submitted": Rule("L D D R D", obj("plan")),
    "pledges:breakthrough_theme_create": Rule("L D D A A", req(K.BREAKTHROUGH_THEME)),
    "pledges:difficult_field_create": Rule("L D D A A", req(K.DIFFICULT_FIELD)),
    "pledges:result_report_create": Rule("L D D A A", req(K.REPORT)),
    "pledges:result_report_detail": Rule("L A A A D", obj("result_report")),
    "pledges:result_report_edit": Rule("L D D A D", obj("draft_result_report")),
    "pledges:result_report_edit@submitted": Rule("L D D R D", obj("result_report")),
    "pledges:commitment_detail": Rule("L A A A D", obj("theme")),
    "pledges:commitment_edit": Rule("L D D A D", obj("draft_theme")),
    "pledges:commitment_edit@difficult_field": Rule("L D D A D", obj("draft_difficult_field")),
    "pledges:commitment_edit@submitted": Rule("L D D R D", obj("theme")),
    "pledges:target_row": Rule("L M M M M"),
    "pledges:targets_template": Rule("L A A A A"),
    "pledges:targets_import": Rule("L D D A D", kw(slug="=ke-hoach", pk="draft_plan")),
    "pledges:targets_import@submitted": Rule("L D D R D", kw(slug="=ke-hoach", pk="plan")),
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
    "projects:edit": Rule("L D D A D", obj("draft_key_work")),
    "projects:edit@submitted": Rule("L D D R D", obj("key_work")),
    "projects:progress": Rule("L D D A D", obj("key_work")),
    "projects:transition": Rule("L M M M M", obj("key_work")),
    "projects:set_status": Rule("L M M M M", obj("key_work")),
    "projects:photo": Rule("L A A A D", obj("photo")),
    "projects:thumbnail": Rule("L A A A D", obj("photo")),
    # Reports: leaders and staff request and download any report (core.access.can_request_unit_report);
    # a unit sees its own page and report; province reports are not for officers (POSTs: test_report_rights.py).
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
    "reports:emulation_memo": Rule("L M M M M"),
    # Emulation: staff manage clusters; members (Krông Pắc heads "Cụm thử") see theirs; others see nothing.
    "emulation:cluster_list": Rule("L A A A A"),
    "emulation:cluster_create": Rule("L A D D D"),
    "emulation:cluster_detail": Rule("L A A A D", obj("cluster")),
    "emulation:cluster_edit": Rule("L A D D D", obj("cluster")),
    "emulation:document_add": Rule("L M M M M", obj("cluster")),
    "emulation:document_download": Rule("L A A A D", obj("cluster_document")),
    # The world's cluster has its covenant already: staff and its head are sent to the cluster page (filing a
    # covenant is tested in emulation/tests); the other roles are refused.
    "emulation:covenant_create": Rule("L R D R D", obj("cluster")),
    "emulation:covenant_confirm": Rule("L M M M M", obj("cluster")),
    "emulation:covenant_scan": Rule("L A A A D", obj("cluster")),
    "emulation:criteria": Rule("L A A A D", obj("cluster")),
    "emulation:criteria_export": Rule("L A A A D", obj("cluster")),
    "emulation:scorecard_open": Rule("L M M M M", obj("cluster")),
    "emulation:cluster_finalise": Rule("L M M M M", obj("cluster")),
    "emulation:ranking": Rule("L A A A D", obj("cluster")),
    "emulation:scorecard": Rule("L A A A D", obj("scorecard")),
    "emulation:scorecard_submit": Rule("L M M M M", obj("scorecard")),
    "emulation:scorecard_review": Rule("L M M M M", obj("scorecard")),
    "emulation:scorecard_adjust": Rule("L M M M M", lambda w: {"pk": w.pk("scorecard"), "criterion_pk": 1}),
    "emulation:evidence_add": Rule("L M M M M", obj("scorecard")),
    "emulation:evidence_download": Rule("L A A A D", obj("score_evidence")),
    "emulation:council": Rule("L A A D D", lambda w: {"year": 2019}),
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
        return "L" if response.url.startswith(reverse("login")) else "R"
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


@pytest.mark.slow  # a few hundred pages as five roles: handed out first in a parallel run
@pytest.mark.django_db
def test_permission_matrix(world):
    """GET every URL as every role; collect all differences, then fail once with the whole list."""
    urls = named_urls()
    by_role = clients(world)
    problems = []
    for key, rule in sorted(MATRIX.items()):
        name = key.split("@")[0]
        assert name in urls, f"{key}: no such URL (see test_every_named_url_has_an_entry)"
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
            ("draft_dissemination", "title"),
            ("draft_theme", "title"),
            ("draft_difficult_field", "title"),
            ("draft_key_work", "name"),
        )
        if name in world.objects
    ]
    assert secrets_
    leaks = []
    for name in LIST_PAGES:
        assert name in named_urls(), f"{name}: listed in LIST_PAGES but not a URL any more"
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


# --- POST: who may do what a form or a button does ----------------------------------------------------------
#
# Each entry: codes (as above; "A" means the effect was observed, "F" a form shown again with nothing done,
# with 200 or 400),
# URL kwargs, the POST data, and a probe whose value must change when the POST takes effect. Every POST runs
# in a savepoint rolled back afterwards, so each role starts from the same world.


@dataclass(frozen=True)
class Post:
    codes: str
    kwargs: Callable | None
    data: Callable  # world → POST data (fresh files each time)
    probe: Callable  # (world, user, client) → a value the POST changes when it takes effect

    def expected(self) -> dict:
        return Rule(self.codes).expected()


def _pdf(name="bien-ban.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaign_portal.tests.conftest import PDF

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _status(model_path, name):
    def probe(w, user, client):
        from django.apps import apps

        return apps.get_model(model_path).objects.get(pk=w.pk(name)).status

    return probe


def _count(model_path, **filters):
    def probe(w, user, client):
        from django.apps import apps

        return apps.get_model(model_path).objects.filter(**{k: v(w) for k, v in filters.items()}).count()

    return probe


def _unread(w, user, client):
    from campaign_portal.core.models import Notification

    return Notification.objects.filter(user=user).exclude(read_by=user).count() if user else None


def _no_data(w):
    return {}


#                                    anon staff leader own foreign
POST_MATRIX: dict[str, Post] = {
    "logout": Post("L A A A A", None, _no_data, lambda w, u, c: c.session.get("_auth_user_id")),
    "core:notifications_read_all": Post("L A A A A", None, _no_data, _unread),
    "directives:publish": Post(
        "L A D D D", lambda w: {"pk": w.pk("publishable")}, _no_data, _status("directives.Directive", "publishable")
    ),
    "directives:withdraw": Post(
        "L A D D D", directive, lambda w: {"reason": "Ban hành nhầm"}, lambda w, u, c: _directive_status(w)
    ),
    "directives:receipt_confirm": Post(
        "L D D A A", directive, _no_data, _count("directives.Receipt", directive=lambda w: w.directive)
    ),
    "directives:attachment_add": Post(
        "L A D D D",
        directive,
        lambda w: {"file": _pdf("van-ban.pdf")},
        _count("directives.DirectiveAttachment", directive=lambda w: w.directive),
    ),
    "directives:milestone_delete": Post(
        "L A D D D",
        kw(pk="campaign", milestone_pk="milestone"),
        _no_data,
        _count("directives.Milestone", pk=lambda w: w.pk("milestone")),
    ),
    "pledges:target_row": Post(
        "L D D A A", None, lambda w: {"targets-TOTAL_FORMS": "1"}, lambda w, u, c: None
    ),  # a stateless HTMX row: "A" is a 2xx answer
    "pledges:attachment_upload": Post(
        "L D D A D",
        kw(slug="=quan-triet", pk="draft_dissemination"),
        lambda w: {"file": _pdf()},
        _count("pledges.Attachment", dissemination=lambda w: w.objects["draft_dissemination"]),
    ),
    "pledges:attachment_upload@submitted": Post(
        "L D D F D",  # the record's page again (400), the refusal at the file field, nothing attached
        kw(slug="=quan-triet", pk="dissemination"),
        lambda w: {"file": _pdf()},
        _count("pledges.Attachment", dissemination=lambda w: w.objects["dissemination"]),
    ),
    "pledges:attachment_delete": Post(
        "L D D A D",
        obj("draft_attachment"),
        _no_data,
        _count("pledges.Attachment", pk=lambda w: w.pk("draft_attachment")),
    ),
    "pledges:transition": Post(
        "L D D A D",
        kw(slug="=ke-hoach", pk="draft_plan"),
        lambda w: {"target": "submitted", "version": w.objects["draft_plan"].version},
        _status("pledges.EmulationPlan", "draft_plan"),
    ),
    "pledges:transition@review": Post(
        "L A D R D",  # the filing unit cannot accept its own plan: refused with a message
        kw(slug="=ke-hoach", pk="plan"),
        lambda w: {"target": "accepted", "version": w.objects["plan"].version, "comment": "Đạt"},
        _status("pledges.EmulationPlan", "plan"),
    ),
    "projects:transition": Post(
        "L D D A D",
        obj("key_work"),
        lambda w: {"target": "withdrawn", "comment": "Đăng ký nhầm"},
        _status("projects.KeyWork", "key_work"),
    ),
    "projects:transition@review": Post(
        "L A D D D",
        obj("key_work"),
        lambda w: {"target": "accepted", "comment": "Đạt"},
        _status("projects.KeyWork", "key_work"),
    ),
    "projects:set_status": Post(
        "L D D A D",
        obj("approved_work"),
        lambda w: {"work_status": "delayed"},
        lambda w, u, c: _work_status(w),
    ),
    "reports:rerun": Post("L A A D D", obj("failed_report"), _no_data, _status("reports.Report", "failed_report")),
    # The proposal memo of a cluster's ranking (the world's cluster is not finalised: refused with a message).
    "reports:emulation_memo": Post(
        "L R R D D",  # staff and leaders are told to finalise first; officers are refused
        None,
        lambda w: {"cluster": str(w.pk("cluster")), "format": "pdf"},
        _count("reports.Report", kind=lambda w: "emulation_memo"),
    ),
    # Emulation: Krông Pắc (own) heads a cluster with the Department of Finance; its scorecard is submitted.
    "emulation:document_add": Post(
        "L A D A D",
        obj("cluster"),
        lambda w: {"title": "Quy chế hoạt động", "file": _pdf("quy-che.pdf")},
        _count("emulation.ClusterDocument", cluster=lambda w: w.objects["cluster"]),
    ),
    "emulation:covenant_confirm": Post(
        "L D D A D",
        obj("cluster"),
        _no_data,
        _count("emulation.CovenantConfirmation", covenant__cluster=lambda w: w.objects["cluster"]),
    ),
    "emulation:scorecard_open": Post(
        "L D D R D",
        obj("cluster"),
        _no_data,
        _count("emulation.Scorecard", cluster=lambda w: w.objects["cluster"]),
    ),
    "emulation:cluster_finalise": Post(
        "L R D D D",  # staff: refused with a message while a member's scoring is not agreed
        obj("cluster"),
        _no_data,
        lambda w, user, client: type(w.objects["cluster"]).objects.get(pk=w.pk("cluster")).finalised_at,
    ),
    # Already sent: sending again changes nothing (a message on the scorecard page); a foreign unit cannot see it.
    "emulation:scorecard_submit": Post(
        "L R R R D", obj("scorecard"), _no_data, _status("emulation.Scorecard", "scorecard")
    ),
    "emulation:scorecard_review": Post(
        "L A D D D",
        obj("scorecard"),
        lambda w: {"target": "returned", "comment": "Bổ sung minh chứng tiêu chí 1."},
        _status("emulation.Scorecard", "scorecard"),
    ),
    "emulation:scorecard_adjust": Post(
        "L A D D D",  # the head never adjusts its own unit's scores; staff may
        lambda w: {"pk": w.pk("scorecard"), "criterion_pk": w.objects["scorecard"].lines.get().criterion_id},
        lambda w: {"points": "1", "reason": "Minh chứng chưa đủ."},
        lambda w, user, client: w.objects["scorecard"].lines.get().head_points,
    ),
    "emulation:evidence_add": Post(
        "L D D R D",
        obj("scorecard"),
        lambda w: {"criterion": str(w.objects["scorecard"].lines.get().criterion_id), "file": _pdf("minh-chung.pdf")},
        _count("emulation.ScoreEvidence", line__scorecard=lambda w: w.objects["scorecard"]),
    ),
}


def _directive_status(w):
    from directives.models import Directive

    return Directive.objects.get(pk=w.directive.pk).status


def _work_status(w):
    from projects.models import KeyWork

    return KeyWork.objects.get(pk=w.pk("approved_work")).work_status


def _post_world(world):
    """What the POSTs act on beyond the shared world: a publishable draft, a draft's file, unread notes, a failed report."""
    from django.core.files.base import ContentFile

    from campaign_portal.core.models import Notification
    from campaign_portal.tests.conftest import PDF
    from directives.tests.conftest import make_letter
    from pledges.models import Attachment
    from pledges.tests.factories import TargetFactory
    from reports.models import Report, ReportStatus

    world.objects["publishable"] = make_letter(world.staff, world.province, publish=False, number="412/UBND-TH")
    TargetFactory(plan=world.objects["draft_plan"])
    attachment = Attachment(
        dissemination=world.objects["draft_dissemination"],
        filename="nhap.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=world.officer_kp,
    )
    attachment.file.save("nhap.pdf", ContentFile(PDF), save=True)
    world.objects["draft_attachment"] = attachment
    for user in (world.staff, world.leader, world.officer_kp, world.officer_bmt):
        Notification.objects.create(user=user, message="Thông báo chưa đọc")
    failed = world.objects["report"]
    Report.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED, error="lỗi thử")
    world.objects["failed_report"] = failed
    from campaign_portal.core.models import ReviewStatus
    from projects.models import WorkStatus
    from projects.tests.factories import KeyWorkFactory

    world.objects["approved_work"] = KeyWorkFactory(
        requirement=world.objects["key_work"].requirement,
        unit=world.province.krong_pac,
        name="Công trình đã duyệt",
        status=ReviewStatus.ACCEPTED,
        work_status=WorkStatus.APPROVED,
    )


def classify_post(response, changed: bool, stateless: bool) -> str:
    code = response.status_code
    if changed or (stateless and 200 <= code < 300):
        return "A"
    if 200 <= code < 300 or code == 400:  # 400: the page shown again with the message at its field
        return "F"
    return classify(response)


def test_every_post_only_url_is_in_the_post_matrix():
    post_only = {key for key, rule in MATRIX.items() if rule.codes.split()[1:] == ["M"] * 4}
    covered = {key.split("@")[0] for key in POST_MATRIX}
    assert post_only <= covered, sorted(post_only - covered)


@pytest.mark.django_db
def test_post_permission_matrix(world):
    """POST every state-changing URL as every role; "allowed" means the change really happened."""
    from django.db import transaction

    _post_world(world)
    users = {"anonymous": None, "staff": world.staff, "leader": world.leader}
    users |= {"own": world.officer_kp, "foreign": world.officer_bmt}
    problems = []
    for key, entry in sorted(POST_MATRIX.items()):
        name = key.split("@")[0]
        url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
        for role, expected in entry.expected().items():
            client = Client()
            if users[role] is not None:
                client.force_login(users[role])
            with transaction.atomic():
                before = entry.probe(world, users[role], client)
                response = client.post(url, entry.data(world))
                after = entry.probe(world, users[role], client)
                transaction.set_rollback(True)
            got = classify_post(response, before != after, stateless=before is None and after is None)
            if got != expected:
                problems.append(f"{key:40} {role:9} expected {expected}, got {got}  ({response.status_code} {url})")
    assert not problems, "POST permission matrix differences:\n" + "\n".join(problems)
