"""The sign-in token: a long-lived, renewable bearer credential (SYNC_API.md, "Auth").

The secret itself is wrapped in `Secret`, which never shows its value in repr(), str(),
f-strings or logs; only `reveal()` gives it out, and only the HTTP client (the
Authorization header) and the token stores (the keyring entry) call it.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NoReturn

__all__ = [
    "Account",
    "Secret",
    "StoredTokenError",
    "Token",
    "TokenStorage",
    "token_from_storage_json",
    "token_to_storage_json",
]

_STORAGE_VERSION = 1


class Secret:
    """A string that is never printed. Compare with ==; read with reveal()."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ValueError("a secret must be a non-empty string")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "***"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    email: str
    display_name: str


def _require_aware(name: str, when: datetime) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {when!r}")


@dataclass(frozen=True, slots=True)
class Token:
    """What sign-in and renewal return. `server_url` is the server that issued it (a token
    is only ever sent there)."""

    secret: Secret
    expires_at: datetime
    renew_after: datetime
    account: Account
    server_url: str = ""
    token_type: str = "Bearer"

    def __post_init__(self) -> None:
        _require_aware("expires_at", self.expires_at)
        _require_aware("renew_after", self.renew_after)

    def for_server(self, server_url: str) -> Token:
        return Token(
            self.secret,
            self.expires_at,
            self.renew_after,
            self.account,
            server_url,
            self.token_type,
        )


class TokenStorage(StrEnum):
    """Where the token lives; shown to the rider as is."""

    KEYRING = "in keyring"
    MEMORY_ONLY = "memory only"
    PLAINTEXT = "plaintext opt-in"
    SIGNED_OUT = "signed out"


class StoredTokenError(ValueError):
    """A stored token record that cannot be read (damaged or from a newer version)."""


def token_to_storage_json(token: Token) -> str:
    """The record a token store keeps. It CONTAINS THE SECRET: only for the keyring entry
    or the rider's explicit plaintext opt-in file, never for logs or settings."""
    return json.dumps(
        {
            "v": _STORAGE_VERSION,
            "token": token.secret.reveal(),
            "token_type": token.token_type,
            "expires_at": token.expires_at.isoformat(),
            "renew_after": token.renew_after.isoformat(),
            "server_url": token.server_url,
            "account": {
                "id": token.account.id,
                "email": token.account.email,
                "display_name": token.account.display_name,
            },
        },
        separators=(",", ":"),
    )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise StoredTokenError(f"stored token: {key!r} missing or not text")
    return value


def token_from_storage_json(text: str) -> Token:
    try:
        data = json.loads(text)
    except ValueError:
        raise StoredTokenError("stored token is not JSON") from None
    if not isinstance(data, dict) or data.get("v") != _STORAGE_VERSION:
        raise StoredTokenError("stored token has an unknown layout")
    account = data.get("account")
    if not isinstance(account, dict):
        raise StoredTokenError("stored token: no account")
    try:
        return Token(
            secret=Secret(_text(data, "token")),
            expires_at=datetime.fromisoformat(_text(data, "expires_at")),
            renew_after=datetime.fromisoformat(_text(data, "renew_after")),
            account=Account(
                _text(account, "id"), _text(account, "email"), _text(account, "display_name")
            ),
            server_url=_text(data, "server_url"),
            token_type=_text(data, "token_type"),
        )
    except StoredTokenError:
        raise
    except ValueError:
        raise StoredTokenError("stored token has a bad time or an empty secret") from None
