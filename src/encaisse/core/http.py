"""The client's address, for login and API throttling.

Behind a reverse proxy every request comes from the proxy: counting failures per
`REMOTE_ADDR` would lock every user out together. `ENCAISSE_TRUSTED_PROXIES` says how many
proxies of ours stand in front of the app; each appends the address it received the request
from to `X-Forwarded-For`, so the client is that many entries from its end. Entries further
left were written by the client itself and are never trusted.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: `REMOTE_ADDR`, or the one our proxies recorded before it.

    >>> from django.test import RequestFactory
    >>> request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2",
    ...     HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    >>> from django.test import override_settings
    >>> with override_settings(ENCAISSE_TRUSTED_PROXIES=0):
    ...     client_ip(request)
    '10.0.0.2'
    >>> with override_settings(ENCAISSE_TRUSTED_PROXIES=1):
    ...     client_ip(request)
    '203.0.113.7'
    >>> with override_settings(ENCAISSE_TRUSTED_PROXIES=2):
    ...     client_ip(request)
    '6.6.6.6'
    >>> with override_settings(ENCAISSE_TRUSTED_PROXIES=3):  # fewer hops than proxies
    ...     client_ip(request)
    '10.0.0.2'
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = getattr(settings, "ENCAISSE_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [part.strip() for part in str(forwarded).split(",") if part.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote
