"""Every obligation state has one meaning, shown in the legend of the pages that use states."""

import pytest
from django.conf import settings
from django.urls import reverse

from directives.obligations import CellState
from directives.state_glossary import COLOURS, MEANINGS, SHORT, css, glossary, short


def test_every_state_has_one_meaning_and_no_two_share_a_label():
    assert set(MEANINGS) == set(CellState) == set(COLOURS)
    labels = [label for _value, label, _meaning in glossary()]
    assert len(set(labels)) == len(labels)
    assert all(meaning.strip() for _v, _l, meaning in glossary())


def test_every_state_has_its_own_short_code():
    """The printed grid of a letter with many requirements shows codes; one code per state, never shared."""
    assert set(SHORT) == set(CellState)
    codes = [str(code) for code in SHORT.values()]
    assert len(set(codes)) == len(codes) and all(code.strip() for code in codes)
    assert short(CellState.ACCEPTED, accepted_late=True) == str(SHORT[CellState.ACCEPTED]) + "*"


@pytest.mark.django_db
def test_the_owed_page_carries_the_legend_with_the_labels_it_shows(client_for, officer_kp, province):
    from pledges.tests.factories import RequirementFactory

    RequirementFactory(applies_to=["district"])
    owed = client_for(officer_kp).get(reverse("pledges:owed")).content.decode()
    assert "Chú giải trạng thái" in owed and str(MEANINGS[CellState.SENT]) in owed
    legend = {str(label) for _value, label, _meaning in glossary()}
    # The page shows the engine's labels; each one is explained in the legend.
    assert {str(state.label) for state in CellState} <= legend


def test_the_badges_stylesheet_is_the_glossarys():
    """static/css/states.css is generated from the glossary: one set of colours for pages, PDF and XLSX."""
    path = settings.BASE_DIR / "static" / "css" / "states.css"
    assert path.read_text() == css(), "run: python -c 'from directives.state_glossary import css; print(css())'"


@pytest.mark.django_db
def test_the_matrix_the_unit_page_and_the_owed_page_say_a_state_in_the_same_words(
    client_for, officer_kp, leader, province
):
    from pledges.tests.factories import DisseminationFactory, RequirementFactory

    requirement = RequirementFactory(applies_to=["district"])
    DisseminationFactory(requirement=requirement, unit=province.krong_pac, status="submitted")
    words = str(CellState.SENT.label)
    owed = client_for(officer_kp).get(reverse("pledges:owed")).content.decode()
    query = {"directive": requirement.directive_id}
    matrix = client_for(leader).get(reverse("reports:matrix"), query).content.decode()
    unit = client_for(leader).get(reverse("reports:unit", args=[province.krong_pac.pk]), query).content.decode()
    for page in (owed, matrix, unit):
        assert words in page and "Chú giải trạng thái" in page
    # The matrix cell wears the glossary's colour for that state.
    assert f'style="background:{COLOURS[CellState.SENT][0]};' in matrix
    assert 'class="badge state-badge state-sent"' in owed and 'class="badge state-badge state-sent"' in unit


def test_a_state_badge_is_drawn_in_the_page_language_and_notes_lateness():
    from django.utils import translation

    from directives.templatetags.directive_tags import state_badge

    with translation.override("vi"):
        vi = state_badge(CellState.ACCEPTED, on_time=False)
        assert str(CellState.ACCEPTED.label) in vi and "state-late-note" in vi
        assert "state-late-note" not in state_badge(CellState.ACCEPTED, on_time=True)
        assert ">Riêng<" in state_badge(CellState.ACCEPTED, label="Riêng")
    with translation.override("en"):
        en = state_badge(CellState.ACCEPTED, on_time=False)
        assert str(CellState.ACCEPTED.label) in en
    assert en != vi  # the English page does not get the Vietnamese badge kept for it
