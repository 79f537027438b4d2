"""A redacted bundle of logs and settings for a bug report."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.infra.paths import AppPaths

__all__ = ["known_secrets", "write_diagnostics"]

log = logging.getLogger(__name__)


def known_secrets(paths: AppPaths) -> tuple[str, ...]:
    """The stored token and account e-mail, to scrub verbatim; best effort, never fatal."""
    try:
        from app.infra.keystore import open_token_store
        from app.infra.sync_store import load_sync_settings

        settings = load_sync_settings(paths.settings_file)
        token = open_token_store(paths.config_dir, plaintext_opt_in=settings.plaintext_token).load()
    except Exception as exc:  # no keyring, unreadable settings: regex redaction still runs
        log.info("diagnostics: no stored token to scrub (%s)", type(exc).__name__)
        return ()
    if token is None:
        return ()
    return (token.secret.reveal(), token.account.email)


def write_diagnostics(paths: AppPaths, out: Path) -> list[str]:
    """Write the zip to `out`; returns the names of the files in it. Tokens, passwords and
    e-mail addresses are removed. Raises OSError when it cannot be written."""
    from app.infra.diagnostics import build_bundle

    return build_bundle(paths, out, known_secrets(paths))
