"""django-auditlog's middleware (the author of each change is the person
signed in), which reads `request.user` only when the request carries a
session cookie: resolving it for an anonymous visitor would mark the session
accessed, hence `Vary: Cookie` on every public page and no page cache."""

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings


class AuditlogMiddleware(BaseAuditlogMiddleware):
    @staticmethod
    def _get_actor(request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return BaseAuditlogMiddleware._get_actor(request)
