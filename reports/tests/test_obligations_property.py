"""Property: in any world, the officer's page, the directive page and the matrix agree cell by cell.

Random worlds: today's and dissolved units of two kinds, a letter written today, requirements of
several kinds and response modes with quotas and target units, and submissions in every status.
All three pages read the obligations engine; this test fails if any of them grows its own rule.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import obligations, selectors
from directives.models import Requirement, RequirementKind, ResponseMode
from directives.tests.factories import DirectiveFactory, RequirementFactory
from pledges import selectors as pledges_selectors
from pledges.tests.factories import CommitmentFactory, DisseminationFactory, ResultReportFactory
from reports import compliance

MERGER = datetime.date(2025, 7, 1)
KINDS = [RequirementKind.DISSEMINATION, RequirementKind.BREAKTHROUGH_THEME, RequirementKind.REPORT]
STATUSES = [s.value for s in ReviewStatus]

units_st = st.lists(
    st.tuples(st.sampled_from([UnitKind.DEPARTMENT, UnitKind.COMMUNE]), st.booleans()), min_size=1, max_size=8
)
requirement_st = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "applies_to": st.lists(st.sampled_from([UnitKind.DEPARTMENT, UnitKind.COMMUNE]), unique=True),
        "quota": st.sampled_from([(None, None), (1, 1), (1, 2), (2, 3)]),
        "mode": st.sampled_from([ResponseMode.FILE, ResponseMode.FILE, ResponseMode.RECEIPT, ResponseMode.INFORMATION]),
        "deadline_days": st.sampled_from([None, -3, 0, 10]),
        "targets": st.lists(st.integers(0, 7), max_size=3, unique=True),
    }
)
world_st = st.fixed_dictionaries(
    {
        "units": units_st,
        "requirements": st.lists(requirement_st, min_size=1, max_size=3),
        "filings": st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 7), st.sampled_from(STATUSES), st.booleans()), max_size=12
        ),
        "receipts": st.lists(st.integers(0, 7), max_size=4, unique=True),
    }
)
FACTORY = {
    RequirementKind.DISSEMINATION: DisseminationFactory,
    RequirementKind.BREAKTHROUGH_THEME: CommitmentFactory,
    RequirementKind.REPORT: ResultReportFactory,
}


def _build(spec, today):
    root = UnitFactory(code="P-ROOT", name="Tỉnh thử", kind=UnitKind.PROVINCE)
    units = [
        UnitFactory(code=f"P-U{i}", kind=kind, parent=root, valid_to=MERGER if dissolved else None)
        for i, (kind, dissolved) in enumerate(spec["units"])
    ]
    letter = DirectiveFactory(issuer=root, issued_on=today, addressee_kinds=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
    reqs = []
    for i, r in enumerate(spec["requirements"]):
        deadline = today + datetime.timedelta(days=r["deadline_days"]) if r["deadline_days"] is not None else None
        targets = [units[t] for t in r["targets"] if t < len(units)]
        reqs.append(
            RequirementFactory(
                directive=letter,
                ordinal=str(i + 1),
                kind=r["kind"],
                applies_to=r["applies_to"],
                quota_min=r["quota"][0],
                quota_max=r["quota"][1],
                response_mode=r["mode"],
                deadline=deadline,
                target_units=targets,
            )  # fmt: skip
        )
    now = timezone.now()
    for r_index, u_index, status, on_time in spec["filings"]:
        if r_index < len(reqs) and u_index < len(units):
            req = reqs[r_index]
            reviewed = now if status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED) else None
            FACTORY[req.kind](
                requirement=req, unit=units[u_index], status=status, on_time=on_time, reviewed_at=reviewed
            )
    from directives.models import Receipt

    for u_index in spec["receipts"]:
        if u_index < len(units):
            Receipt.objects.create(directive=letter, unit=units[u_index])
    return units, list(Requirement.objects.filter(directive=letter).select_related("directive__issuer"))


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=world_st)
def test_officer_page_directive_page_and_matrix_agree(spec):
    today = timezone.localdate()
    with transaction.atomic():
        units, reqs = _build(spec, today)
        with CaptureQueriesContext(connection) as ctx:
            matrix = compliance.compute(requirements=reqs, as_of=today)
        # The engine's map (4), one query per registered model (5), receipts (1), units (1): at most 11,
        # whatever the number of units.
        assert len(ctx.captured_queries) <= 11
        counts = selectors.requirement_compliance(requirements=reqs)
        for req in reqs:
            cells = [matrix.cell(req.pk, u.pk) for u in units]
            applicable = [c for c in cells if c.applies]
            assert counts[req.pk]["owed"] == len(applicable)
            assert counts[req.pk]["done"] == sum(1 for c in applicable if c.is_done)
            sent = obligations.SENT_STATES
            assert counts[req.pk]["filed"] == sum(1 for c in applicable if c.state in sent)
        for unit in units:
            rows = {row.requirement.pk: row for row in pledges_selectors.owed_rows(unit=unit)}
            for req in reqs:
                cell = matrix.cell(req.pk, unit.pk)
                row = rows.get(req.pk)
                if cell.applies:
                    assert row is not None, (req, unit)  # a unit always sees what it owes
                    assert row.obligation.state == cell.state  # the officer's page and the matrix agree
                    assert row.counted == cell.counted
                    assert unit.is_valid_on(today)  # a dissolved unit never owes a letter of today
                else:
                    assert row is None or row.status == obligations.CellState.NOT_APPLICABLE
        transaction.set_rollback(True)


# --- the same states counted in the database (directives.obligations_sql) --------------------------

sql_world_st = st.fixed_dictionaries(
    {
        "world": world_st,
        # named addressees: indexes into the units, 8 = a commune of another province
        "named": st.lists(st.integers(0, 8), max_size=3, unique=True),
        "addressee_kinds": st.sampled_from([[UnitKind.DEPARTMENT, UnitKind.COMMUNE], [UnitKind.COMMUNE], []]),
        "days_back": st.sampled_from([0, 1]),  # as of today, or of yesterday (filings rolled back)
    }
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=sql_world_st)
def test_the_engine_in_sql_agrees_with_the_engine_cell_by_cell(spec):
    from directives.models import Directive

    today = timezone.localdate()
    as_of = today - datetime.timedelta(days=spec["days_back"])
    with transaction.atomic():
        units, reqs = _build(spec["world"], today)
        other = UnitFactory(code="Q-ROOT", name="Tỉnh khác", kind=UnitKind.PROVINCE)
        foreign = UnitFactory(code="Q-U0", kind=UnitKind.COMMUNE, parent=other)
        letter = Directive.objects.get(pk=reqs[0].directive_id)
        letter.addressee_kinds = spec["addressee_kinds"]
        letter.save()
        everyone = [*units, foreign]
        letter.addressee_units.set([everyone[i] for i in spec["named"] if i < len(everyone)])
        reqs = list(Requirement.objects.filter(directive=letter).select_related("directive__issuer"))
        ledger = obligations.obligations(requirements=reqs, as_of=as_of)
        expected = {}
        for rid, uids in ledger.owers.items():
            for uid in uids:
                cell = ledger.get(rid, uid)
                if cell.applies:
                    expected[(rid, uid)] = (str(cell.state), cell.on_time)
        with CaptureQueriesContext(connection) as ctx:
            found = obligations.cell_states(requirements=reqs, as_of=as_of)
        # Which requirements name targets (1), the statement (1); on PostgreSQL its planner settings,
        # inside a savepoint (savepoint, set, release): 5.
        assert len(ctx.captured_queries) <= 5
        assert found == expected
        # Counted per unit in the database: the same counts as the cells above.
        lines = {line.unit_id: line for line in obligations.unit_lines(requirements=reqs, as_of=as_of)}
        assert set(lines) == {uid for _rid, uid in expected}
        for uid, line in lines.items():
            states = [state for (_rid, u), (state, _on_time) in expected.items() if u == uid]
            assert line.applicable == len(states)
            assert line.states == {s: states.count(s) for s in set(states)}
            late = [1 for (_rid, u), (s, on_time) in expected.items() if u == uid and s == "accepted" and not on_time]
            assert line.accepted_late == len(late)
            assert line.root == "/P-ROOT/" or line.root.endswith("/")
        transaction.set_rollback(True)
