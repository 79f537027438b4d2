"""`freewheel server`: run the reference sync server, and its operator commands.

This module imports only the standard library at load time, so `freewheel --help` works
without the `[server]` extra; FastAPI and uvicorn are imported when the server starts.

Wiring into app/main.py:

    add_server_parser(sub)              # in build_parser()
    if args.command == "server":        # in _dispatch()
        return server_command(args)

Standalone: `python -m app.server.cli [server options] [COMMAND ...]` is `freewheel server ...`.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787
MIN_PASSWORD_LENGTH = 8

FAULT_HELP = """\
fault switches (repeatable; later ones win; also settable at runtime with --admin):
  --fault GROUP=SPEC
  GROUP  auth | library | calendar | rides | status | profile | all
  SPEC   off | PART[+PART...]   (at most one PART besides latency)
  PART   CODE[:retry-after=S]   that HTTP status with an error body, e.g. 503:retry-after=5
         latency:MS             wait MS milliseconds, then answer normally
         hang[:S]               answer nothing for S seconds (default 60, max 600)
         drop                   send headers and part of the body, then close the socket
         malformed              200 with a body that is not JSON
         wrong-types            200 with valid JSON of the wrong shape
         endless[:S]            200 with a JSON body that never ends (default 60 s, max 600)
         any PART may add :times=N  (hit the next N requests of the group, then clear)
  examples: --fault library=503:retry-after=5 --fault auth=latency:2000 --fault rides=drop
            --fault all=hang:10 --fault calendar=latency:300+500:times=2
"""


def workout_extensions() -> dict[str, str]:
    """File extension -> wire name, for every format the sync contract carries."""
    from app.core.workouts.formats import FORMATS

    return {ext: f.wire_name for f in FORMATS if f.wire_name for ext in f.extensions}


def _either(choices: Sequence[str]) -> str:
    """(".zwo", ".erg", ".json") -> ".zwo, .erg or .json"."""
    return " or ".join(filter(None, (", ".join(choices[:-1]), choices[-1])))


class UsageError(Exception):
    """Bad usage or bad input: one line on stderr, exit code 2."""


# -- parser --------------------------------------------------------------------------------


def _store_options(suppress: bool) -> argparse.ArgumentParser:
    """--db and --data-dir, accepted before or after an operator command."""
    default = argparse.SUPPRESS if suppress else None
    opts = argparse.ArgumentParser(add_help=False)
    opts.add_argument(
        "--db", type=Path, default=default, metavar="PATH",
        help="server database (default: DATA_DIR/server.db)",
    )  # fmt: skip
    opts.add_argument(  # SUPPRESS: never hide a `freewheel --data-dir DIR server` value
        "--data-dir", default=argparse.SUPPRESS, metavar="DIR",
        help="keep all state in this folder (env FREEWHEEL_HOME)",
    )  # fmt: skip
    opts.add_argument(
        "--json", action="store_true", default=default, help="machine-readable output"
    )
    return opts


def add_server_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `server` (and its operator commands) on the `freewheel` subparsers."""
    server: argparse.ArgumentParser = subparsers.add_parser(
        "server",
        parents=[_store_options(suppress=False)],
        help="run the reference sync server (and operator commands)",
        description="Run the Freewheel reference sync server (shared/design/SYNC_API.md). "
        "Binds to loopback unless --allow-remote. With --port 0 a free port is chosen; the "
        "first line on stdout always names the URL.",
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    server.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1)")
    server.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port (default 8787; 0 = any free)"
    )
    server.add_argument(
        "--allow-remote", action="store_true", help="allow binding a non-loopback address"
    )
    server.add_argument(
        "--admin", action="store_true",
        help="enable POST /_admin/faults and /_admin/clock (loopback clients only)",
    )  # fmt: skip
    server.add_argument(
        "--fault", action="append", default=[], metavar="GROUP=SPEC",
        help="inject a fault (see below; repeatable)",
    )  # fmt: skip
    server.add_argument(
        "--token-lifetime-days", type=float, default=30.0, help="token lifetime (default 30)"
    )
    server.add_argument(
        "--renew-after-days", type=float, default=7.0, help="renew_after offset (default 7)"
    )
    server.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    server.add_argument("--no-access-log", action="store_true", help="do not log each request")
    server.add_argument(
        "--graceful-timeout", type=float, default=3.0, metavar="S",
        help="on Ctrl-C, wait at most S seconds for open requests (default 3)",
    )  # fmt: skip

    ops = server.add_subparsers(dest="server_command", metavar="COMMAND")
    store_opts = _store_options(suppress=True)

    create = ops.add_parser("create-user", parents=[store_opts], help="add an account")
    create.add_argument("--email", required=True)
    create.add_argument(
        "--password-env", metavar="VAR",
        help="read the password from this environment variable (else prompt, or read one "
        "line from stdin when it is not a terminal)",
    )  # fmt: skip
    create.add_argument("--display-name")
    create.add_argument("--ftp", type=int, default=200, metavar="W", help="FTP in watts")
    create.add_argument("--weight", type=float, metavar="KG", help="weight in kg")
    create.add_argument(
        "--entitled-days", type=float, metavar="N",
        help="an active entitlement valid for N days (default: none)",
    )  # fmt: skip

    incident = ops.add_parser(
        "post-incident", parents=[store_opts], help="open an incident on the status page"
    )
    incident.add_argument("--name", required=True)
    incident.add_argument(
        "--status", default="investigating",
        choices=["investigating", "identified", "monitoring", "resolved", "postmortem"],
    )  # fmt: skip
    incident.add_argument(
        "--impact", default="minor", choices=["none", "minor", "major", "critical"]
    )
    incident.add_argument(
        "--component", action="append", default=[], metavar="NAME",
        help="affected component (repeatable): Sign-in, Workout library, Calendar, "
        "Ride uploads, Website",
    )  # fmt: skip
    incident.add_argument("--body", help="the first update's text (default: the name)")

    resolve = ops.add_parser(
        "resolve-incident", parents=[store_opts], help="resolve an incident or end a maintenance"
    )
    resolve.add_argument("incident_id", metavar="ID")
    resolve.add_argument("--body", default="This incident has been resolved.")

    maint = ops.add_parser("post-maintenance", parents=[store_opts], help="schedule a maintenance")
    maint.add_argument("--name", required=True)
    maint.add_argument("--from", dest="starts", required=True, metavar="ISO",
                       help="start, RFC 3339 (no offset = UTC)")  # fmt: skip
    maint.add_argument("--until", dest="ends", required=True, metavar="ISO", help="end")
    maint.add_argument("--component", action="append", default=[], metavar="NAME")
    maint.add_argument("--body", help="the announcement (default: the name)")

    add = ops.add_parser("add-workout", parents=[store_opts], help="add or replace a workout")
    add.add_argument("file", type=Path, metavar="FILE", help=_either(list(workout_extensions())))
    add.add_argument("--id", dest="workout_id", help="workout id (default: the file name stem)")
    add.add_argument("--tag", action="append", default=None, help="tag (repeatable)")

    delete = ops.add_parser(
        "delete-workout", parents=[store_opts], help="remove a workout (clients see it deleted)"
    )
    delete.add_argument("workout_id", metavar="ID")
    return server


