import pytest

pytest_plugins = ["campaign_portal.testing"]


@pytest.hookimpl(tryfirst=True)  # before pytest-django's own (stable) sort, which keeps Django's test order
def pytest_collection_modifyitems(config, items):
    """In a parallel run (pytest-xdist) the slow tests are handed out first, one at a time, and the quick ones
    fill in behind them: a slow test started last would keep one worker busy while the other idles."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser")))
