"""`freewheel signin | signout`. The token never reaches stdout or stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from app.cli.exits import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.infra.paths import AppPaths
    from app.services.account import SignedIn, SignedOut

PASSWORD_ENV = "FREEWHEEL_PASSWORD"


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    signin = sub.add_parser("signin", parents=[common], help="sign in to a sync server")
    signin.add_argument("--server", metavar="URL", help="server URL (default: the last one)")
    signin.add_argument("--email", required=True, metavar="E")
    signin.add_argument("--device-name", help="how this computer is named on the server")
    signin.add_argument(
        "--remember-in-file",
        action="store_true",
        help="keep the token in a plain file readable only by you (when no keyring works)",
    )
    signin.add_argument(
        "--memory-only",
        action="store_true",
        help="without a keyring, keep the sign-in only until this command ends",
    )
    signin.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// server that is not on this computer",
    )
    signin.set_defaults(run=signin_command)
    signout = sub.add_parser("signout", parents=[common], help="sign this computer out")
    signout.set_defaults(run=signout_command)


def _paths(args: argparse.Namespace) -> AppPaths:
    from app.infra.paths import app_paths

    return app_paths(getattr(args, "data_dir", None)).ensure()


def _password(email: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise UsageError(f"no password: set {PASSWORD_ENV} or run in a terminal")
    import getpass

    password = getpass.getpass(f"Password for {email}: ")
    if not password:
        raise UsageError("no password given")
    return password


def signin_command(args: argparse.Namespace) -> int:
    from app.services.account import SignInFailed, configured_server, sign_in

    paths = _paths(args)
    raw_server = args.server or configured_server(paths)
    if not raw_server:
        raise UsageError("which server? give --server URL")
    try:
        signed_in = sign_in(
            paths, raw_server, args.email, _password(args.email),
            device_name=args.device_name or "", remember_in_file=args.remember_in_file,
            allow_insecure_http=args.allow_insecure_http,
            memory_only_ok=args.memory_only,
        )  # fmt: skip
    except ValueError as exc:  # a server URL that cannot be used
        raise UsageError(str(exc)) from None
    except SignInFailed as exc:
        print(f"freewheel: cannot sign in: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    _say_signed_in(signed_in, as_json=args.json)
    return EXIT_OK


def _say_signed_in(signed_in: SignedIn, *, as_json: bool) -> None:
    from app.core.auth.token import TokenStorage

    storage = signed_in.tokens.storage
    account = signed_in.token.account
    if as_json:
        print(json.dumps({
            "signed_in": True,
            "server_url": signed_in.server_url,
            "email": account.email,
            "display_name": account.display_name,
            "token_state": storage.value,
        }))  # fmt: skip
    else:
        print(f"Signed in as {account.display_name} <{account.email}> on "
              f"{signed_in.server_url} (token: {storage.value}).")  # fmt: skip
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
            f"{signed_in.token_file} (readable only by you).",
            file=sys.stderr,
        )


def signout_command(args: argparse.Namespace) -> int:
    from app.services.account import sign_out

    _say_signed_out(sign_out(_paths(args)), as_json=args.json)
    return EXIT_OK


def _say_signed_out(signed_out: SignedOut, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"signed_out": True, "server_told": signed_out.server_told}))
    elif not signed_out.was_signed_in:
        print("Not signed in.")
    elif signed_out.server_told:
        print("Signed out.")
    else:
        expires = signed_out.token_expires_at
        until = f" until {expires:%Y-%m-%d}" if expires is not None else ""
        print(f"Signed out on this computer; the server could not be told, so the old "
              f"token stays valid{until}.")  # fmt: skip