# -- commands ------------------------------------------------------------------------------


def server_command(args: argparse.Namespace) -> int:
    """Run `freewheel server ...`; the exit code."""
    from app.server.store import StoreError

    commands: dict[str | None, Callable[[argparse.Namespace], int]] = {
        None: _serve,
        "create-user": _create_user,
        "post-incident": _post_incident,
        "resolve-incident": _resolve_incident,
        "post-maintenance": _post_maintenance,
        "add-workout": _add_workout,
        "delete-workout": _delete_workout,
    }
    try:
        return commands[getattr(args, "server_command", None)](args)
    except (UsageError, StoreError) as exc:
        print(f"freewheel: {exc}", file=sys.stderr)
        return EXIT_USAGE


def db_path(args: argparse.Namespace) -> Path:
    if getattr(args, "db", None):
        return Path(args.db).expanduser()
    from app.infra.paths import app_paths

    return app_paths(getattr(args, "data_dir", None)).data_dir / "server.db"


def _now() -> datetime:
    return datetime.now(UTC)


def _store(args: argparse.Namespace) -> Any:
    from app.server.seed import open_store

    return open_store(db_path(args), _now())


def _say(args: argparse.Namespace, text: str, payload: dict[str, Any]) -> None:
    print(json.dumps(payload) if getattr(args, "json", False) else text)


