"""The client's address, as the login throttle and the public forms (contact,
registrations) see it."""

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address of whoever sent the request.

    Behind PROXY_COUNT trusted reverse proxies, each appends the address it
    received the request from to X-Forwarded-For, so the client is the
    PROXY_COUNT-th entry from the right; everything to its left was written by
    the client and is ignored. Without proxies, or when the header is too short
    or its entry is not an address (a request that bypassed the proxies), the
    socket's address is used: a client can never choose its address.
    Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if settings.PROXY_COUNT <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    return _address(forwarded[-settings.PROXY_COUNT]) or remote


def _address(text: str) -> str | None:
    """The address in its canonical form (one spelling per address), or None."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_key(request) -> str:
    """A keyed hash of the client's address: enough for a rate limit to
    recognise a repeat sender, useless to anyone else (the address itself is
    never stored)."""
    address = client_address(request) or ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
