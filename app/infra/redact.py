"""Scrub secrets and personal data from text bound for logs and bug reports."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")
_SECRET_FIELD = re.compile(
    r"(?i)([\"']?(?:token|access_token|refresh_token|password|passwd|secret|authorization|api_key)"
    r"[\"']?\s*[:=]\s*[\"']?)([^\"',;\s}]+)"
)
# long opaque strings (e.g. 43-character url-safe tokens); ride UUIDs (36 chars) survive
_OPAQUE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])")


def redact(text: str, literals: tuple[str, ...] = ()) -> str:
    """`literals` are known secrets (the current token, the account e-mail) scrubbed
    verbatim first, whatever they look like."""
    for literal in sorted((s for s in literals if s), key=len, reverse=True):
        text = text.replace(literal, "<redacted>")
    text = _BEARER.sub(r"\1<redacted>", text)
    text = _SECRET_FIELD.sub(r"\1<redacted>", text)
    text = _EMAIL.sub("<email>", text)
    return _OPAQUE.sub("<redacted>", text)
