"""Totals, ranking, tie-breaking and nominations (pure functions: no database)."""

from decimal import Decimal

from emulation import scoring
from emulation.scoring import LinePoints, Total

D = Decimal


def _total(name, base, *, bonus=0, penalty=0, full=0):
    return Total(unit_id=hash(name) % 10_000, unit_name=name, base=D(base), bonus=D(bonus), penalty=D(penalty),
                 full_score_count=full)  # fmt: skip


def test_total_caps_bonus_and_penalty_and_clamps_each_line():
    lines = [
        LinePoints("score", D(10), D(10)),
        LinePoints("score", D(20), D(25)),  # above its maximum: counts 20
        LinePoints("score", D(10), None),  # not scored: 0
        LinePoints("bonus", D(4), D(4)),
        LinePoints("bonus", D(4), D(3)),
        LinePoints("penalty", D(20), D(12)),
    ]
    total = scoring.total_for(unit_id=1, unit_name="A", lines=lines, bonus_cap=D(5), penalty_cap=D(10))
    assert (total.base, total.bonus, total.penalty, total.total) == (D(30), D(5), D(10), D(25))
    assert total.full_score_count == 2
    assert total.scored == 5


def test_ranking_breaks_ties_with_the_chosen_rule():
    a = _total("Xã A", 82, full=3, penalty=2)
    b = _total("Xã B", 84, full=5, penalty=4)
    c = _total("Xã C", 90)
    ranked = scoring.rank([a, b, c], tie_break="full_score_count")
    assert [(t.unit_name, t.rank) for t in ranked] == [("Xã C", 1), ("Xã B", 2), ("Xã A", 3)]
    assert a.tie_note == b.tie_note == str(scoring.TIE_BREAKS["full_score_count"].label)
    ranked = scoring.rank(
        [_total("Xã A", 82, full=3, penalty=2), _total("Xã B", 84, full=5, penalty=4)], tie_break="fewer_penalty"
    )
    assert [t.unit_name for t in ranked] == ["Xã A", "Xã B"]


def test_equal_on_total_and_rule_share_the_rank():
    ranked = scoring.rank(
        [_total("Xã Bê", 70, full=2), _total("Xã An", 70, full=2), _total("Xã Cư", 60)], tie_break="full_score_count"
    )
    assert [(t.unit_name, t.rank) for t in ranked] == [("Xã An", 1), ("Xã Bê", 1), ("Xã Cư", 3)]
    assert "tiêu chí phụ" in ranked[0].tie_note


def test_nominations_one_flag_then_certificates():
    ranked = scoring.rank([_total(f"Xã {i}", 100 - i) for i in range(5)], tie_break="full_score_count")
    scoring.nominate(ranked, flags=1, certificates=2)
    assert [t.nomination for t in ranked] == ["flag", "certificate", "certificate", "", ""]


def test_a_tie_for_the_flag_is_left_to_the_council():
    ranked = scoring.rank(
        [_total("Xã A", 90, full=1), _total("Xã B", 90, full=1), _total("Xã C", 80)], tie_break="full_score_count"
    )
    scoring.nominate(ranked, flags=1, certificates=2)
    assert [t.nomination for t in ranked] == ["certificate", "certificate", ""]
    assert "Hội đồng quyết định" in ranked[0].tie_note
