"""When to renew the token, and what an HTTP outcome means for the sign-in.

Pure functions of (now, token) and (status code / failure kind): the sync worker asks
them, tests drive them with any clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from app.core.auth.token import Token

__all__ = [
    "EXPIRY_MARGIN",
    "TRANSIENT_STATUSES",
    "AuthEffect",
    "TokenDecision",
    "classify_status",
    "classify_transport_failure",
    "decide",
]

# Renew a little before the server's expiry even if renew_after is later (clock skew).
EXPIRY_MARGIN = timedelta(minutes=10)

# Not an auth problem and not the request's fault: keep the token, back off, try later.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class TokenDecision(StrEnum):
    USE = "use"  # valid and not due for renewal
    RENEW = "renew"  # past renew_after (or near expiry): renew silently; the old one still works
    EXPIRED = "expired"  # past expires_at by our clock: renewal may work if our clock is off


def decide(now: datetime, token: Token) -> TokenDecision:
    if now >= token.expires_at:
        return TokenDecision.EXPIRED
    if now >= token.renew_after or now >= token.expires_at - EXPIRY_MARGIN:
        return TokenDecision.RENEW
    return TokenDecision.USE


class AuthEffect(StrEnum):
    """What an HTTP outcome does to the sign-in."""

    OK = "ok"  # success
    TRANSIENT = "transient"  # network error, timeout, 5xx, 408/425/429: keep the token, retry later
    SIGNED_OUT = "signed_out"  # 401 on renew: the token is dead, "sign in to sync"
    RENEW_AND_RETRY = "renew_and_retry"  # 401 on any other call: renew once, then retry once
    REJECTED = "rejected"  # any other 4xx: this request is refused; the token is fine


def classify_status(status: int, *, renewing: bool = False) -> AuthEffect:
    if 200 <= status < 400:
        return AuthEffect.OK
    if status in TRANSIENT_STATUSES or status >= 500:
        return AuthEffect.TRANSIENT
    if status == 401:
        return AuthEffect.SIGNED_OUT if renewing else AuthEffect.RENEW_AND_RETRY
    return AuthEffect.REJECTED


def classify_transport_failure() -> AuthEffect:
    """DNS failure, refused or reset connection, timeout: never an auth problem."""
    return AuthEffect.TRANSIENT
