"""django-auditlog's middleware (the author of each change is the person
signed in), which reads `request.user` only when the request carries a
session cookie: resolving it for an anonymous visitor would mark the session
accessed, hence `Vary: Cookie` on every public page and no page cache.

A visitor's reading request (GET, HEAD, OPTIONS without a session) has no
author to record and changes nothing audited: it skips django-auditlog's
context, whose signal receiver, connected and disconnected on every request,
cost a fifth of a cached page's time."""

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


class AuditlogMiddleware(BaseAuditlogMiddleware):
    def __call__(self, request):
        if request.method in SAFE_METHODS and _anonymous(request):
            return self.get_response(request)
        return super().__call__(request)

    @staticmethod
    def _get_actor(request):
        if _anonymous(request):
            return None
        return BaseAuditlogMiddleware._get_actor(request)
