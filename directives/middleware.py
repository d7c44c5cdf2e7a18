"""The directives app's request middleware."""

from . import freshness


class DataVersionMiddleware:
    """The engine's data version (directives.freshness) read at most once per request: the menu's conditions
    and the page's kept answers each asked it, a query apiece."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with freshness.per_request():
            return self.get_response(request)
