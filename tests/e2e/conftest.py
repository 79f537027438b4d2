"""End-to-end fixtures."""

import socket

import pytest


@pytest.fixture
def refused_network(monkeypatch):
    """Every outbound IP connection is refused, as on a machine with no network.

    Returns the list of addresses something tried to reach, so a test can also prove the
    ride path never even tried."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def is_ip(sock: socket.socket) -> bool:
        return sock.family in (socket.AF_INET, socket.AF_INET6)

    def connect(self, address):
        if is_ip(self):
            attempts.append(address)
            raise ConnectionRefusedError(f"test: network refused ({address})")
        return real_connect(self, address)

    def connect_ex(self, address):
        if is_ip(self):
            attempts.append(address)
            return 111  # ECONNREFUSED
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise ConnectionRefusedError(f"test: network refused ({address})")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts
