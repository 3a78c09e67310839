def cross_origin_resource_policy(get_response):
    """Forbid other sites to embed our responses (Django sets COOP, not CORP).

    Placed before whitenoise so that static files carry it too."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware
