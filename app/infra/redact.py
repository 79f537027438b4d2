"""Scrub secrets and personal data from text bound for logs and bug reports.

What counts as a secret field: a key such as `password` or `token` that is *given a
value* — `key=value`, a quoted key (`"password": "…"`, JSON and Python reprs), or a key
that starts a line (`Authorization: …`, `password: …`). A word that merely mentions one
("unclosed token: line 1") is ordinary text. A value runs to its closing quote when quoted,
otherwise to the end of the line or the next `&`, `,`, `;` or `}` — so a password with
spaces is scrubbed whole.
"""

from __future__ import annotations

import re

__all__ = ["REDACTED", "redact"]

REDACTED = "<redacted>"

_KEYS = r"(?:access_token|refresh_token|token|password|passwd|secret|authorization|api_key)"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")
# scheme://user:password@host — the password goes, the user stays (the e-mail rule may
# take it afterwards)
_URL_PASSWORD = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(@)")
_QUOTED_KEY = re.compile(
    rf"(?i)([\"']{_KEYS}[\"']\s*[:=]\s*)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s,;}}]+)"
)
_ASSIGNED_KEY = re.compile(
    rf"(?im)((?<![A-Za-z0-9_]){_KEYS}\s*=\s*)(\"[^\"\n]*\"|'[^'\n]*'|[^&,;}}\n]+?)(?=\s*(?:[&,;}}\n]|$))"
)
_LINE_KEY = re.compile(rf"(?im)(^[ \t]*{_KEYS}\s*:\s*)(\S.*?)[ \t]*$")
# long opaque strings (e.g. 43-character url-safe tokens); ride UUIDs (36 chars) survive
_OPAQUE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])")


def _keep_quotes(match: re.Match[str]) -> str:
    value = match.group(2)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group(1)}{quote}{REDACTED}{quote}"


def redact(text: str, literals: tuple[str, ...] = ()) -> str:
    """`literals` are known secrets (the current token, the account e-mail) scrubbed
    verbatim first, whatever they look like."""
    for literal in sorted((s for s in literals if s), key=len, reverse=True):
        text = text.replace(literal, REDACTED)
    text = _URL_PASSWORD.sub(rf"\1{REDACTED}\2", text)
    text = _BEARER.sub(rf"\1{REDACTED}", text)
    text = _QUOTED_KEY.sub(_keep_quotes, text)
    text = _ASSIGNED_KEY.sub(_keep_quotes, text)
    text = _LINE_KEY.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _EMAIL.sub("<email>", text)
    return _OPAQUE.sub(REDACTED, text)
