from .world import world  # noqa: F401  (the fixture; reports' memo tests import it too)
