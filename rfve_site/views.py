"""Pages for machines rather than visitors, and the error handlers."""

import sys

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template import loader

# How long a client should wait before retrying when the database is down.
RETRY_AFTER_SECONDS = 120


def health(request):
    """Liveness: the process answers. Touches neither the database nor templates."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def ready(request):
    """Readiness: the database answers too (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse(
            "base de données indisponible",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def server_error(request):
    """handler500: a database outage gets a French 503 page asking to come back
    shortly; any other error the French 500 page. Neither template queries."""
    if isinstance(sys.exc_info()[1], DatabaseError):
        body = loader.render_to_string("503.html")
        return HttpResponse(
            body, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def bad_request(request, exception):
    """handler400, rendered without the request: a refused Host header
    (DisallowedHost) would be refused again by the context processors (the
    canonical URL), and an error page needs no database."""
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def not_served(request):
    """The development server's answer for /media/publications/, as nginx's:
    publications are downloaded through their views, which check who may
    read them (members-only ones in the members' area)."""
    raise Http404("Les publications se téléchargent depuis leur page.")
