"""IP address operators: IpAddress, NotIpAddress.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress

- Policy values are IPv4 or IPv6 CIDR blocks (:func:`ipaddress.ip_network`).
- An address without a prefix means ``/32`` for IPv4 [DOC]. For IPv6 it means ``/128``
  [INF: the docs give only /32, without distinguishing IPv6 (docs/iam-semantics.md §8); /128 is the
  single-address reading].
- Host bits set below the prefix (``10.1.2.3/8``) are ignored, i.e. the block is
  ``10.0.0.0/8`` [INF].
- A request value is one address. An IPv4 address never falls in an IPv6 block and vice
  versa. Unparseable values never match. Policy variables are not supported.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from iamspec.engine.variables import Piece

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError("is not an IPv4 or IPv6 address or CIDR block") from None


def parse_value(pieces: tuple[Piece, ...]) -> Network:
    return parse_network("".join(piece.text for piece in pieces))


@lru_cache(maxsize=4096)
def parse_request(value: str) -> Address:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise ValueError("is not an IPv4 or IPv6 address") from None


def contains(policy: Network, request: Address) -> bool:
    return request in policy
