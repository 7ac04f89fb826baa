"""Parsing viewer addresses (``host:port``, ``localhost``, ``[::1]:port``) and telling local from remote."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9876


@dataclass(frozen=True)
class Address:
    """A viewer's TCP address."""

    host: str
    port: int

    @property
    def family(self) -> int:
        """``AF_INET6`` for an IPv6 literal, else ``AF_INET`` (names resolve through getaddrinfo)."""
        import socket

        return socket.AF_INET6 if ":" in self.host else socket.AF_INET

    def is_local(self) -> bool:
        """True when the address is this host's loopback (so the shared-memory ring can be used)."""
        import ipaddress

        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _parse_port(text: str, addr: str) -> int:
    if not text.isdigit():
        raise ValueError(f"addr: expected a port number after ':' in {addr!r}, got {text!r}")
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"addr: port must be in 1..65535, got {port} in {addr!r}")
    return port


def parse_address(addr: str | None, default_port: int = DEFAULT_PORT) -> Address:
    """Parse a viewer address.

    Parameters
    ----------
    addr : str or None
        ``None`` or ``""`` for ``127.0.0.1:9876``; ``"host"``, ``"host:port"``, ``"localhost"``,
        ``"[::1]:port"``, ``"::1"``, or ``"tcp://host:port"``.
    default_port : int
        Port used when ``addr`` names none.

    Raises
    ------
    ValueError
        If ``addr`` is not of one of those forms (the message quotes it).
    TypeError
        If ``addr`` is not a string.
    """
    if addr is None or addr == "":
        return Address(DEFAULT_HOST, default_port)
    if not isinstance(addr, str):
        raise TypeError(f"addr: expected a string like '127.0.0.1:9876', got {type(addr).__name__}")
    text = addr.strip()
    if text.startswith("tcp://"):
        text = text[len("tcp://") :]
    if not text:
        raise ValueError(f"addr: expected 'host:port', got {addr!r}")
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValueError(f"addr: unclosed '[' in IPv6 address {addr!r}; expected e.g. '[::1]:9876'")
        host = text[1:close]
        rest = text[close + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"addr: expected ':port' after ']' in {addr!r}")
        port = _parse_port(rest[1:], addr) if rest else default_port
        _check_ipv6(host, addr)
        return Address(host, port)
    if text.count(":") > 1:  # a bare IPv6 literal without port
        _check_ipv6(text, addr)
        return Address(text, default_port)
    host, sep, port_text = text.partition(":")
    if not host:
        raise ValueError(f"addr: missing host in {addr!r}; expected e.g. '127.0.0.1:9876'")
    if any(ch.isspace() or ch in "/?#@" for ch in host):
        raise ValueError(f"addr: {host!r} is not a valid host name in {addr!r}")
    port = _parse_port(port_text, addr) if sep else default_port
    return Address(host, port)


def _check_ipv6(host: str, addr: str) -> None:
    import ipaddress

    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        raise ValueError(f"addr: {host!r} is not a valid IPv6 address in {addr!r}") from None
