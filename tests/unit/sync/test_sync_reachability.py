""" "Is it me or them?" against 127.0.0.1 only: a listening port, a closed one, a resolver
that fails, a TLS handshake with something that does not speak TLS."""

from __future__ import annotations

import socket
import threading

import pytest

from app.infra.http.reachability import ServerReachability, diagnose, probe


@pytest.fixture
def listening():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.sendall(b"HTTP/1.1 200 OK\r\n\r\nnot tls at all")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_reachable_server_means_it_is_them(listening):
    result = diagnose(f"http://127.0.0.1:{listening}/api/v2/summary.json", timeout_s=1)
    assert result.network_ok and result.server_reachable
    assert "Your connection works" in result.message
    assert probe(f"http://127.0.0.1:{listening}")


def test_refused_connection(closed_port):
    result = diagnose(f"http://127.0.0.1:{closed_port}", timeout_s=1)
    assert not result.server_reachable
    assert "refuses connections" in result.message
    assert not probe(f"http://127.0.0.1:{closed_port}")


def _resolver_to(port: int):
    def resolve(host, _port, type=0):
        assert host == "status.freewheel.test"
        return socket.getaddrinfo("127.0.0.1", port, type=type)

    return resolve


def test_dns_failure_means_no_network():
    def no_dns(host, port, type=0):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    result = diagnose("https://status.freewheel.test", resolver=no_dns, timeout_s=1)
    assert not result.network_ok and not result.server_reachable
    assert result.message.startswith("No network: DNS lookups fail")
    assert not probe("https://status.freewheel.test", resolver=no_dns)


def test_unknown_name():
    def no_such(host, port, type=0):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = diagnose("https://status.freewheel.test", resolver=no_such, timeout_s=1)
    assert "DNS cannot find status.freewheel.test" in result.message


def test_resolved_name_but_refused_says_the_network_works(closed_port):
    result = diagnose("http://status.freewheel.test", resolver=_resolver_to(closed_port))
    assert result.network_ok and not result.server_reachable
    assert result.message.startswith("Your connection works, but")


def test_tls_handshake_failure_is_explained(listening):
    result = diagnose(
        "https://status.freewheel.test", resolver=_resolver_to(listening), timeout_s=1
    )
    assert result.network_ok and not result.server_reachable
    assert "no secure connection" in result.message
    assert any(step.startswith("tls:") for step in result.steps)


def test_the_port_object(listening):
    reach = ServerReachability(f"http://127.0.0.1:{listening}", timeout_s=1)
    assert reach.probe() and reach.diagnose().server_reachable
