import pytest

pytest_plugins = ["campaign_portal.testing"]


@pytest.hookimpl(tryfirst=True)  # before pytest-django's own (stable) sort, which keeps Django's test order
def pytest_collection_modifyitems(config, items):
    """In a parallel run (pytest-xdist) the slow tests are handed out first, one at a time, and the quick ones
    fill in behind them: a slow test started last would keep one worker busy while the other idles."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser")))


@pytest.fixture(autouse=True)
def _engine_answers_start_empty():
    """What the obligations engine kept (directives.freshness) is keyed by the newest EngineVersion id; a
    rolled-back test's ids are given again on SQLite, so no answer may outlive its test."""
    from directives import freshness

    freshness.clear()
    yield
    freshness.clear()
