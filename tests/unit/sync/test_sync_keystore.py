"""Token stores: the keyring (recommended backends only) with a visible memory fallback,
and the plaintext file only on explicit opt-in. The token never reaches a log."""

from __future__ import annotations

import logging
import os
import stat

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from sync_fakes import SECRET_VALUE, make_token

from app.core.auth.token import TokenStorage
from app.infra.keystore import (
    KEYRING_SERVICE,
    KEYRING_USERNAME,
    KeyringTokenStore,
    MemoryTokenStore,
    PlaintextFileTokenStore,
    acceptable_backend,
    open_token_store,
    select_backend,
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.store[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


class LockedKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


class NoBusKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        raise keyring.errors.InitError("Failed to create the collection: Prompt dismissed..")


class PlaintextLookalike(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (not installed here)."""

    priority = 5  # type: ignore[assignment]


PlaintextLookalike.__module__ = "keyrings.alt.file"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def mem_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_round_trip_through_the_system_keyring(mem_keyring, caplog):
    caplog.set_level(logging.DEBUG)
    store = KeyringTokenStore()
    assert store.storage is TokenStorage.KEYRING and store.problem is None
    assert store.load() is None
    token = make_token()
    store.save(token)
    assert SECRET_VALUE in mem_keyring.store[(KEYRING_SERVICE, KEYRING_USERNAME)]
    assert KeyringTokenStore().load() == token  # another process / instance reads it back
    store.clear()
    assert mem_keyring.store == {}
    assert KeyringTokenStore().load() is None
    store.clear()  # nothing stored: still fine
    assert SECRET_VALUE not in caplog.text
    assert SECRET_VALUE not in repr(store)


def test_reads_are_cached_briefly_then_refreshed(mem_keyring):
    clock = Clock()
    store = KeyringTokenStore(monotonic=clock)
    assert store.load() is None
    KeyringTokenStore().save(make_token())  # another process signs in
    assert store.load() is None
    clock.t = 61
    assert store.load() == make_token()


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), PlaintextLookalike()],
)
def test_refused_backends_fall_back_to_memory_visibly(backend, caplog):
    caplog.set_level(logging.DEBUG)
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        assert not acceptable_backend(backend)
        assert select_backend() is None
        store = KeyringTokenStore()
        token = make_token()
        store.save(token)
        assert store.storage is TokenStorage.MEMORY_ONLY
        assert store.problem
        assert store.load() == token  # for this session
        assert getattr(backend, "store", {}) == {}  # nothing written to a refused backend
    finally:
        keyring.set_keyring(previous)
    assert SECRET_VALUE not in caplog.text


def test_an_explicit_refused_backend_is_refused_too():
    store = KeyringTokenStore(PlaintextLookalike())
    store.save(make_token())
    assert store.storage is TokenStorage.MEMORY_ONLY


@pytest.mark.parametrize("backend", [LockedKeyring(), NoBusKeyring()])
def test_keyring_errors_degrade_to_memory(backend, caplog):
    caplog.set_level(logging.DEBUG)
    store = KeyringTokenStore(backend)
    token = make_token()
    store.save(token)
    assert store.storage is TokenStorage.MEMORY_ONLY
    assert "memory only" in caplog.text
    assert store.load() == token
    store.clear()
    assert store.load() is None
    assert SECRET_VALUE not in caplog.text


def test_a_chainer_is_reduced_to_its_best_acceptable_member(monkeypatch):
    from keyring.backends.chainer import ChainerBackend

    good = MemoryKeyring()
    chainer = ChainerBackend()
    monkeypatch.setattr(
        ChainerBackend, "backends", property(lambda self: [PlaintextLookalike(), good])
    )
    previous = keyring.get_keyring()
    keyring.set_keyring(chainer)
    try:
        assert select_backend() is good
    finally:
        keyring.set_keyring(previous)


def test_a_damaged_keyring_entry_means_signed_out(mem_keyring, caplog):
    mem_keyring.store[(KEYRING_SERVICE, KEYRING_USERNAME)] = "not json " + SECRET_VALUE
    assert KeyringTokenStore().load() is None
    assert SECRET_VALUE not in caplog.text


def test_plaintext_file_only_for_its_owner(tmp_path):
    path = tmp_path / "cfg" / "token-plaintext.json"
    store = PlaintextFileTokenStore(path)
    assert store.storage is TokenStorage.PLAINTEXT
    assert store.load() is None
    token = make_token()
    store.save(token)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.load() == token
    os.chmod(path, 0o644)
    assert store.load() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["token-plaintext.json"]  # no temp left
    path.write_text("garbage")
    assert store.load() is None
    store.clear()
    assert not path.exists()
    store.clear()


def test_open_token_store_follows_the_opt_in(tmp_path, mem_keyring):
    assert isinstance(open_token_store(tmp_path), KeyringTokenStore)
    chosen = open_token_store(tmp_path, plaintext_opt_in=True)
    assert isinstance(chosen, PlaintextFileTokenStore)
    assert chosen.path.parent == tmp_path


def test_memory_store():
    store = MemoryTokenStore()
    assert store.storage is TokenStorage.MEMORY_ONLY and store.load() is None
    store.save(make_token())
    assert store.load() == make_token()
    store.clear()
    assert store.load() is None
