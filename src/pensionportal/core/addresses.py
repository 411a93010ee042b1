"""The client's address, for the audit trail and the per-address sign-in limits (issue 17,
finding 3; docs/security.md, "Throttling").

Without trusted proxies it is REMOTE_ADDR. Behind a load balancer or reverse proxy every
request comes from the proxy, so `PORTAL_TRUSTED_PROXIES` lists the proxies' addresses or
networks (`10.0.0.0/8,fd00::/8`): while the address at hand is one of them, the next one
to the left in X-Forwarded-For is taken, as many hops as there are trusted proxies in the
path. The first address that is not a trusted proxy is the client's. What a client writes
itself into X-Forwarded-For stands to the left of what the proxies append, so it is never
reached; a request from an address that is not a trusted proxy has its header ignored.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str] | str) -> list[Network]:
    """`10.0.0.0/8, 192.0.2.7` into networks; a value that is neither an address nor a
    network is refused, named."""
    if isinstance(values, str):
        values = values.split(",")
    return networks_in(
        values,
        lambda _number, value: ImproperlyConfigured(
            f"PORTAL_TRUSTED_PROXIES: {value!r} is not an IP address or network "
            "(for example 10.0.0.0/8)."
        ),
    )


def networks_in(values: Iterable[str], refused: Callable[[int, str], Exception]) -> list[Network]:
    """Each non-blank value, stripped, as an IP network (an address is a network of one);
    for one that is neither, the error `refused(its number from 1, the value)` is raised."""
    networks: list[Network] = []
    for number, raw in enumerate(values, 1):
        value = raw.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise refused(number, value) from None
    return networks


@functools.lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(parse_networks(values))


def _address(value: str) -> Address | None:
    try:
        found = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def client_address(request: HttpRequest) -> str | None:
    remote = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    trusted = _trusted(tuple(str(value) for value in settings.TRUSTED_PROXIES))
    current = remote
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    while trusted and any(current in network for network in trusted) and hops:
        previous = _address(hops.pop())
        if previous is None:
            break
        current = previous
    return str(current)
