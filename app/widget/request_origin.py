"""Where a PC's request comes from, as the phone that finishes it shows it (휴대폰으로 인증).

A phishing page can relay a live QR code of the attacker's own login to a victim's phone; the
code, the RP's name and the 확인 코드 all look right. What the attacker cannot easily fake is
where the PC is: its browser may claim to be anything, but its address is the attacker's own
network. So before the PIN the phone shows the PC's browser and OS, its address with a coarse
network label, and when it started; on another network it warns and asks the person to confirm
that they started the request themselves (SECURITY.md, "Phishing relay of the QR code").

"Same network" is a guess from addresses alone: the same public IPv4 address (a home or office
behind one NAT), the same /24 when both are LAN addresses (RFC 1918 or loopback: a LAN without
NAT), the same /64 for IPv6 (one LAN's prefix). A phone on mobile data next to its PC is
"another network" too: the warning says "if someone sent you this code", not "this is an attack".
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from app.cloud.devices import label_from_user_agent
from app.errors import N_
from app.models import WidgetTransaction
from app.widget.lookups import parent_of

SAME_NETWORK = N_("같은 네트워크")
OTHER_NETWORK = N_("다른 네트워크")
UNKNOWN_ADDRESS = N_("알 수 없음")
# Addresses of a LAN reached without NAT (RFC 1918, and loopback for a developer's machine).
_LAN_RANGES = tuple(
    ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8")
)


def _on_a_lan(address: ipaddress.IPv4Address) -> bool:
    return any(address in lan for lan in _LAN_RANGES)


def same_network(first: str | None, second: str | None) -> bool:
    """Whether two client addresses look like one network (see the module's note)."""
    try:
        a, b = ipaddress.ip_address(first or ""), ipaddress.ip_address(second or "")
    except ValueError:
        return False
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped:
        a = a.ipv4_mapped
    if isinstance(b, ipaddress.IPv6Address) and b.ipv4_mapped:
        b = b.ipv4_mapped
    if a.version != b.version:
        return False
    if a.version == 6:
        return ipaddress.ip_network(f"{a}/64", strict=False) == ipaddress.ip_network(f"{b}/64", strict=False)
    if a == b:
        return True
    same_24 = ipaddress.ip_network(f"{a}/24", strict=False) == ipaddress.ip_network(f"{b}/24", strict=False)
    return same_24 and _on_a_lan(a) and _on_a_lan(b)


@dataclass(frozen=True)
class RequestOrigin:
    """What the phone shows about the PC that started the request."""

    device: str  # browser · OS, e.g. "Chrome · Windows" (in Korean words: shown translated)
    address: str  # or UNKNOWN_ADDRESS
    same_network: bool
    started_at: datetime | None  # when the PC began 휴대폰으로 인증 (naive UTC)

    @property
    def network(self) -> str:
        return SAME_NETWORK if self.same_network else OTHER_NETWORK


def origin_of(phone: WidgetTransaction) -> RequestOrigin:
    """Where the PC of this phone's transaction is, compared with the phone's own network."""
    pc = parent_of(phone)
    if pc is None:  # not a phone's transaction: nothing to compare
        return RequestOrigin(
            device=label_from_user_agent(""), address=UNKNOWN_ADDRESS, same_network=False, started_at=None
        )
    return RequestOrigin(
        device=label_from_user_agent(pc.client_user_agent or ""),
        address=pc.client_address or UNKNOWN_ADDRESS,
        same_network=same_network(pc.client_address, phone.client_address),
        started_at=pc.qr_started_at,
    )
