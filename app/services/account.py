"""The sync account: sign in, sign out, and "is it me or them?".

One implementation for every front end: `freewheel signin/signout` and the desktop app's
sign-in panel. Sign-out clears every place a token may be kept (the store in use, the
keyring, the opted-in file), tells the server when it can, and never fails for want of a
network. The token never reaches stdout, logs, settings.json or the data folder (the
explicit `remember_in_file` opt-in excepted).
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.auth.token import Secret, Token
    from app.core.sync.models import StatusSummary
    from app.core.sync.ports import TokenStore
    from app.infra.paths import AppPaths

__all__ = [
    "NoServer",
    "SignInFailed",
    "SignedIn",
    "SignedOut",
    "TokenNotKept",
    "check_connection",
    "configured_server",
    "open_tokens",
    "service_status",
    "sign_in",
    "sign_out",
]

log = logging.getLogger(__name__)


class SignInFailed(Exception):
    """Sign-in did not happen; the message says why in plain words."""


class TokenNotKept(SignInFailed):
    """The server said yes, but nothing here can keep the token past this process."""


class NoServer(LookupError):
    """No sync server is set up yet."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: Token
    tokens: TokenStore  # where it is kept now
    server_url: str
    token_file: Path | None = None  # the plain file, when the rider opted into one


@dataclass(frozen=True, slots=True)
class SignedOut:
    was_signed_in: bool
    server_told: bool
    token_expires_at: datetime | None  # when the old token stops working, if not told


def configured_server(paths: AppPaths) -> str | None:
    """The server signed in to last (kept in settings.json), if any."""
    from app.infra.sync_store import load_sync_settings

    return load_sync_settings(paths.settings_file).server_url


def open_tokens(paths: AppPaths) -> TokenStore:
    """The token store the settings ask for: the keyring, or the opted-in file."""
    from app.infra.keystore import open_token_store
    from app.infra.sync_store import load_sync_settings

    settings = load_sync_settings(paths.settings_file)
    return open_token_store(paths.config_dir, plaintext_opt_in=settings.plaintext_token)


def sign_in(
    paths: AppPaths,
    server_url: str,
    email: str,
    password: str,
    *,
    device_name: str = "",
    remember_in_file: bool = False,
    allow_insecure_http: bool = False,
    memory_only_ok: bool = True,
) -> SignedIn:
    """Sign in; keep the token (keyring, or the opted-in file) and the server's URL.
    Raises ValueError for a URL that cannot be used, SignInFailed when the server says no
    or cannot be reached, TokenNotKept when no keyring works and the caller cannot live
    with a sign-in kept in memory (`memory_only_ok=False`, e.g. a command that ends at
    once): the token is then revoked, not left valid on the server."""
    from app.core.auth.token import Secret, TokenStorage
    from app.infra.http.backend import normalize_server_url
    from app.infra.keystore import PLAINTEXT_TOKEN_FILE, PlaintextFileTokenStore, open_token_store
    from app.infra.sync_store import update_sync_settings

    server = normalize_server_url(server_url, allow_insecure_http=allow_insecure_http)
    device = device_name or f"Freewheel on {platform.node() or 'this computer'}"
    token = _ask_for_token(server, email, Secret(password), device)
    paths.ensure()
    tokens = open_token_store(paths.config_dir, plaintext_opt_in=remember_in_file)
    tokens.save(token.for_server(server))
    if tokens.storage is TokenStorage.MEMORY_ONLY and not memory_only_ok:
        tokens.clear()
        _revoke(server, token)
        raise TokenNotKept(
            "no system keyring is available, so the sign-in cannot be kept; set up a "
            "keyring (e.g. gnome-keyring), or sign in with --remember-in-file (a file only "
            "you can read) or --memory-only (until this command ends)."
        )
    if not remember_in_file:  # an earlier opt-in file goes when the rider opts out
        PlaintextFileTokenStore(paths.config_dir / PLAINTEXT_TOKEN_FILE).clear()
    update_sync_settings(
        paths.settings_file,
        server_url=server,
        token_storage="plaintext" if remember_in_file else "keyring",
    )
    token_file = paths.config_dir / PLAINTEXT_TOKEN_FILE if remember_in_file else None
    return SignedIn(token, tokens, server, token_file)


