"""`freewheel signin | signout | sync [--once] | status [--json]`.

`add_sync_parsers(subparsers, common)` registers the subcommands on the main parser and
`sync_command(args)` runs them; `main(argv)` builds its own parser so the commands also
run standalone (`python -m app.cli.sync ...`). `build_sync_stack` wires the sync worker
from the infra adapters (the composition root's job, shared by the CLI and the app).

The token never reaches stdout, stderr, logs, settings.json or the data folder (the
explicit `--remember-in-file` opt-in excepted).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import httpx

    from app.core.auth.token import Token
    from app.core.ports import Clock
    from app.core.sync.models import CalendarEntry, LibraryPage, Profile, UploadResult
    from app.core.sync.planner import SyncSession
    from app.core.sync.ports import TokenStore
    from app.core.sync.status import SyncStatus
    from app.infra.http.backend import BackendClient
    from app.infra.paths import AppPaths
    from app.infra.store.library_db import LibraryStore
    from app.infra.sync_store import LibraryCacheAdapter, SqliteOutbox, SyncSettings
    from app.runtime.sync_worker import SyncWorker

__all__ = [
    "PASSWORD_ENV",
    "SyncStack",
    "add_sync_parsers",
    "build_sync_stack",
    "main",
    "sync_command",
]

log = logging.getLogger(__name__)

PASSWORD_ENV = "FREEWHEEL_PASSWORD"
COMMANDS = ("signin", "signout", "sync", "status")
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Usage(Exception):
    """Bad usage or input: one line on stderr, exit code 2."""


# -- parsers ----------------------------------------------------------------------------------


def add_sync_parsers(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common_parent: argparse.ArgumentParser,
) -> None:
    """Register signin, signout, sync and status (common_parent gives --data-dir, --json)."""
    parents = [common_parent]
    signin = subparsers.add_parser("signin", parents=parents, help="sign in to a sync server")
    signin.add_argument("--server", metavar="URL", help="server URL (default: the last one)")
    signin.add_argument("--email", required=True, metavar="E")
    signin.add_argument("--device-name", help="how this computer is named on the server")
    signin.add_argument(
        "--remember-in-file",
        action="store_true",
        help="keep the token in a plain file readable only by you (when no keyring works)",
    )
    signin.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// server that is not on this computer",
    )
    subparsers.add_parser("signout", parents=parents, help="sign this computer out")
    sync = subparsers.add_parser("sync", parents=parents, help="run the sync worker")
    sync.add_argument("--once", action="store_true", help="one sync, then exit")
    sync.add_argument(
        "--interval",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds between syncs (default 300)",
    )
    sync.add_argument("-v", "--verbose", action="count", default=0, help="log more")
    status = subparsers.add_parser("status", parents=parents, help="sync and service status")
    status.add_argument(
        "--no-network", action="store_true", help="do not fetch the service status page"
    )


def _standalone_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="freewheel", description="Freewheel sync commands.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="keep all state in this folder (env FREEWHEEL_HOME)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", required=True)
    add_sync_parsers(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The sync subcommands on their own (tests, `python -m app.cli.sync`)."""
    args = _standalone_parser().parse_args(argv)
    try:
        return sync_command(args)
    except KeyboardInterrupt:
        return EXIT_FAILURE


main_for_tests = main


def sync_command(args: argparse.Namespace) -> int:
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "signin": _signin,
        "signout": _signout,
        "sync": _sync,
        "status": _status,
    }
    try:
        return handlers[args.command](args)
    except _Usage as exc:
        print(f"freewheel: {exc}", file=sys.stderr)
        return EXIT_USAGE


# -- wiring -----------------------------------------------------------------------------------


class _NoServer:
    """The backend when no server is configured: every call says "sign in"."""

    def _refuse(self) -> NoReturn:
        from app.core.sync.errors import AuthRejected

        raise AuthRejected("not_signed_in", "no server configured")

    def renew(self) -> Token:
        self._refuse()

    def me(self) -> Profile:
        self._refuse()

    def library_page(self, cursor: str | None, etag: str | None) -> LibraryPage | None:
        self._refuse()

    def calendar(self, first: date, last: date) -> list[CalendarEntry]:
        self._refuse()

    def put_ride(self, ride_id: str, body: bytes, sha256: str) -> UploadResult:
        self._refuse()


