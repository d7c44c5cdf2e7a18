"""The cycle collector's tuning (core/apps.py): set from the setting at start-up, Python's defaults on 0."""

import gc

from django.conf import settings

from campaign_portal.core.apps import tune_garbage_collector


def test_the_portal_runs_with_the_configured_young_generation_threshold():
    assert gc.get_threshold()[0] == settings.PORTAL_GC_GEN0 == 10_000


def test_zero_keeps_pythons_defaults():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        tune_garbage_collector(0)
        assert gc.get_threshold() == (700, 10, 10)
        tune_garbage_collector(5_000)
        assert gc.get_threshold() == (5_000, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_the_collector_is_paused_inside_the_block_and_runs_again_after_it_even_on_error():
    import pytest

    from campaign_portal.core.apps import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: still paused, and the outer block re-enables
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a failed build")
    assert gc.isenabled()
