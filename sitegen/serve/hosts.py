"""Which `Host` headers the dev server answers: its own address and names, nothing else.

The dev server serves drafts. Without this check, DNS rebinding reads them: a page on
evil.example waits until its name resolves to 127.0.0.1, then fetches
`http://evil.example:1313/` from the reader's own browser, which sends
`Host: evil.example:1313`. The browser always names the site it thinks it talks to, so
answering only our own names (with our port) closes that door. IP literals cannot be
rebound, so a server listening on every address (`--host 0.0.0.0`) also answers any IP
address, and the machine's host name.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})
_HOST = re.compile(r"(?P<name>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?")


class HostCheck:
    """Accept a `Host` header only when it names this server: one of its names, its port."""

    def __init__(self, own_names: Sequence[str], port: int) -> None:
        """`own_names`: the --host given, first, and the address it was bound to."""
        given = [name.strip("[]").lower() for name in own_names]
        self.port = port
        self.wildcard = any(name in _WILDCARDS for name in given)
        names = {*LOOPBACK_NAMES, *given} - _WILDCARDS
        if self.wildcard:
            names.add(socket.gethostname().lower())
        self._names = frozenset(names)
        first = "any IP address" if self.wildcard else _shown(given[0])
        self.description = " and ".join(dict.fromkeys([f"{first}:{port}", f"localhost:{port}"]))

    def accepts(self, header: str) -> bool:
        """True when `header` (a Host header, or the authority of an absolute URL) is ours."""
        name, port = split_host(header)
        if name is None or port != self.port:
            return False
        return name in self._names or self.wildcard and _is_ip(name)


def split_host(header: str) -> tuple[str | None, int]:
    """(lower-case name without brackets or trailing dot, port) of a Host header.

    Only `name`, `name:port`, `[v6]` and `[v6]:port` are well formed (no user info, no
    lists, no spaces); anything else gives (None, 0).
    """
    match = _HOST.fullmatch(header.strip())
    if match is None:
        return None, 0
    name = match["name"].strip("[]").lower().rstrip(".")
    return name, int(match["port"]) if match["port"] else 80


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