class _LazyLibrary:
    """The library cache, opened on first use (`status` never needs it)."""

    def __init__(self, paths: AppPaths, store: LibraryStore | None) -> None:
        self.paths = paths
        self.store = store
        self.owned = False
        self._adapter: LibraryCacheAdapter | None = None

    def _get(self) -> LibraryCacheAdapter:
        if self._adapter is None:
            from app.infra.sync_store import LibraryCacheAdapter

            if self.store is None:
                from app.wiring import open_library

                self.store = open_library(self.paths)
                self.owned = True
            self._adapter = LibraryCacheAdapter(self.store)
        return self._adapter

    def sync_cursor(self) -> str | None:
        return self._get().sync_cursor()

    def apply_page(self, page: LibraryPage) -> list[tuple[str, str]]:
        return self._get().apply_page(page)

    def store_calendar(self, first: date, last: date, entries: Sequence[CalendarEntry]) -> None:
        self._get().store_calendar(first, last, entries)

    def store_profile(self, profile: Profile) -> None:
        self._get().store_profile(profile)

    def close(self) -> None:
        if self.owned and self.store is not None:
            self.store.close()


@dataclass
class SyncStack:
    """Everything one sync worker needs; close() releases it all."""

    worker: SyncWorker
    session: SyncSession
    tokens: TokenStore
    outbox: SqliteOutbox
    settings: SyncSettings
    backend: BackendClient | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self, timeout_s: float = 5.0) -> bool:
        """Stop the worker, then release what it used. A sync in progress is cancelled: it
        makes no further in-call retry and stops at its next safe point (a library page
        boundary, between steps or uploads; what it committed stays), so the thread ends
        within about one request and the HTTP connections and databases are closed. Only a
        request still in flight after `timeout_s` (a hung server) keeps them open: closing a
        socket under the thread reading it is not safe (the daemon thread ends with the
        process). Returns whether everything was released."""
        if self.backend is not None:
            self.backend.cancel()
        if not self.worker.stop(timeout_s):
            log.warning("a request was still in flight at close; its connections are left open")
            return False
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):
                closer()
        return True


def open_tokens(paths: AppPaths, settings: SyncSettings) -> TokenStore:
    from app.infra.keystore import open_token_store

    return open_token_store(paths.config_dir, plaintext_opt_in=settings.plaintext_token)


def build_sync_stack(
    paths: AppPaths,
    *,
    library: LibraryStore | None = None,
    tokens: TokenStore | None = None,
    clock: Clock | None = None,
    transport: httpx.BaseTransport | None = None,
    interval_s: float = 300.0,
    wait: Callable[[float], bool] | None = None,
    http_timeout: httpx.Timeout | None = None,
    rand: Callable[[], float] | None = None,
) -> SyncStack:
    """Wire a sync worker. Pass the app's own LibraryStore and TokenStore when there is one
    (the GUI); otherwise they are opened here. Nothing touches the network until the
    worker runs. Does not start the worker."""
    from app.core.sync.planner import SyncPorts, SyncSession
    from app.infra.http.backend import BackendClient
    from app.infra.http.reachability import ServerReachability
    from app.infra.http.status_page import StatusPageClient
    from app.infra.keystore import MemoryTokenStore
    from app.infra.sync_store import (
        FitUploadPayloads,
        SqliteOutbox,
        SyncStateFile,
        load_sync_settings,
    )
    from app.runtime.clock import MonotonicClock
    from app.runtime.sync_worker import SyncWorker

    paths.ensure()
    settings = load_sync_settings(paths.settings_file)
    clock = clock or MonotonicClock()
    closers: list[Callable[[], None]] = []
    server = settings.server_url
    if tokens is None:
        tokens = open_tokens(paths, settings) if server else MemoryTokenStore()
    backend: BackendClient | None = None
    status_page: StatusPageClient | None = None
    reachability: ServerReachability | None = None
    if server:
        backend = (
            BackendClient(server, tokens.load, transport, timeout=http_timeout)
            if http_timeout is not None
            else BackendClient(server, tokens.load, transport)
        )
        closers.append(backend.close)
        status_page = StatusPageClient(
            settings.status_url or f"{backend.base_url}/api/v2/summary.json", transport
        )
        closers.append(status_page.close)
        reachability = ServerReachability(
            settings.status_url or backend.base_url, probe_url=backend.base_url
        )
    outbox = SqliteOutbox(paths.rides_db)
    closers.append(outbox.close)
    lazy_library = _LazyLibrary(paths, library)
    closers.append(lazy_library.close)
    ports = SyncPorts(
        backend=backend if backend is not None else _NoServer(),
        tokens=tokens,
        library=lazy_library,
        outbox=outbox,
        payloads=FitUploadPayloads(paths.rides_db, paths.data_dir / "outbox"),
        state=SyncStateFile(paths.cache_dir / "sync_state.json"),
        status_page=status_page,
        reachability=reachability,
    )
    session = SyncSession(ports, clock, server_url=backend.base_url if backend else "")
    if rand is not None:
        session.rand = rand
    worker = SyncWorker(
        session,
        clock,
        interval_s=interval_s,
        wait=wait,
        probe=reachability.probe if reachability else None,
    )
    return SyncStack(worker, session, tokens, outbox, settings, backend, closers)


