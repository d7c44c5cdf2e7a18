from django.conf import settings
from django.utils import translation
from django.views.defaults import bad_request


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: scripts only from our own static files, never inline."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class PortalLocaleMiddleware:
    """Vietnamese unless the user chose otherwise (language cookie); the browser's language is ignored.

    A government portal answers in the official language by default, whatever locale a browser sends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class BadInputMiddleware:
    """Crafted out-of-range numbers answer 400, not 500.

    SQLite raises OverflowError deep inside a query for integers beyond 64 bits, e.g. a forged
    `addressee_units=9999999999999999999999` in a multiple-choice field (Django does not catch it
    in ModelMultipleChoiceField); PostgreSQL simply finds nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return bad_request(request, exception)
        return None
