"""An API client's IP allow-list: addresses and networks (CIDR), one a line."""

from __future__ import annotations

import ipaddress

from pensionportal.core.addresses import Network, networks_in

MAX_NETWORKS = 50


class NetworkError(ValueError):
    pass


def parse(text: str) -> list[Network]:
    """Each non-blank line as a network; a line that is neither an address nor a network
    is refused, naming it."""
    networks = networks_in(
        text.splitlines(),
        lambda number, line: NetworkError(
            f"Line {number} ({line[:60]}) is not an IP address or network such as "
            "203.0.113.10 or 203.0.113.0/24."
        ),
    )
    if len(networks) > MAX_NETWORKS:
        raise NetworkError(f"At most {MAX_NETWORKS} addresses or networks can be listed.")
    return networks


def normalized(text: str) -> str:
    return "\n".join(str(network) for network in parse(text))


def allows(text: str, address: str | None) -> bool:
    """Whether `address` may use a client with this allow-list (empty: any address)."""
    networks = parse(text) if text.strip() else []
    if not networks:
        return True
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