def is_loopback_host(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only for sockets that say
    # they are TCP; without it every response on a kept-alive connection waits ~40 ms
    # for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    return sock


class _QuietInjectedDrops(logging.Filter):
    """The `drop` fault leaves a response unfinished on purpose; uvicorn reports that as an
    error. Keep that one line out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


def _serve(args: argparse.Namespace) -> int:
    if not is_loopback_host(args.host) and not args.allow_remote:
        raise UsageError(
            f"refusing to bind {args.host}: not a loopback address (add --allow-remote to "
            "serve other machines)"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"port {args.port} is not 0-65535")
    try:
        import uvicorn

        from app.server.app import DAY_S, create_app
        from app.server.faults import FaultConfig, FaultSpecError
    except ImportError as exc:
        print(
            f"freewheel: the server needs the [server] extra ({exc.name} is missing): "
            "pip install 'freewheel[server]'",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    try:
        faults = FaultConfig.from_specs(args.fault)
    except FaultSpecError as exc:
        raise UsageError(f"--fault: {exc}") from None
    if args.token_lifetime_days <= 0 or args.renew_after_days < 0:
        raise UsageError("token lifetime must be > 0 days and renew-after >= 0 days")
    path = db_path(args)
    app = create_app(
        path,
        faults=faults,
        token_lifetime_s=args.token_lifetime_days * DAY_S,
        renew_after_s=args.renew_after_days * DAY_S,
        admin=args.admin,
    )
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"freewheel: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Freewheel server listening on http://{shown}:{port}", flush=True)
    print(f"database: {path}", flush=True)
    if faults:
        print(f"faults: {json.dumps(faults.describe())}", flush=True)
    config = uvicorn.Config(
        app,
        log_level=args.log_level,
        access_log=not args.no_access_log,
        timeout_graceful_shutdown=max(0, round(args.graceful_timeout)),
    )
    logging.getLogger("uvicorn.error").addFilter(_QuietInjectedDrops())
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str:
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            raise UsageError(f"environment variable {args.password_env} is not set")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise UsageError("the passwords do not match")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _create_user(args: argparse.Namespace) -> int:
    from app.server.seed import create_rider

    password = _read_password(args)
    if not 1 <= args.ftp <= 2000:
        raise UsageError("--ftp must be 1-2000 W")
    if args.weight is not None and not 20 <= args.weight <= 300:
        raise UsageError("--weight must be 20-300 kg")
    now = _now()
    until = None if args.entitled_days is None else now + timedelta(days=args.entitled_days)
    user = create_rider(
        _store(args), args.email, password, now=now, display_name=args.display_name,
        ftp_w=args.ftp, weight_kg=args.weight, entitlement_valid_until=until,
    )  # fmt: skip
    _say(args, f"created user {user.email} ({user.id})", {"id": user.id, "email": user.email})
    return EXIT_OK


def _post_incident(args: argparse.Namespace) -> int:
    incident_id = _store(args).post_incident(
        name=args.name, status=args.status, impact=args.impact, components=args.component,
        body=args.body or args.name, now=_now(),
    )  # fmt: skip
    _say(args, f"incident {incident_id} posted", {"id": incident_id})
    return EXIT_OK


def _resolve_incident(args: argparse.Namespace) -> int:
    _store(args).resolve_incident(args.incident_id, body=args.body, now=_now())
    _say(args, f"incident {args.incident_id} resolved", {"id": args.incident_id})
    return EXIT_OK


def _time_arg(text: str, name: str) -> datetime:
    from app.server.store import parse_time

    try:
        return parse_time(text)
    except ValueError:
        raise UsageError(f"{name} must be an ISO time, e.g. 2025-06-01T22:00:00+02:00") from None


def _post_maintenance(args: argparse.Namespace) -> int:
    maintenance_id = _store(args).post_maintenance(
        name=args.name, scheduled_for=_time_arg(args.starts, "--from"),
        scheduled_until=_time_arg(args.ends, "--until"), components=args.component,
        body=args.body or args.name, now=_now(),
    )  # fmt: skip
    _say(args, f"maintenance {maintenance_id} scheduled", {"id": maintenance_id})
    return EXIT_OK


def _add_workout(args: argparse.Namespace) -> int:
    from app.core.workouts.formats import read_workout
    from app.core.workouts.model import WorkoutFormatError

    path: Path = args.file
    fmt = workout_extensions().get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{path.name}: expected one of {', '.join(workout_extensions())}")
    try:
        data = path.read_bytes()
        workout = read_workout(data, path.name)
        content = data.decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except (WorkoutFormatError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path.name} is not a valid workout: {exc}") from None
    tags = args.tag if args.tag is not None else [t for t in (workout.category, *workout.tags) if t]
    row = _store(args).put_workout(
        args.workout_id or path.stem, name=workout.name or path.stem, fmt=fmt, content=content,
        tags=list(dict.fromkeys(tags)), category=workout.category, now=_now(),
    )  # fmt: skip
    _say(args, f"workout {row.id} version {row.version}", {"id": row.id, "version": row.version})
    return EXIT_OK


def _delete_workout(args: argparse.Namespace) -> int:
    if not _store(args).delete_workout(args.workout_id, now=_now()):
        raise UsageError(f"no workout {args.workout_id!r}")
    _say(args, f"workout {args.workout_id} deleted", {"id": args.workout_id})
    return EXIT_OK


# -- standalone entry ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="freewheel")
    add_server_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m app.server.cli ARGS` runs `freewheel server ARGS`."""
    args = build_parser().parse_args(["server", *(sys.argv[1:] if argv is None else argv)])
    try:
        return server_command(args)
    except KeyboardInterrupt:
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
