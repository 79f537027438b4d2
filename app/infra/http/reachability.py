""" "Is it me or them?": DNS, TCP and TLS checks against a server's host, each with a
short timeout, answered in plain words. Also the cheap probe the sync worker uses to
notice that connectivity is back (one TCP connect).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from app.core.sync.models import Diagnosis

__all__ = ["ServerReachability", "diagnose", "probe"]

Resolver = Callable[..., list[tuple[Any, ...]]]

_NO_NETWORK_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


def _target(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    tls = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if tls else 80), tls


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int, timeout_s: float, resolver: Resolver) -> list[tuple[Any, ...]]:
    """getaddrinfo has no timeout; run it on a helper thread and stop waiting after one."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = resolver(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=work, name="dns-probe", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise TimeoutError("DNS lookup timed out")
    if "error" in box:
        raise box["error"]
    return list(box["result"])


def _connect(addresses: list[tuple[Any, ...]], timeout_s: float) -> socket.socket:
    last: OSError = OSError("no address")
    for family, type_, proto, _, sockaddr in addresses:
        sock = socket.socket(family, type_, proto)
        sock.settimeout(timeout_s)
        try:
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last


def diagnose(
    url: str,
    *,
    timeout_s: float = 3.0,
    resolver: Resolver = socket.getaddrinfo,
    tls_context: ssl.SSLContext | None = None,
    label: str = "the Freewheel server",
) -> Diagnosis:
    host, port, tls = _target(url)
    steps: list[str] = []
    literal = _is_ip(host)
    # 1. DNS
    if literal:
        addresses = resolver(host, port, type=socket.SOCK_STREAM)
        steps.append(f"dns: {host} is an address, no lookup needed")
    else:
        try:
            addresses = _resolve(host, port, timeout_s, resolver)
            steps.append(f"dns: {host} resolved")
        except socket.gaierror as exc:
            steps.append(f"dns: {exc}")
            if exc.errno == socket.EAI_NONAME:
                return Diagnosis(
                    False,
                    False,
                    f"No network, or no such server: DNS cannot find {host}. Check your "
                    "connection and the server address.",
                    tuple(steps),
                )
            return Diagnosis(False, False, f"No network: DNS lookups fail ({host}).", tuple(steps))
        except (TimeoutError, OSError) as exc:
            steps.append(f"dns: {exc}")
            return Diagnosis(False, False, f"No network: DNS lookups fail ({host}).", tuple(steps))
    network_ok = not literal  # a name resolved: the network and its DNS work
    # 2. TCP
    try:
        sock = _connect(addresses, timeout_s)
    except TimeoutError:
        steps.append("tcp: timed out")
        return Diagnosis(
            network_ok,
            False,
            f"{label.capitalize()} is not answering (no reply within {timeout_s:g} s): it may "
            "be down, or a firewall is in the way.",
            tuple(steps),
        )
    except OSError as exc:
        steps.append(f"tcp: {exc}")
        if exc.errno in _NO_NETWORK_ERRNOS:
            return Diagnosis(
                False, False, "No network: this computer has no route to the server.", tuple(steps)
            )
        if exc.errno == errno.ECONNREFUSED:
            where = "" if literal else "Your connection works, but "
            text = f"{where}{label} refuses connections (it may be down)."
            return Diagnosis(network_ok, False, text[0].upper() + text[1:], tuple(steps))
        return Diagnosis(network_ok, False, f"Cannot connect to {label}: {exc}.", tuple(steps))
    steps.append(f"tcp: connected to {host}:{port}")
    # 3. TLS
    with sock:
        if tls:
            context = tls_context or ssl.create_default_context()
            try:
                with context.wrap_socket(sock, server_hostname=host) as secure:
                    steps.append(f"tls: {secure.version()}")
            except ssl.SSLCertVerificationError as exc:
                steps.append(f"tls: {exc.verify_message}")
                return Diagnosis(
                    True,
                    False,
                    f"Connected, but {label}'s certificate is not valid for {host}: a "
                    "captive portal or proxy may be in the way.",
                    tuple(steps),
                )
            except (ssl.SSLError, OSError) as exc:
                steps.append(f"tls: {exc}")
                return Diagnosis(
                    True,
                    False,
                    f"Connected, but no secure connection to {label} could be made: a "
                    "captive portal or proxy may be in the way.",
                    tuple(steps),
                )
    return Diagnosis(
        True, True, f"Your connection works; {label} is not answering properly.", tuple(steps)
    )


def probe(url: str, *, timeout_s: float = 2.0, resolver: Resolver = socket.getaddrinfo) -> bool:
    """One TCP connect to the server's host: True when it is accepted."""
    try:
        host, port, _ = _target(url)
        addresses = _resolve(host, port, timeout_s, resolver)
        _connect(addresses, timeout_s).close()
    except (OSError, ValueError):
        return False
    return True


class ServerReachability:
    """The core's Reachability port. `url` is checked by diagnose(): the status page's
    host, ideally separate infrastructure, so "reachable" there means "your connection
    works". `probe_url` (default: `url`) is what the cheap probe connects to: the API."""

    def __init__(
        self,
        url: str,
        *,
        probe_url: str | None = None,
        timeout_s: float = 3.0,
        resolver: Resolver = socket.getaddrinfo,
    ) -> None:
        self.url = url
        self.probe_url = probe_url or url
        self.timeout_s = timeout_s
        self.resolver = resolver

    def diagnose(self) -> Diagnosis:
        return diagnose(self.url, timeout_s=self.timeout_s, resolver=self.resolver)

    def probe(self) -> bool:
        return probe(self.probe_url, timeout_s=min(self.timeout_s, 2.0), resolver=self.resolver)
