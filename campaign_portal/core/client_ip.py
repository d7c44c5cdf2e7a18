"""The client's address behind load balancers, for login lockouts (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind N trusted proxies (PORTAL_PROXY_COUNT), each appends the address it received the request from to
X-Forwarded-For, so the N-th entry from the right is the client; entries further left are whatever the client
sent and are ignored (they could be forged to lock someone else out, or to dodge a lockout).
"""

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.PORTAL_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
