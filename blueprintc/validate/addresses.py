"""IP addresses and CIDRs as the API server reads them: Go's `ParseCIDRSloppy`, which
also takes IPv4 octets with leading zeros (read as decimal), where Python's `ipaddress`
refuses them. A Service's source ranges and a NetworkPolicy's IP blocks are read so."""

from __future__ import annotations

import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(text: str) -> Network | None:
    """The network of `ip/prefix` (its address masked, as Go's ParseCIDR gives it), or
    None when the API server cannot read it: no `/`, a prefix that is no decimal number
    or longer than the address, an address that is none."""
    address, slash, prefix = text.partition("/")
    if not slash or not prefix.isascii() or not prefix.isdigit():
        return None
    octets = address.split(".")
    if len(octets) == 4 and all(o.isascii() and o.isdigit() and len(o) <= 3 for o in octets):
        if any(int(o) > 255 for o in octets) or int(prefix) > 32:
            return None
        address = ".".join(str(int(o)) for o in octets)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if int(prefix) > parsed.max_prefixlen:
        return None
    return ipaddress.ip_network(f"{parsed}/{int(prefix)}", strict=False)
