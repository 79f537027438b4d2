"""`freewheel diagnostics --out FILE.zip`: a redacted bundle for a bug report."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from app.infra.diagnostics import build_bundle
from app.infra.paths import AppPaths, app_paths
from app.main import EXIT_OK, UsageError

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


def diagnostics_command(args: argparse.Namespace) -> int:
    paths = app_paths(args.data_dir)
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise UsageError("--out must name a .zip file")
    try:
        names = build_bundle(paths, out, known_secrets(paths))
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"wrote {out} ({len(names)} files; tokens, passwords and e-mail addresses removed)")
    return EXIT_OK
