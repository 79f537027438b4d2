"""Where the sign-in token lives (ARCHITECTURE.md, "Data on disk").

* `KeyringTokenStore`: the OS keyring (service "freewheel"), recommended backends only.
  keyrings.alt's plaintext/encrypted-file backends, keyring's `fail` and `null` backends
  are refused: they would either keep the token in a plain file nobody chose or silently
  lose it. When no acceptable backend works (none installed, locked, no D-Bus session),
  the token is kept in memory for this session and `storage` says "memory only", which
  the UI and `freewheel status` show.
* `PlaintextFileTokenStore`: only when the rider explicitly opts in; 0600 permissions,
  and `storage` says "plaintext opt-in" so the warning stays visible.

The token never goes to logs, settings or the data folder (except the explicit opt-in).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import threading
import time
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors

from app.core.auth.token import (
    StoredTokenError,
    Token,
    TokenStorage,
    token_from_storage_json,
    token_to_storage_json,
)

__all__ = [
    "KEYRING_SERVICE",
    "KEYRING_SERVICE_ENV",
    "KEYRING_USERNAME",
    "PLAINTEXT_TOKEN_FILE",
    "KeyringTokenStore",
    "MemoryTokenStore",
    "PlaintextFileTokenStore",
    "acceptable_backend",
    "open_token_store",
    "select_backend",
]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "freewheel"
KEYRING_SERVICE_ENV = "FREEWHEEL_KEYRING_SERVICE"  # tests: never touch the rider's own entry
KEYRING_USERNAME = "sync-token"
PLAINTEXT_TOKEN_FILE = "token-plaintext.json"
_CACHE_S = 60.0  # re-read the keyring at most once a minute (another process may sign in)

# Exceptions a keyring backend may raise besides its own family (D-Bus trouble and the like).
_KEYRING_FAILURES: tuple[type[BaseException], ...] = (
    keyring.errors.KeyringError,
    RuntimeError,
    OSError,
    ValueError,
)
_REFUSED_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def _priority(backend: Any) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend may raise from its priority probe
        return -1.0


def acceptable_backend(backend: Any) -> bool:
    """A recommended (priority >= 1), non-plaintext, non-fail, non-null backend."""
    module = type(backend).__module__
    if module.startswith(_REFUSED_MODULES):
        return False
    if type(backend).__name__ == "ChainerBackend":
        return False  # judged by its members (select_backend)
    return _priority(backend) >= 1


def select_backend() -> Any | None:
    """The keyring backend to use, or None when no acceptable one is available. Respects
    keyring's own choice (PYTHON_KEYRING_BACKEND, keyringrc.cfg, keyring.set_keyring) but
    refuses a bad one rather than trying to outguess it; a chainer is reduced to its best
    acceptable member (never falling through to a plaintext file)."""
    try:
        current = keyring.get_keyring()
    except Exception as exc:
        log.warning("no keyring: %s", type(exc).__name__)
        return None
    if acceptable_backend(current):
        return current
    members = getattr(current, "backends", None)
    if type(current).__name__ == "ChainerBackend" and members:
        good = [b for b in members if acceptable_backend(b)]
        if good:
            return max(good, key=_priority)
    log.info(
        "keyring backend %s refused; the sign-in is kept in memory only", type(current).__module__
    )
    return None


class MemoryTokenStore:
    """The token for this session only (also the test double)."""

    storage = TokenStorage.MEMORY_ONLY

    def __init__(self, token: Token | None = None) -> None:
        self._token = token
        self._lock = threading.Lock()

    def load(self) -> Token | None:
        with self._lock:
            return self._token

    def save(self, token: Token) -> None:
        with self._lock:
            self._token = token

    def clear(self) -> None:
        with self._lock:
            self._token = None


class KeyringTokenStore:
    """The token in the OS keyring, falling back to memory (visibly) when that fails."""

    def __init__(
        self,
        backend: Any | None = None,
        *,
        service: str | None = None,
        username: str = KEYRING_USERNAME,
        monotonic: Any = time.monotonic,
    ) -> None:
        self.service = service or os.environ.get(KEYRING_SERVICE_ENV) or KEYRING_SERVICE
        self.username = username
        self._explicit = backend
        self._backend: Any | None = None
        self._selected = False
        self._memory = MemoryTokenStore()
        self._problem: str | None = None
        self._cached: Token | None = None
        self._cached_at: float | None = None
        self._monotonic = monotonic
        self._lock = threading.RLock()

    # -- state ------------------------------------------------------------------------------
    def _keyring(self) -> Any | None:
        if not self._selected:
            self._selected = True
            if self._explicit is not None and not acceptable_backend(self._explicit):
                self._degrade(f"keyring backend {type(self._explicit).__module__} refused")
            else:
                self._backend = self._explicit if self._explicit is not None else select_backend()
                if self._backend is None:
                    self._degrade("no system keyring is available")
        return None if self._problem else self._backend

    def _degrade(self, why: str) -> None:
        if self._problem is None:
            log.warning("token kept in memory only: %s", why)
        self._problem = why

    @property
    def storage(self) -> TokenStorage:
        with self._lock:
            return TokenStorage.KEYRING if self._keyring() is not None else TokenStorage.MEMORY_ONLY

    @property
    def problem(self) -> str | None:
        """Why the token is in memory only (plain words), or None."""
        with self._lock:
            self._keyring()
            return self._problem

    # -- TokenStore -------------------------------------------------------------------------
    def load(self) -> Token | None:
        with self._lock:
            backend = self._keyring()
            if backend is None:
                return self._memory.load()
            now = self._monotonic()
            if self._cached_at is not None and now - self._cached_at < _CACHE_S:
                return self._cached
            try:
                text = backend.get_password(self.service, self.username)
            except _KEYRING_FAILURES as exc:
                self._degrade(f"the keyring failed ({type(exc).__name__})")
                return self._memory.load()
            token: Token | None = None
            if text:
                try:
                    token = token_from_storage_json(text)
                except StoredTokenError as exc:
                    log.warning(
                        "the stored sign-in cannot be read (%s); sign in again", type(exc).__name__
                    )
            self._cached, self._cached_at = token, now
            return token

    def save(self, token: Token) -> None:
        with self._lock:
            backend = self._keyring()
            if backend is not None:
                try:
                    backend.set_password(self.service, self.username, token_to_storage_json(token))
                    self._cached, self._cached_at = token, self._monotonic()
                    return
                except _KEYRING_FAILURES as exc:
                    self._degrade(f"the keyring refused the token ({type(exc).__name__})")
            self._memory.save(token)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
            self._cached, self._cached_at = None, None
            backend = self._keyring()
            if backend is None:
                return
            try:
                backend.delete_password(self.service, self.username)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing stored
            except _KEYRING_FAILURES as exc:
                self._degrade(f"the keyring failed ({type(exc).__name__})")


class PlaintextFileTokenStore:
    """The rider's explicit choice: the token in a file only they can read (0600)."""

    storage = TokenStorage.PLAINTEXT

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> Token | None:
        with self._lock:
            try:
                mode = stat.S_IMODE(self.path.stat().st_mode)
                if os.name == "posix" and mode & 0o077:
                    log.warning("token file was readable by others; restricting it to 0600")
                    os.chmod(self.path, 0o600)
                text = self.path.read_bytes().decode("utf-8")
            except FileNotFoundError:
                return None
            except OSError as exc:
                log.warning("token file unreadable: %s", exc.strerror or type(exc).__name__)
                return None
            except UnicodeDecodeError:
                log.warning("the token file is not text; sign in again")
                return None
            try:
                return token_from_storage_json(text)
            except StoredTokenError:
                log.warning("the token file cannot be read; sign in again")
                return None

    def save(self, token: Token) -> None:
        with self._lock:
            folder = self.path.parent
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{self.path.name}.{secrets.token_hex(4)}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(token_to_storage_json(token))
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise

    def clear(self) -> None:
        with self._lock, contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def open_token_store(
    config_dir: Path, *, plaintext_opt_in: bool = False, backend: Any | None = None
) -> KeyringTokenStore | PlaintextFileTokenStore:
    """The store the settings ask for: the keyring (default) or the opted-in file."""
    if plaintext_opt_in:
        return PlaintextFileTokenStore(Path(config_dir) / PLAINTEXT_TOKEN_FILE)
    return KeyringTokenStore(backend)
