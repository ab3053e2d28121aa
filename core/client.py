"""The client's address, as every part of the app records it (the audit log, the login
lockout)."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT trusted proxies, the address the
    outermost of them saw: that many entries from the right of X-Forwarded-For.

    Entries further left were sent by the client and can be forged, so the left-most
    is never trusted unless the proxies overwrite the header (then the two agree)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:  # not an address: the proxy is misconfigured
        return remote
