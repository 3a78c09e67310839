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
    socket's address is used: a client can never choose its address."""
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


def rate_limited_address(request) -> str | None:
    """The address a rate limit counts: the client's, or for IPv6 the first
    address of its /64 network. A single IPv6 client (a home, a server) gets a
    whole /64 and can pick any address in it: counted one by one, it would
    never reach a limit. Also django-axes' AXES_CLIENT_IP_CALLABLE (its
    lockouts are rate limits too)."""
    address = client_address(request)
    if address is None:
        return None
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return address
    if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1, an IPv4 client
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)


def client_key(request) -> str:
    """A keyed hash of the client's address (its /64 network for IPv6):
    enough for a rate limit to recognise a repeat sender, useless to anyone
    else (the address itself is never stored)."""
    address = rate_limited_address(request) or ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
