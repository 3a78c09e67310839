"""Pages for machines rather than visitors."""

from django.http import HttpResponse


def health(request):
    """Liveness: the process answers. Touches neither the database nor templates."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