# -- commands ---------------------------------------------------------------------------------


def _paths(args: argparse.Namespace) -> AppPaths:
    from app.infra.paths import app_paths

    return app_paths(getattr(args, "data_dir", None))


def _password(email: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise _Usage(f"no password: set {PASSWORD_ENV} or run in a terminal")
    import getpass

    password = getpass.getpass(f"Password for {email}: ")
    if not password:
        raise _Usage("no password given")
    return password


class SignInFailed(Exception):
    """Sign-in did not happen; the message says why in plain words."""


def sign_in_with_password(
    paths: AppPaths,
    raw_server: str,
    email: str,
    password: str,
    *,
    device_name: str = "",
    remember_in_file: bool = False,
    allow_insecure_http: bool = False,
) -> tuple[Token, TokenStore, str]:
    """Sign in, store the token (keyring, or the opted-in file) and the server URL.
    Shared by `freewheel signin` and the desktop app. Returns (token, store, server)."""
    from app.core.auth.token import Secret
    from app.core.sync.errors import AuthRejected, BackendError, Unreachable
    from app.core.sync.planner import unreachable_words
    from app.infra.http.backend import BackendClient, normalize_server_url
    from app.infra.http.reachability import diagnose
    from app.infra.keystore import PLAINTEXT_TOKEN_FILE, PlaintextFileTokenStore, open_token_store
    from app.infra.sync_store import update_sync_settings

    try:
        server = normalize_server_url(raw_server, allow_insecure_http=allow_insecure_http)
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    device = device_name or f"Freewheel on {platform.node() or 'this computer'}"
    with BackendClient(server, lambda: None) as client:
        try:
            token = client.sign_in(email, Secret(password), device)
        except AuthRejected:
            raise SignInFailed("sign-in refused: wrong email or password") from None
        except Unreachable as exc:
            raise SignInFailed(f"{unreachable_words(exc)}. {diagnose(server).message}") from None
        except BackendError as exc:
            raise SignInFailed(str(exc)) from None
    tokens = open_token_store(paths.config_dir, plaintext_opt_in=remember_in_file)
    tokens.save(token.for_server(server))
    if not remember_in_file:  # an earlier opt-in file goes when the rider opts out
        PlaintextFileTokenStore(paths.config_dir / PLAINTEXT_TOKEN_FILE).clear()
    update_sync_settings(
        paths.settings_file,
        server_url=server,
        token_storage="plaintext" if remember_in_file else "keyring",
    )
    return token, tokens, server


def _signin(args: argparse.Namespace) -> int:
    from app.core.auth.token import TokenStorage
    from app.infra.keystore import PLAINTEXT_TOKEN_FILE
    from app.infra.sync_store import load_sync_settings

    paths = _paths(args).ensure()
    settings = load_sync_settings(paths.settings_file)
    raw_server = args.server or settings.server_url
    if not raw_server:
        raise _Usage("which server? give --server URL")
    try:
        token, tokens, server = sign_in_with_password(
            paths, raw_server, args.email, _password(args.email),
            device_name=args.device_name or "", remember_in_file=args.remember_in_file,
            allow_insecure_http=args.allow_insecure_http,
        )  # fmt: skip
    except SignInFailed as exc:
        print(f"freewheel: cannot sign in: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    storage = tokens.storage
    account = token.account
    if args.json:
        print(
            json.dumps(
                {
                    "signed_in": True,
                    "server_url": server,
                    "email": account.email,
                    "display_name": account.display_name,
                    "token_state": storage.value,
                }
            )
        )
    else:
        print(
            f"Signed in as {account.display_name} <{account.email}> on {server} "
            f"(token: {storage.value})."
        )
    if storage is TokenStorage.MEMORY_ONLY:
        print(
            "freewheel: warning: no system keyring is available, so this sign-in is kept "
            "only until this command ends. Set up a keyring (e.g. gnome-keyring), or use "
            "--remember-in-file to keep it in a file only you can read.",
            file=sys.stderr,
        )
    elif storage is TokenStorage.PLAINTEXT:
        print(
            f"freewheel: warning: the token is stored in plain text in "
            f"{paths.config_dir / PLAINTEXT_TOKEN_FILE} (readable only by you).",
            file=sys.stderr,
        )
    return EXIT_OK


def _signout(args: argparse.Namespace) -> int:
    from app.core.sync.errors import BackendError
    from app.infra.http.backend import BackendClient
    from app.infra.keystore import (
        PLAINTEXT_TOKEN_FILE,
        KeyringTokenStore,
        PlaintextFileTokenStore,
    )
    from app.infra.sync_store import load_sync_settings, update_sync_settings

    paths = _paths(args).ensure()
    settings = load_sync_settings(paths.settings_file)
    stores: list[TokenStore] = [
        KeyringTokenStore(),
        PlaintextFileTokenStore(paths.config_dir / PLAINTEXT_TOKEN_FILE),
    ]
    token = next((t for t in (s.load() for s in stores) if t is not None), None)
    told_server = False
    if token is not None and settings.server_url:
        try:
            with BackendClient(settings.server_url, lambda: token) as client:
                client.sign_out()
            told_server = True
        except BackendError as exc:
            log.info("server not told about the sign-out: %s", exc)
    for store in stores:
        store.clear()
    update_sync_settings(paths.settings_file, token_storage=None)
    if args.json:
        print(json.dumps({"signed_out": True, "server_told": told_server}))
    elif token is None:
        print("Not signed in.")
    elif told_server:
        print("Signed out.")
    else:
        print(
            "Signed out on this computer; the server could not be told, so the old "
            f"token stays valid until {token.expires_at:%Y-%m-%d}."
        )
    return EXIT_OK


def _configure_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)


def _print_status(status: SyncStatus, as_json: bool) -> None:
    from app.core.sync.status import status_to_dict

    if as_json:
        print(json.dumps(status_to_dict(status)), flush=True)
    else:
        print(f"[{status.state.value}] {status.message}", flush=True)


def _sync(args: argparse.Namespace) -> int:
    from app.core.sync.status import SyncState

    _configure_logging(args.verbose)
    paths = _paths(args)
    stack = build_sync_stack(paths, interval_s=max(args.interval, 1.0))
    try:
        if args.once:
            status = stack.worker.run_once("sync --once")
            _print_status(status, args.json)
            return EXIT_OK if status.state is SyncState.UP_TO_DATE else EXIT_FAILURE
        stop = threading.Event()
        last: list[tuple[str, str]] = []

        def show(status: SyncStatus) -> None:
            key = (status.state.value, status.message)
            if status.state is not SyncState.SYNCING and last[-1:] != [key]:
                last.append(key)
                _print_status(status, args.json)

        stack.worker.add_listener(show)
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stack.worker.start()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        return EXIT_OK
    finally:
        stack.close()


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "never"


def _status(args: argparse.Namespace) -> int:
    from app.core.sync.errors import BackendError
    from app.core.sync.status import status_to_dict

    paths = _paths(args)
    stack = build_sync_stack(paths)
    try:
        summary = None
        page = stack.session.ports.status_page
        if page is not None and not args.no_network:
            try:
                summary = page.summary()
            except BackendError as exc:
                log.info("service status unavailable: %s", exc)
        status = stack.session.snapshot(summary)
    finally:
        stack.close()
    if args.json:
        data = status_to_dict(status)
        data["service_checked"] = summary is not None
        print(json.dumps(data, indent=2))
        return EXIT_OK
    print(f"Sync:      {status.state.value.replace('_', ' ')}: {status.message}")
    print(f"Server:    {status.server_url or '(none; freewheel signin --server URL --email E)'}")
    if status.account_email:
        print(f"Account:   {status.account_email}")
    print(f"Token:     {status.token_state.value}")
    print(f"Last sync: {_when(status.last_success_at)}")
    print(f"Rides:     {status.rides_waiting} waiting, {status.rides_failed} failed")
    for ride in status.failed_rides:
        print(f"  - {ride.started_at[:16]} {ride.workout_name} ({ride.ride_id}): {ride.reason}")
    if status.service_indicator is not None:
        print(f"Service:   {status.service_description or status.service_indicator}")
        for component in status.components:
            print(f"  - {component.name}: {component.state.words}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
