"""POSTing a delivery to a receiver, with the SSRF guard.

A webhook URL is chosen by a PMO user, so without a guard Concord could be made to call its own
internal services (databases, cloud metadata at 169.254.169.254, admin ports on localhost). Unless
`WEBHOOKS_ALLOW_PRIVATE_ADDRESSES` is on, every address the host name resolves to must be public:
not private, loopback, link-local, multicast, reserved or unspecified (IPv4 and IPv6, IPv4-mapped
included). The check runs when the hook is saved and again at each delivery, and the connection is
made to the very address that was checked (no second DNS lookup, so DNS rebinding cannot swap it);
TLS still verifies the certificate against the host name. Redirects are not followed.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

EXCERPT = 1000
USER_AGENT = "Concord-Webhooks/1"


class UnsafeURL(ValueError):
    """The URL is malformed, not http(s), or points at an address webhooks may not call."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the connection goes to


@dataclass(frozen=True)
class Outcome:
    status: int | None
    excerpt: str
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def parse(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"Not a valid URL: {exc}.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL("Use an http:// or https:// URL.")
    if not parts.hostname:
        raise UnsafeURL("The URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeURL("Put no user name or password in the URL; receivers check the signature instead.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(url: str) -> Target:
    """Check the URL and pick the address to connect to; raises UnsafeURL."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(f"The host name {host!r} does not resolve.") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        bad = [str(a) for a in addresses if _blocked(a)]
        if bad:
            raise UnsafeURL(f"{host} resolves to a private or reserved address ({bad[0]}); webhooks only call public "
                            "addresses (setting WEBHOOKS_ALLOW_PRIVATE_ADDRESSES).")
    return Target(scheme, host, port, path, str(addresses[0]))


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Outcome:
    try:
        target = resolve(url)
    except UnsafeURL as exc:
        return Outcome(None, "", str(exc))
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    conn = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers={
            "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
        response = conn.getresponse()
        excerpt = response.read(EXCERPT).decode("utf-8", errors="replace")
        return Outcome(response.status, excerpt, "")
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, "", f"{type(exc).__name__}: {exc}"[:500])
    finally:
        conn.close()
