from . import typography, views

# The load balancer's probes, answered whatever Host it sends.
PROBES = {"/sante/": views.health, "/sante/pret/": views.ready}


def cross_origin_resource_policy(get_response):
    """Forbid other sites to embed our responses (Django sets COOP, not CORP).

    Placed before whitenoise so that static files carry it too."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware


def health_probes(get_response):
    """Answer the probes before CommonMiddleware checks the Host header: a load
    balancer often asks for the server's IP address, which ALLOWED_HOSTS rightly
    refuses elsewhere. Placed after the security headers; the HTTPS redirect
    spares these paths (SECURE_REDIRECT_EXEMPT), as probes speak plain HTTP."""

    def middleware(request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return get_response(request)

    return middleware


def french_typography(get_response):
    """French typography on every HTML page's text (rfve_site/typography.py),
    Markdown bodies and data included. Placed after ConditionalGetMiddleware
    (inside it) so that the ETag is the typeset page's."""

    def middleware(request):
        return typography.typeset_response(get_response(request))

    return middleware
