from django.http import HttpResponsePermanentRedirect

from .models import LegacyRedirect


def legacy_redirects(get_response):
    """Send the old site's addresses (LegacyRedirect) to their new home.

    Consulted only when nothing answered (a 404), or for the home page with a
    query string (WordPress's "/?p=2090"): other pages pay no query. Placed
    after CommonMiddleware, so that it sees the 404 first: "/adn" goes straight
    to its new home instead of taking APPEND_SLASH's detour through "/adn/"."""

    def middleware(request):
        response = get_response(request)
        query = request.META.get("QUERY_STRING", "")
        if response.status_code == 404 or (request.path_info == "/" and query):
            target = LegacyRedirect.objects.target_for(request.path_info, query)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response

    return middleware