def _revoke(server: str, token: Token) -> None:
    from app.core.sync.errors import BackendError
    from app.infra.http.backend import BackendClient

    try:
        with BackendClient(server, lambda: token) as client:
            client.sign_out()
    except BackendError as exc:  # it expires on its own; nothing on this computer keeps it
        log.info("the token that could not be kept was not revoked: %s", exc)


def _ask_for_token(server: str, email: str, password: Secret, device: str) -> Token:
    from app.core.sync.errors import AuthRejected, BackendError, Unreachable
    from app.core.sync.planner import unreachable_words
    from app.infra.http.backend import BackendClient
    from app.infra.http.reachability import diagnose

    with BackendClient(server, lambda: None) as client:
        try:
            return client.sign_in(email, password, device)
        except AuthRejected:
            raise SignInFailed("sign-in refused: wrong email or password") from None
        except Unreachable as exc:
            raise SignInFailed(f"{unreachable_words(exc)}. {diagnose(server).message}") from None
        except BackendError as exc:
            raise SignInFailed(str(exc)) from None


def sign_out(paths: AppPaths, *, in_use: TokenStore | None = None) -> SignedOut:
    """Forget the sign-in everywhere it may be kept: `in_use` (e.g. the app's memory-only
    store when there is no keyring), the keyring and the opted-in file; tell the server
    when it answers. Always succeeds."""
    from app.core.sync.errors import BackendError
    from app.infra.http.backend import BackendClient
    from app.infra.keystore import PLAINTEXT_TOKEN_FILE, KeyringTokenStore, PlaintextFileTokenStore
    from app.infra.sync_store import load_sync_settings, update_sync_settings

    paths.ensure()
    server = load_sync_settings(paths.settings_file).server_url
    stores: list[TokenStore] = [
        *([in_use] if in_use is not None else []),
        KeyringTokenStore(),
        PlaintextFileTokenStore(paths.config_dir / PLAINTEXT_TOKEN_FILE),
    ]
    token = next((t for t in (_load(s) for s in stores) if t is not None), None)
    told = False
    if token is not None and server:
        try:
            with BackendClient(server, lambda: token) as client:
                client.sign_out()
            told = True
        except BackendError as exc:
            log.info("server not told about the sign-out: %s", exc)
    for store in stores:
        _clear(store)
    update_sync_settings(paths.settings_file, token_storage=None)
    return SignedOut(token is not None, told, None if told or token is None else token.expires_at)


def _load(store: TokenStore) -> Token | None:
    try:
        return store.load()
    except Exception as exc:  # an unreadable store is as good as empty for signing out
        log.info("token store %s unreadable at sign-out: %s", type(store).__name__, exc)
        return None


def _clear(store: TokenStore) -> None:
    try:
        store.clear()
    except Exception as exc:
        log.warning("token store %s could not be cleared: %s", type(store).__name__, exc)


def check_connection(paths: AppPaths) -> str:
    """Is it me or them? DNS, TCP and TLS to the server, then its health check, in plain
    words. Raises NoServer when none is set up."""
    from app.infra.http.backend import BackendClient, normalize_server_url
    from app.infra.http.reachability import ServerReachability
    from app.infra.sync_store import load_sync_settings

    settings = load_sync_settings(paths.settings_file)
    server = settings.server_url
    if not server:
        raise NoServer("No server is set up yet: sign in first.")
    base = normalize_server_url(server, allow_insecure_http=True)
    diagnosis = ServerReachability(settings.status_url or base, probe_url=base).diagnose()
    if diagnosis.server_reachable:
        with BackendClient(server, lambda: None) as client:
            if client.healthy():
                return "Your connection works and the server answers."
    return str(diagnosis.message)


def service_status(paths: AppPaths) -> StatusSummary | None:
    """The service status page now (the one set up, else the server's own); None when no
    server is set up. Raises BackendError when the page does not answer."""
    from app.infra.http.status_page import StatusPageClient
    from app.infra.sync_store import load_sync_settings

    settings = load_sync_settings(paths.settings_file)
    url = status_page_url(settings.server_url, settings.status_url)
    if url is None:
        return None
    client = StatusPageClient(url)
    try:
        return client.summary()
    finally:
        client.close()


def status_page_url(server_url: str | None, status_url: str | None) -> str | None:
    if status_url:
        return status_url
    if not server_url:
        return None
    from app.infra.http.backend import normalize_server_url

    return f"{normalize_server_url(server_url, allow_insecure_http=True)}/api/v2/summary.json"
