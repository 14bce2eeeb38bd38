"""Who is asking: the client's address, read through the reverse proxies we run.

One function for every limit keyed on an address: the public forms' (territoire.ratelimit) and
allauth's sign-in limits (territoire.adapters.AccountAdapter.get_client_ip). Behind a proxy,
REMOTE_ADDR is the proxy's, the same for everybody: keyed on it, ten failed sign-ins would lock the
whole site out.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    """The address, normalised, without a port some proxies add ("1.2.3.4:5678", "[::1]:80");
    None when it is not an IP address."""
    address = address.strip()
    candidates = [address]
    if address.startswith("[") and "]" in address:
        candidates.append(address[1 : address.index("]")])
    elif address.count(":") == 1:
        candidates.append(address.partition(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or "" when the request carries none.

    With ``TRUSTED_PROXY_COUNT`` = N (settings, from the environment), each of our N proxies
    appended the address it saw to X-Forwarded-For, so the client is the N-th entry from the end;
    the entries before it are whatever the client chose to send and are never read. A request that
    came through fewer of our proxies (a shorter header) is keyed on the first entry one of them
    wrote. With N = 0, or no header, or an entry that is not an address: REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded.strip():
        entries = forwarded.split(",")
        appended_by_us = entries[-proxies:]
        address = _valid(appended_by_us[0])
        if address:
            return address
    return _valid(remote) or remote
