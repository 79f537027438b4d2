"""Start the reference sync server for the client's integration tests (run as a script in
a subprocess): seed one rider, bind 127.0.0.1 on a free port, print the URL, serve.

    python sync_server_launcher.py DB EMAIL PASSWORD [max_ride_bytes]

The password comes from the environment variable named by PASSWORD (never argv)."""

from __future__ import annotations

import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    db, email, password_env = sys.argv[1], sys.argv[2], sys.argv[3]
    max_ride_bytes = int(sys.argv[4]) if len(sys.argv) > 4 else 50 * 1024 * 1024
    import uvicorn

    from app.server.app import create_app
    from app.server.seed import create_rider, open_store

    path = Path(db)
    if not path.exists():
        store = open_store(path, datetime.now(UTC))
        create_rider(store, email, os.environ[password_env], now=datetime.now(UTC), ftp_w=250)
    app = create_app(path, admin=True, max_ride_bytes=max_ride_bytes)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    print(f"http://127.0.0.1:{port}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
