"""Token model and renewal policy (pure: given now + token -> decision)."""

from app.core.auth.policy import AuthEffect, TokenDecision, classify_status, decide
from app.core.auth.token import Account, Secret, Token, TokenStorage

__all__ = [
    "Account",
    "AuthEffect",
    "Secret",
    "Token",
    "TokenDecision",
    "TokenStorage",
    "classify_status",
    "decide",
]
