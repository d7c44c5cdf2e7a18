"""Every obligation state has one meaning, shown in the legend of the pages that use states."""

import pytest
from django.urls import reverse

from directives.obligations import CellState
from directives.state_glossary import MEANINGS, glossary


def test_every_state_has_one_meaning_and_no_two_share_a_label():
    assert set(MEANINGS) == set(CellState)
    labels = [label for _value, label, _meaning in glossary()]
    assert len(set(labels)) == len(labels)
    assert all(meaning.strip() for _v, _l, meaning in glossary())


@pytest.mark.django_db
def test_the_owed_page_carries_the_legend_with_the_labels_it_shows(client_for, officer_kp, province):
    from pledges.tests.factories import RequirementFactory

    RequirementFactory(applies_to=["district"])
    owed = client_for(officer_kp).get(reverse("pledges:owed")).content.decode()
    assert "Chú giải trạng thái" in owed and str(MEANINGS[CellState.SENT]) in owed
    legend = {str(label) for _value, label, _meaning in glossary()}
    # The page shows the engine's labels; each one is explained in the legend.
    assert {str(state.label) for state in CellState} <= legend
