# ruff: noqa: S608 - statements built from the models' table names; every value is a parameter
"""The obligations engine's rules as one SQL statement, for pages too big to walk cell by cell.

Called from `directives.obligations` only (`cell_states`, `unit_lines`): the rules are those of its
module docstring, written once more in SQL for one-time asks (no recurrence, no relative deadline:
one period, key ""), and a property test (reports/tests/test_obligations_property.py) checks that
both give the same state and `on_time` to every cell of the same data. Recurring and relative asks
stay with the Python engine (their periods are worked out by directives.schedule).

Who owes (rules 1–3 of recipients, `_owers_of`): the requirement's target units, else the units of a
kind in `applies_to` under the issuer's root (plus the named addressees of such a kind), else every
addressee of the letter (named, or of an addressed kind under the root); only units valid on the
letter's reference day; nothing for "for information only". States: `classify` on the filings as
they stood at the cut-off (`status_at`), withdrawn ones ignored.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.expressions import RawSQL

from campaign_portal.core.models import ReviewStatus, Unit

from . import registry
from .models import Directive, Receipt, Requirement, ResponseMode

# The columns of one cell (cells()) and of one unit's line per root (unit_lines()).
STATE_COLUMNS = ("not_started", "draft", "sent", "returned", "accepted", "late")


def _values(rows, width: int, empty) -> tuple[str, list]:
    """A VALUES list and its parameters (one placeholder row when there are none: `empty`)."""
    rows = list(rows) or [empty]
    one = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([one] * len(rows)), [v for row in rows for v in row]


def _status_at(cutoff: datetime.datetime):
    """`obligations.status_at` as an SQL expression."""
    S = ReviewStatus
    return Case(
        When(status__in=[S.DRAFT, S.WITHDRAWN], then=F("status")),
        When(Q(submitted_at__isnull=True) | Q(submitted_at__gt=cutoff), then=Value(S.DRAFT)),
        When(
            Q(status__in=[S.ACCEPTED, S.RETURNED], reviewed_at__isnull=False, reviewed_at__gt=cutoff),
            then=Value(S.SUBMITTED),
        ),
        default=F("status"),
        output_field=CharField(),
    )


def _filings(cutoff) -> tuple[str, list]:
    """Every registered kind's filings of these requirements as (requirement, unit, status at the
    cut-off, on_time): the same rows as registry.submission_rows, one part per kind."""
    parts, params = [], []
    for entry in registry.registered_kinds():
        qs = (
            entry.queryset()
            # The requirements of the statement's spec (a country's 1,700 ids: one list, not five).
            .filter(requirement_id__in=RawSQL("SELECT id FROM spec", []))
            .order_by()
            .annotate(x_status=_status_at(cutoff))
            .values_list("requirement_id", "unit_id", "x_status", "on_time")
        )
        sql, p = qs.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS k{len(parts)}")
        params.extend(p)
    if not parts:
        return "SELECT NULL, NULL, NULL, NULL WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params


def _pairs(pairs) -> tuple[str, list]:
    """(id, kind) rows: on PostgreSQL two arrays (two parameters for a country's 3,700 pairs: psycopg
    converts a statement's placeholders one by one), elsewhere a VALUES list."""
    pairs = sorted(pairs)
    if connection.vendor == "postgresql" and pairs:
        return "SELECT * FROM unnest(%s::bigint[], %s::text[])", [list(column) for column in zip(*pairs, strict=True)]
    values, params = _values(pairs, 2, (0, ""))
    return f"VALUES {values}", params


SPEC_COLUMNS = ("id", "directive_id", "root", "day", "mode", "late", "needed", "any_kind", "kinds", "targeted")
_SPEC_TYPES = ("bigint", "bigint", "text", "date", "text", "bool", "int", "bool", "text", "bool")


def _spec(specs) -> tuple[str, list]:
    """One row per requirement: what its cells depend on, worked out by the engine (obligations),
    and whether it names target units (one query). On PostgreSQL one array per column (ten
    parameters for a country's 1,700 requirements, not 17,000), elsewhere a VALUES list."""
    through = Requirement.target_units.through
    targeted = set(
        through.objects.filter(requirement_id__in=[s["id"] for s in specs]).values_list("requirement_id", flat=True)
    )
    rows = [
        (
            *(s[k] for k in SPEC_COLUMNS[:8]),
            "," + ",".join(sorted(set(s["applies_to"]))) + ",",  # ",commune,department,"
            s["id"] in targeted,
        )
        for s in specs
    ]
    names = ", ".join(SPEC_COLUMNS)
    if connection.vendor == "postgresql" and rows:
        arrays = ", ".join(f"%s::{kind}[]" for kind in _SPEC_TYPES)
        return f"SELECT * FROM unnest({arrays}) AS x ({names})", [list(column) for column in zip(*rows, strict=True)]
    values, params = _values(
        rows, 10, (0, 0, "", datetime.date(1, 1, 1), ResponseMode.INFORMATION, False, 1, False, ",", False)
    )
    return f"VALUES {values}", params


def _tables() -> dict:
    return {
        "unit": Unit._meta.db_table,
        "target": Requirement.target_units.through._meta.db_table,
        "named": Directive.addressee_units.through._meta.db_table,
        "receipt": Receipt._meta.db_table,
    }


_VALID = "(u.valid_from IS NULL OR u.valid_from <= {day}) AND (u.valid_to IS NULL OR u.valid_to > {day})"


def _materialized() -> str:
    """A CTE computed once (its state expression is read by each count: inlined, it would be
    evaluated once per count and row); PostgreSQL's keyword (elsewhere the engine decides)."""
    return "MATERIALIZED " if connection.vendor == "postgresql" else ""


def _find() -> str:
    """The position of a substring: strpos on PostgreSQL, instr on SQLite."""
    return "strpos" if connection.vendor == "postgresql" else "instr"


def _prelude(specs, cutoff) -> tuple[str, list]:
    """The statement's first CTEs: the requirements (spec), their kinds, the letters' addressed kinds,
    the units with their root, and each cell's filings counted by status at the cut-off (tally)."""
    t = _tables()
    spec_values, spec_params = _spec(specs)
    # requirement → kinds it applies to; directive → kinds it is addressed to
    kinds_values, kinds_params = _pairs({(s["id"], k) for s in specs for k in s["applies_to"]})
    dkinds_values, dkinds_params = _pairs({(s["directive_id"], k) for s in specs for k in s["addressee_kinds"]})
    # Each unit's root is its path's first segment ("/T66/T66-X1/" → "/T66/", as obligations.root_path):
    # computed per unit, not matched against every root (which no planner estimates well).
    first = f"substr(u.path, 1, {_find()}(substr(u.path, 2), '/') + 1)"
    # An issuer without a path reads every unit ("/"): only then is each unit listed a second time.
    everyone = (
        f" UNION ALL SELECT u.id, u.kind, u.valid_from, u.valid_to, '/' FROM {t['unit']} u"
        if any(s["root"] == "/" for s in specs)
        else ""
    )
    filings, filing_params = _filings(cutoff)
    S = ReviewStatus
    sql = f"""
    WITH spec ({", ".join(SPEC_COLUMNS)}) AS ({spec_values}),
    req_kind (requirement_id, kind) AS ({kinds_values}),
    dir_kind (directive_id, kind) AS ({dkinds_values}),
    rooted AS (SELECT u.id, u.kind, u.valid_from, u.valid_to, {first} AS root FROM {t["unit"]} u{everyone}),
    filing (requirement_id, unit_id, status, on_time) AS ({filings}),
    tally AS (
        SELECT requirement_id, unit_id,
            SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS accepted,
            SUM(CASE WHEN status = %s AND (on_time IS NULL OR on_time) THEN 1 ELSE 0 END) AS accepted_on_time,
            SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS submitted,
            SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS returned,
            SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS draft
        FROM filing WHERE status <> %s GROUP BY requirement_id, unit_id
    )"""
    params = [*spec_params, *kinds_params, *dkinds_params, *filing_params]
    params += [S.ACCEPTED, S.ACCEPTED, S.SUBMITTED, S.RETURNED, S.DRAFT, S.WITHDRAWN]
    return sql, params


def _owed_parts(*, plain: bool) -> tuple[str, list]:
    """(requirement_id, unit_id) of the owed cells (the rules of `obligations._owers_of`), in disjoint
    parts: target units; units of an applied kind under the root ("plain", left out when `plain` is
    False: unit_lines counts them without listing them); named addressees of an applied kind outside
    the root; for a requirement of no kind, the named addressees and the addressed kinds under the root."""
    t = _tables()
    valid = _VALID.format(day="s.day")
    parts = [
        f"""SELECT s.id AS requirement_id, u.id AS unit_id FROM spec s
        JOIN {t["target"]} t ON t.requirement_id = s.id JOIN {t["unit"]} u ON u.id = t.unit_id
        WHERE s.targeted AND s.mode <> %s AND {valid}""",
        f"""SELECT s.id, u.id FROM spec s JOIN req_kind rk ON rk.requirement_id = s.id
        JOIN {t["named"]} n ON n.directive_id = s.directive_id JOIN {t["unit"]} u ON u.id = n.unit_id AND u.kind = rk.kind
        WHERE s.mode <> %s AND {valid} AND NOT s.targeted AND substr(u.path, 1, length(s.root)) <> s.root""",
        f"""SELECT s.id, u.id FROM spec s JOIN {t["named"]} n ON n.directive_id = s.directive_id
        JOIN {t["unit"]} u ON u.id = n.unit_id
        WHERE s.any_kind AND s.mode <> %s AND {valid} AND NOT s.targeted""",
        f"""SELECT s.id, u.id FROM spec s JOIN dir_kind dk ON dk.directive_id = s.directive_id
        JOIN rooted u ON u.root = s.root AND u.kind = dk.kind
        WHERE s.any_kind AND s.mode <> %s AND {valid} AND NOT s.targeted
            AND NOT EXISTS (SELECT 1 FROM {t["named"]} n WHERE n.directive_id = s.directive_id AND n.unit_id = u.id)""",
    ]
    if plain:
        parts.append(
            f"""SELECT s.id, u.id FROM spec s JOIN req_kind rk ON rk.requirement_id = s.id
            JOIN rooted u ON u.root = s.root AND u.kind = rk.kind
            WHERE s.mode <> %s AND {valid} AND NOT s.targeted"""
        )
    return " UNION ALL ".join(parts), [ResponseMode.INFORMATION] * len(parts)


def _case() -> tuple[str, list]:
    """state and on_time of a cell (rules of `obligations.classify`) from spec s, tally f, receipt rc."""
    from .obligations import CellState as C

    receipt = ResponseMode.RECEIPT
    sql = """
        CASE
            WHEN s.mode = %s THEN CASE WHEN rc.id IS NOT NULL THEN %s WHEN s.late THEN %s ELSE %s END
            WHEN COALESCE(f.accepted, 0) >= s.needed THEN %s
            WHEN COALESCE(f.accepted, 0) + COALESCE(f.submitted, 0) >= s.needed THEN %s
            WHEN s.late THEN %s
            WHEN COALESCE(f.returned, 0) > 0 THEN %s
            WHEN COALESCE(f.draft, 0) > 0 THEN %s
            ELSE %s
        END AS state,
        CASE
            WHEN s.mode = %s THEN 1
            WHEN COALESCE(f.accepted, 0) >= s.needed THEN
                CASE WHEN COALESCE(f.accepted_on_time, 0) >= s.needed THEN 1 ELSE 0 END
            WHEN COALESCE(f.accepted, 0) + COALESCE(f.submitted, 0) >= s.needed THEN 1
            WHEN s.late THEN 0
            ELSE 1
        END AS on_time"""
    states = [C.ACCEPTED, C.LATE, C.NOT_STARTED, C.ACCEPTED, C.SENT, C.LATE, C.RETURNED, C.DRAFT, C.NOT_STARTED]
    return sql, [receipt, *states, receipt]


def _receipt_join(unit: str, cutoff, *, kind: str = "LEFT JOIN") -> tuple[str, list]:
    """The unit's receipt of the letter by the cut-off, for a receipt-only requirement (rc)."""
    sql = f"""{kind} {_tables()["receipt"]} rc ON s.mode = %s AND rc.directive_id = s.directive_id
        AND rc.unit_id = {unit} AND rc.confirmed_at <= %s"""
    return sql, [ResponseMode.RECEIPT, connection.ops.adapt_datetimefield_value(cutoff)]


def _classified_cells(cells: str, cutoff) -> tuple[str, list]:
    """SELECT o.requirement_id, o.unit_id, s.root, state, on_time FROM the CTE `cells` (listed cells)."""
    case, case_params = _case()
    receipt, receipt_params = _receipt_join("o.unit_id", cutoff)
    sql = f"""SELECT o.requirement_id, o.unit_id, s.root, {case}
    FROM {cells} o JOIN spec s ON s.id = o.requirement_id
    LEFT JOIN tally f ON f.requirement_id = o.requirement_id AND f.unit_id = o.unit_id
    {receipt}"""
    return sql, [*case_params, *receipt_params]


def cells_sql(specs, *, cutoff) -> tuple[str, list]:
    """SQL selecting (requirement, unit, root, state, on_time) of every owed cell of `specs`."""
    prelude, params = _prelude(specs, cutoff)
    owed, owed_params = _owed_parts(plain=True)
    classified, classified_params = _classified_cells("owed", cutoff)
    sql = f"""{prelude}, owed AS ({owed})
    {classified}"""
    return sql, [*params, *owed_params, *classified_params]


def _moved(specs, cutoff) -> tuple[str, list]:
    """The plain cells (a kind under the root) that have filings, or a receipt of a receipt-only
    letter, classified: (unit_id, root, late, state, on_time). Read from the filings' side."""
    valid = _VALID.format(day="s.day")
    plain = f"""s.mode <> %s AND {valid} AND u.root = s.root
        AND NOT s.targeted
        AND {_find()}(s.kinds, ',' || u.kind || ',') > 0"""
    case, case_params = _case()
    receipt, receipt_params = _receipt_join("f.unit_id", cutoff)
    sql = f"""SELECT f.unit_id, s.root, s.late, {case}
        FROM tally f JOIN spec s ON s.id = f.requirement_id JOIN rooted u ON u.id = f.unit_id
        {receipt} WHERE {plain}"""
    params = [*case_params, *receipt_params, ResponseMode.INFORMATION]
    if any(s["mode"] == ResponseMode.RECEIPT for s in specs):
        # A receipt without filings: the receipt is the cell's answer (rc inner-joined).
        case2, case2_params = _case()
        inner, inner_params = _receipt_join("u.id", cutoff, kind="JOIN")
        sql += f"""
      UNION ALL
        SELECT u.id, s.root, s.late, {case2}
        FROM spec s JOIN rooted u ON u.root = s.root {inner}
        LEFT JOIN tally f ON f.requirement_id = s.id AND f.unit_id = u.id
        WHERE f.requirement_id IS NULL AND {plain}"""
        params += [*case2_params, *inner_params, ResponseMode.INFORMATION]
    return sql, params


def lines_sql(specs, *, cutoff) -> tuple[str, list]:
    """SQL selecting one line per (root, unit): applicable, accepted late and a count per state.

    The cells of the plain part (a kind under the root, most of a country's cells) are not listed:
    a cell without filings (or receipt) is late after its deadline, else not started, so each unit
    gets its count of those per kind, then the cells that have filings are classified one by one and
    moved from that default state to their own. The other parts are classified one by one."""
    from .obligations import CellState as C

    prelude, params = _prelude(specs, cutoff)
    owed, owed_params = _owed_parts(plain=False)
    small, small_params = _classified_cells("small", cutoff)
    moved, moved_params = _moved(specs, cutoff)
    flags = ", ".join(f"CASE WHEN state = %s THEN 1 ELSE 0 END AS n_{name}" for name in STATE_COLUMNS)
    flag_params = [getattr(C, name.upper()).value for name in STATE_COLUMNS]
    sums = ", ".join(f"SUM(n_{name})" for name in STATE_COLUMNS)
    moved_sums = sums
    zeros = ", ".join(
        {"not_started": "n_open", "late": "n_late"}.get(name, "0") + f" AS n_{name}" for name in STATE_COLUMNS
    )
    # A moved cell leaves its default state (late after the deadline, else not started).
    moved_flags = flags.replace("AS n_not_started", "- CASE WHEN late THEN 0 ELSE 1 END AS n_not_started").replace(
        "AS n_late", "- CASE WHEN late THEN 1 ELSE 0 END AS n_late"
    )
    sql = f"""{prelude},
    small AS ({owed}),
    plain_groups AS (
        SELECT s.root, rk.kind, s.day,
            SUM(CASE WHEN s.late THEN 1 ELSE 0 END) AS n_late, SUM(CASE WHEN s.late THEN 0 ELSE 1 END) AS n_open
        FROM spec s JOIN req_kind rk ON rk.requirement_id = s.id
        WHERE s.mode <> %s AND NOT s.targeted GROUP BY s.root, rk.kind, s.day
    ),
    plain_default AS (
        SELECT u.root, u.id AS unit_id, SUM(g.n_late) AS n_late, SUM(g.n_open) AS n_open
        FROM rooted u JOIN plain_groups g ON g.root = u.root AND g.kind = u.kind AND {_VALID.format(day="g.day")}
        GROUP BY u.root, u.id
    ),
    small_cells AS ({small}),
    moved AS {_materialized()}({moved}),
    counted AS (
        SELECT root, unit_id, n_late + n_open AS applicable, 0 AS accepted_late, {zeros} FROM plain_default
      UNION ALL
        SELECT root, unit_id, 0, SUM(accepted_late), {moved_sums} FROM (
            SELECT root, unit_id, CASE WHEN state = %s AND on_time = 0 THEN 1 ELSE 0 END AS accepted_late, {moved_flags}
            FROM moved
        ) AS m GROUP BY root, unit_id
      UNION ALL
        SELECT root, unit_id, 1, CASE WHEN state = %s AND on_time = 0 THEN 1 ELSE 0 END, {flags} FROM small_cells
    )
    SELECT root, unit_id, SUM(applicable), SUM(accepted_late), {sums} FROM counted GROUP BY root, unit_id"""
    params = [
        *params,
        *owed_params,
        ResponseMode.INFORMATION,
        *small_params,
        *moved_params,
        C.ACCEPTED,
        *flag_params,
        C.ACCEPTED,
        *flag_params,
    ]
    return sql, params


def _run(sql, params) -> list[tuple]:
    """The statement's rows; on PostgreSQL with room to sort and hash a country's cells in memory
    (the default work_mem spills 300,000 cells to disk), for this statement's transaction only."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The joins as written (from the filings' side): the planner cannot estimate the CTEs'
            # sizes and otherwise lists every cell of the country before matching the filings.
            # No JIT: its choice rests on the same wrong estimates, and compiling took 240 ms of a 1.3 s run
            # when a plan's estimated cost crossed jit_above_cost (measured with enable_mergejoin off).
            cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL join_collapse_limit = 1; SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def cells(specs, *, cutoff) -> list[tuple]:
    """(requirement, unit, root, state, on_time) of every owed cell (one query)."""
    if not specs:
        return []
    sql, params = cells_sql(specs, cutoff=cutoff)
    return [(rid, uid, root, state, bool(on_time)) for rid, uid, root, state, on_time in _run(sql, params)]


def unit_lines(specs, *, cutoff) -> list[tuple]:
    """(root, unit, applicable, accepted late, a count per STATE_COLUMNS) per (root, unit): one query;
    the cells are counted in the database, never brought here."""
    if not specs:
        return []
    return _run(*lines_sql(specs, cutoff=cutoff))
