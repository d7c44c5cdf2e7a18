"""Hostile input on every main form: long, unicode (NFD too), control characters, huge numbers, empty.

The page may refuse the input, never crash: the status is never 500 (the test client re-raises any
exception, so a crash fails here with its traceback).
"""

import re
import unicodedata

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives.models import RequirementKind as K

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

nfd = st.text(alphabet="ĐắkLắkKrôngPắcBuônMaThuộtỆỹữ", min_size=1, max_size=40).map(
    lambda s: unicodedata.normalize("NFD", s)
)
controls = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20)
huge = st.sampled_from(
    ["9" * 40, "-1", "1e308", "NaN", "-0", "12.500.000.000.000.000.000", "0x10", "١٢٣", "²", "99999999999999999999"]
)
dates = st.sampled_from(["31/02/2019", "00/00/0000", "1/1/10000", "2019-13-45", "29/02/2019", "//", "99/99/99"])
values = st.one_of(
    st.text(max_size=30),
    st.integers(5000, 12000).map(lambda n: ("Ủy ban aá ạ\n" * n)[:n]),
    nfd,
    controls,
    huge,
    dates,
    st.just(""),
    st.just("<script>alert(1)</script>"),
    st.just("'; DROP TABLE core_unit; --"),
)

FIELD = re.compile(r"<(?:input|textarea|select)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
SKIP_FIELDS = {"csrfmiddlewaretoken"}

# (URL name, persona attribute on the world, kwargs builder)
FORMS = [
    ("directives:import", "staff", None),
    ("directives:create", "staff", None),
    ("directives:campaign_create", "staff", None),
    ("directives:withdraw", "staff", lambda w: {"pk": w.directive.pk}),
    ("pledges:dissemination_create", "officer_kp", lambda w: {"requirement_pk": w.req(K.DISSEMINATION)}),
    ("pledges:emulation_plan_create", "officer_kp", lambda w: {"requirement_pk": w.req(K.EMULATION_PLAN)}),
    ("pledges:breakthrough_theme_create", "officer_kp", lambda w: {"requirement_pk": w.req(K.BREAKTHROUGH_THEME)}),
    ("projects:create", "officer_kp", lambda w: {"requirement_pk": w.req(K.KEY_WORKS)}),
    ("projects:progress", "officer_kp", lambda w: {"pk": w.pk("key_work")}),
    ("pledges:emulation_plan_edit", "officer_kp", lambda w: {"pk": w.pk("draft_plan")}),
    ("pledges:targets_import", "officer_kp", lambda w: {"slug": "ke-hoach", "pk": w.pk("draft_plan")}),
    ("pledges:progress_add", "officer_kp", lambda w: {"pk": w.pk("target")}),
    ("directives:edit", "staff", lambda w: {"pk": w.draft_directive.pk}),
    ("directives:campaign_edit", "staff", lambda w: {"pk": w.pk("campaign")}),
    ("reports:list", "leader", None),
    ("login", None, None),
]
SEARCHES = ["core:unit_list", "directives:list", "projects:list", "reports:matrix", "pledges:submission_list"]


def form_fields(html: str) -> list[str]:
    return sorted({name for name in FIELD.findall(html) if name not in SKIP_FIELDS})


def _client(world, persona):
    client = Client()
    if persona:
        client.force_login(getattr(world, persona))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "persona", "kwargs"), FORMS, ids=[f.values[0] if hasattr(f, "marks") else f[0] for f in FORMS]
)
def test_forms_never_crash_on_hostile_input(world, name, persona, kwargs):
    try:
        url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    except NoReverseMatch:
        pytest.fail(f"{name} is listed in FORMS but has no URL: update the list")
    client = _client(world, persona)
    page = client.get(url)
    assert page.status_code == 200, f"{name} GET as {persona}: {page.status_code}"
    fields = form_fields(page.content.decode())
    assert fields, f"no form fields found on {name}"

    @FUZZ
    @given(data=st.fixed_dictionaries(dict.fromkeys(fields, values)))
    def post(data):
        response = client.post(url, data)
        assert response.status_code < 500, (name, data)
        assert response.status_code in (200, 302, 400, 403, 404, 409, 429), (name, response.status_code)

    post()


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEARCHES)
def test_list_filters_never_crash(world, name):
    try:
        url = reverse(name)
    except NoReverseMatch:
        pytest.fail(f"{name} is listed in SEARCHES but has no URL: update the list")
    client = _client(world, "staff")

    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from(
                [
                    "q",
                    "kind",
                    "page",
                    "status",
                    "district",
                    "directive",
                    "campaign",
                    "sort",
                    "risk",
                    "year",
                    "milestone",
                ]
            ),
            values,
            max_size=4,
        )
    )
    def get(params):
        response = client.get(url, params)
        assert response.status_code in (200, 302, 400, 404), (name, params, response.status_code)

    get()


@pytest.mark.django_db
def test_out_of_range_ids_in_a_multiple_choice_answer_400_not_500(world):
    """Found by the fuzzer: SQLite overflows on a forged 40-digit id (BadInputMiddleware turns it into 400)."""
    client = _client(world, "staff")
    response = client.post(
        reverse("directives:create"), {"subject": "x", "addressee_units": "9" * 40, "issuer": "9" * 40}
    )
    assert response.status_code in (200, 400)


@pytest.mark.django_db
def test_report_number_with_a_superscript_digit(world):
    """Found by the fuzzer: a document number of '²' crashed the report request form."""
    client = _client(world, "leader")
    client.raise_request_exception = False
    response = client.post(
        reverse("reports:list"),
        {
            "kind": "province_compliance",
            "source": f"directive:{world.directive.pk}",
            "format": "pdf",
            "document_number": "²",
        },
    )
    assert response.status_code < 500
