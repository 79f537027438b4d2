"""`freewheel server ...`: the reference sync server and its operator commands, defined
in `app.server.cli` (which imports FastAPI only when the server starts)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    from app.server.cli import add_server_parser, server_command

    add_server_parser(sub).set_defaults(run=server_command)
